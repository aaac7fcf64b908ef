"""Store adapters: the only modules that talk to a database."""
