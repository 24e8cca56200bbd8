"""Fixtures for engine tests: every port in memory with a fixed clock."""

from __future__ import annotations

import pytest

from engine.memory import InMemoryEngine
from tests.engine.support import make_engine


@pytest.fixture
def engine() -> InMemoryEngine:
    """Snapshot repository: what a handler does not store is lost, as with a database."""
    return make_engine()
