"""Storage: engine and sessions, SQLModel tables, queries returning domain objects."""
