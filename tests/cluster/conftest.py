"""The cluster and CDN tests bring their own databases (PostgreSQL in the cluster's data node,
SQLite behind the CDN). They are not database-sensitive (tests/conftest.py), so the suite's
PostgreSQL pass, which runs only those, leaves them out: they run once, in the SQLite pass."""
