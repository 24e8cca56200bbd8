"""The engine's ports implemented with Django: repository, queue, gate, events, clock."""
