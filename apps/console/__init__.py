"""The web console: server-rendered pages per team (htmx for partial updates)."""
