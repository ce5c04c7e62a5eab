"""Drivers run the core's lookups against the world: sockets, timeouts, retries and sleeping live here."""
