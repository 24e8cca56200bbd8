"""Exceptions the engine raises to its callers (the platform maps them to API errors)."""

from __future__ import annotations


class EngineError(Exception):
    """Root of the engine's own exceptions."""


class ExecutionNotFoundError(EngineError):
    def __init__(self, execution_id: str) -> None:
        super().__init__(f"execution {execution_id} not found")
        self.execution_id = execution_id


class StageNotFoundError(EngineError):
    def __init__(self, execution_id: str, stage_id: str) -> None:
        super().__init__(f"stage {stage_id} not found in execution {execution_id}")
        self.execution_id = execution_id
        self.stage_id = stage_id


class UnknownStageTypeError(EngineError):
    def __init__(self, stage_type: str) -> None:
        super().__init__(f"no stage type {stage_type!r} is registered")
        self.stage_type = stage_type


class UnknownTaskTypeError(EngineError):
    def __init__(self, task_type: str) -> None:
        super().__init__(f"no task {task_type!r} is registered")
        self.task_type = task_type


class OperationNotAllowedError(EngineError):
    """A user operation does not apply to the execution or stage in its current state."""


class PipelineConfigError(EngineError):
    """A pipeline config cannot be turned into an execution (the message says where)."""

    def __init__(self, message: str, *, pointer: str = "") -> None:
        super().__init__(f"{pointer}: {message}" if pointer else message)
        self.pointer = pointer


class ChildPipelineError(EngineError):
    """A `pipeline` stage cannot start its child: missing, disabled, or not allowed."""
