"""Installs what the suite's real-client tests drive (Chromium, kubectl) when it can.

Prints what it did or why it could not; the tests that need a missing tool skip with that
reason. Never downloads a browser build: only Debian's packages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def _apt_install(packages: list[str]) -> str | None:
    """Installs Debian packages; returns a reason when it cannot."""
    if shutil.which("apt-get") is None:
        return "apt-get is not available"
    if os.geteuid() != 0:
        return "not running as root"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=900, check=False
        )
        if result.returncode != 0:
            return f"{' '.join(command[:2])} failed: {result.stderr.strip()[-300:]}"
    return None


def ensure(binary: str, packages: list[str], purpose: str) -> None:
    if shutil.which(binary) or os.path.exists(f"/usr/bin/{binary}"):
        return
    reason = _apt_install(packages)
    if reason is None and (shutil.which(binary) or os.path.exists(f"/usr/bin/{binary}")):
        print(f"installed {binary} ({', '.join(packages)}) for {purpose}")  # noqa: T201
    else:
        print(
            f"note: {binary} is missing ({reason or 'not found after install'}); "  # noqa: T201
            f"{purpose} will be skipped"
        )


def ensure_font(path: str, package: str, purpose: str) -> None:
    if os.path.exists(path):
        return
    reason = _apt_install([package])
    if reason is not None:
        print(f"note: {package} is missing ({reason}); {purpose}")  # noqa: T201


def main() -> int:
    if os.environ.get("CDP_SKIP_PREREQUISITES"):
        return 0
    ensure("chromium", ["chromium", "fonts-noto-cjk"], "browser tests")
    ensure("kubectl", ["kubernetes-client"], "kubectl compatibility tests")
    if shutil.which("chromium") or os.path.exists("/usr/bin/chromium"):
        ensure_font(
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "fonts-noto-cjk",
            "Chinese text in browser screenshots renders as boxes",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
