"""Stage types: the builder protocol, the registry, and (in `builtin`) the general-purpose types."""

from __future__ import annotations

from engine.stages.builder import (
    BaseStageBuilder,
    StageDefinitionBuilder,
    SyntheticStage,
    TaskDefinition,
)
from engine.stages.registry import StageTypeRegistry

__all__ = [
    "BaseStageBuilder",
    "StageDefinitionBuilder",
    "StageTypeRegistry",
    "SyntheticStage",
    "TaskDefinition",
]
