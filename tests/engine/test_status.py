"""Every status and its behaviour flags, as Orca's ExecutionStatus defines them."""

from __future__ import annotations

import pytest

from engine.status import Status

# status: (complete, halt, successful, failure, unblocks downstream, active)
FLAGS = {
    Status.NOT_STARTED: (False, False, False, False, False, False),
    Status.RUNNING: (False, False, False, False, False, True),
    Status.PAUSED: (False, False, False, False, False, True),
    Status.SUSPENDED: (False, False, False, False, False, True),
    Status.SUCCEEDED: (True, False, True, False, True, False),
    Status.FAILED_CONTINUE: (True, False, False, True, True, False),
    Status.TERMINAL: (True, True, False, True, False, False),
    Status.CANCELED: (True, True, False, False, False, False),
    Status.REDIRECT: (False, False, False, False, False, False),
    Status.STOPPED: (True, True, True, True, False, False),
    Status.SKIPPED: (True, False, True, False, True, False),
    Status.BUFFERED: (False, False, False, False, False, False),
}


def test_all_twelve_statuses_are_covered() -> None:
    assert set(FLAGS) == set(Status)
    assert len(Status) == 12


@pytest.mark.parametrize(("status", "flags"), FLAGS.items(), ids=lambda value: str(value))
def test_status_flags(status: Status, flags: tuple[bool, ...]) -> None:
    observed = (
        status.is_complete,
        status.is_halt,
        status.is_successful,
        status.is_failure,
        status.unblocks_downstream,
        status.is_active,
    )
    assert observed == flags


def test_status_serialises_as_its_name() -> None:
    assert str(Status.FAILED_CONTINUE) == "FAILED_CONTINUE"
    assert Status("TERMINAL") is Status.TERMINAL
