"""The model: entities, accounts, errors, validation and serialisation; imports nothing else of graphsvc."""
