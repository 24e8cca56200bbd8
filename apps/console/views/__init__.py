"""Console views, one module per page family; each reads via selectors and writes via services."""
