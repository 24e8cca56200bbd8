"""Runs one benchmark module (`python -m bench engine`) or all of them (`python -m bench all`)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        m.name
        for m in pkgutil.iter_modules([str(here)])
        if not m.name.startswith("_") and m.name != "common"
    )


def main(argv: list[str]) -> int:
    names = available()
    if not argv or argv[0] in ("-h", "--help"):
        print(f"usage: python -m bench {{{'|'.join([*names, 'all'])}}} [options]")
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    targets = names if name == "all" else [name]
    for target in targets:
        if target not in names:
            print(f"unknown benchmark {target!r}; available: {', '.join(names)}")
            return 2
        module = importlib.import_module(f"bench.{target}")
        status = module.main(rest)
        if status:
            return int(status)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
