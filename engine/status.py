"""Execution, stage and task statuses with the behaviour flags the handlers branch on."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Orca's `ExecutionStatus`; the flags below are the only way handlers should test a status."""

    NOT_STARTED = "NOT_STARTED"
    RUNNING = "RUNNING"
    PAUSED = "PAUSED"
    SUSPENDED = "SUSPENDED"
    SUCCEEDED = "SUCCEEDED"
    FAILED_CONTINUE = "FAILED_CONTINUE"
    TERMINAL = "TERMINAL"
    CANCELED = "CANCELED"
    REDIRECT = "REDIRECT"
    STOPPED = "STOPPED"
    SKIPPED = "SKIPPED"
    BUFFERED = "BUFFERED"

    @property
    def is_complete(self) -> bool:
        """The work is finished, successfully or not."""
        return self in _COMPLETE

    @property
    def is_halt(self) -> bool:
        """Nothing downstream of this should run."""
        return self in _HALT

    @property
    def is_successful(self) -> bool:
        """Orca's `isSuccessful`: STOPPED counts, because the user chose to stop the branch."""
        return self in _SUCCESSFUL

    @property
    def is_failure(self) -> bool:
        """Orca's `isFailure`: STOPPED counts here too."""
        return self in _FAILURE

    @property
    def unblocks_downstream(self) -> bool:
        """A stage in this status lets the stages that require it start (complete, not halted)."""
        return self in _UNBLOCKING

    @property
    def is_active(self) -> bool:
        """Started and not finished: holds a concurrency slot (a paused run still holds it)."""
        return self in _ACTIVE


_COMPLETE = frozenset(
    {
        Status.SUCCEEDED,
        Status.FAILED_CONTINUE,
        Status.TERMINAL,
        Status.CANCELED,
        Status.STOPPED,
        Status.SKIPPED,
    }
)
_HALT = frozenset({Status.TERMINAL, Status.CANCELED, Status.STOPPED})
_SUCCESSFUL = frozenset({Status.SUCCEEDED, Status.STOPPED, Status.SKIPPED})
_FAILURE = frozenset({Status.TERMINAL, Status.STOPPED, Status.FAILED_CONTINUE})
_UNBLOCKING = _COMPLETE - _HALT
_ACTIVE = frozenset({Status.RUNNING, Status.PAUSED, Status.SUSPENDED})
