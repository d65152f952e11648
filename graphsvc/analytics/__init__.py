"""Analytics: pure functions on networkx graphs built from the domain objects (no Flask, no store)."""
