"""Shared benchmark helpers: Django set-up on a throwaway database, percentiles, reports."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def setup_django(*, sqlite_path: str | None = None) -> None:
    """Configures Django on a fresh SQLite file (or DATABASE_URL) and migrates it."""
    if not os.environ.get("DATABASE_URL"):
        path = sqlite_path or os.path.join(tempfile.mkdtemp(prefix="cdp-bench-"), "bench.sqlite3")
        os.environ["CDP_SQLITE_PATH"] = path
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdplatform.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summarize_ms(samples: list[float]) -> dict[str, float]:
    return {
        "p50": percentile(samples, 0.50) * 1000,
        "p95": percentile(samples, 0.95) * 1000,
        "mean": statistics.fmean(samples) * 1000 if samples else float("nan"),
        "n": len(samples),
    }


def time_calls(fn: Callable[[], Any], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


@contextmanager
def timer() -> Iterator[list[float]]:
    box: list[float] = []
    start = time.perf_counter()
    yield box
    box.append(time.perf_counter() - start)


def print_table(title: str, rows: list[tuple[str, dict[str, float]]]) -> None:
    print(f"\n{title}")
    print(f"  {'operation':<28} {'p50 ms':>9} {'p95 ms':>9} {'mean ms':>9} {'n':>6}")
    for name, stats in rows:
        print(
            f"  {name:<28} {stats['p50']:>9.2f} {stats['p95']:>9.2f} {stats['mean']:>9.2f} "
            f"{int(stats['n']):>6}"
        )
