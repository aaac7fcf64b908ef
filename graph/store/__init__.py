"""Where data lives: the store's interface (ports) and its adapters, the only modules that
talk to a database (embedded SQLite, Neo4j)."""
