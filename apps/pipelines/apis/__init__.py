"""REST API of pipelines (one class per operation), by concern."""
