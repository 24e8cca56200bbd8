"""The ASGI application loads every view at start and freezes what it loaded out of the
collector's full passes (a full collection over it paused requests for 150-200 ms)."""

from __future__ import annotations

import gc
import sys


def test_loading_the_server_imports_the_views_and_freezes_them() -> None:
    import cdplatform.asgi  # noqa: F401

    assert "apps.console.views.pipelines" in sys.modules
    assert gc.get_freeze_count() > 0
