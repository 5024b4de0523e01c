"""The database layer: the SQLite file and its connections (``store``), and what a migration is (``migrations``). It knows no domain."""
