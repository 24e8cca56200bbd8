"""Says whether PostgreSQL and Redis answer; `make test` skips that run, with the reason, if not.

Usage: python -m tests.backends POSTGRES_URL REDIS_URL  (exit 0: both reachable)
"""

from __future__ import annotations

import socket
import sys
from urllib.parse import urlsplit


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


def main(argv: list[str]) -> int:
    postgres_url, redis_url = argv
    if not reachable(postgres_url, 5432):
        print(
            f"skipped: no PostgreSQL at {urlsplit(postgres_url).netloc} "  # noqa: T201
            "(the PostgreSQL + Redis + Celery run of the suite did not run)"
        )
        return 1
    if not reachable(redis_url, 6379):
        print(
            f"skipped: no Redis at {urlsplit(redis_url).netloc} "  # noqa: T201
            "(the PostgreSQL + Redis + Celery run of the suite did not run)"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
