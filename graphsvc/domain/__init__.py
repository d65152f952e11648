"""The domain: actors, initiatives, their validation and the services on them."""
