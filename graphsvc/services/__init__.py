"""Use cases on a store and a cache (graph edits, imports, backup, accounts, metrics, maps); no Flask."""
