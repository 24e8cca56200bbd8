"""The stage package stays Django-free, so the engine can run it anywhere."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_stages_loads_no_django() -> None:
    code = (
        "import sys, apps.kubernetes.stages as s; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django'; "
        "print(len(s.STAGE_TYPES))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "10"
