"""Storage: the async engine, the tables, the repositories (the only place with queries)."""
