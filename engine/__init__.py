"""Pipeline execution engine: Orca-style messages and handlers, free of Django."""
