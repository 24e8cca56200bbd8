"""The expression syntax tree: immutable nodes, each carrying its offset in the source text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal as TypingLiteral


@dataclass(frozen=True, slots=True)
class Literal:
    value: object
    pos: int


@dataclass(frozen=True, slots=True)
class InlineList:
    items: tuple[Node, ...]
    pos: int


@dataclass(frozen=True, slots=True)
class InlineMap:
    # A key is either a constant (identifier, string or number) or an expression node.
    entries: tuple[tuple[str | int | float | Node, Node], ...]
    pos: int


@dataclass(frozen=True, slots=True)
class Identifier:
    """A bare name, read from the active context object (the root, or `#this` in a filter)."""

    name: str
    pos: int


@dataclass(frozen=True, slots=True)
class Variable:
    """`#name`: `#this`, `#root`, or a helper function referenced without a call."""

    name: str
    pos: int


@dataclass(frozen=True, slots=True)
class FunctionCall:
    name: str
    args: tuple[Node, ...]
    pos: int


@dataclass(frozen=True, slots=True)
class ContextCall:
    """`name(args)` without a target: a method call on the active context object."""

    name: str
    args: tuple[Node, ...]
    pos: int


@dataclass(frozen=True, slots=True)
class TypeRef:
    name: str
    pos: int


@dataclass(frozen=True, slots=True)
class NewObject:
    type_name: str
    args: tuple[Node, ...]
    pos: int


@dataclass(frozen=True, slots=True)
class Property:
    name: str
    safe: bool
    pos: int


@dataclass(frozen=True, slots=True)
class MethodCall:
    name: str
    args: tuple[Node, ...]
    safe: bool
    pos: int


@dataclass(frozen=True, slots=True)
class Index:
    key: Node
    pos: int


SelectionKind = TypingLiteral["all", "first", "last"]


@dataclass(frozen=True, slots=True)
class Selection:
    kind: SelectionKind
    predicate: Node
    safe: bool
    pos: int


@dataclass(frozen=True, slots=True)
class Projection:
    expr: Node
    safe: bool
    pos: int


Step = Property | MethodCall | Index | Selection | Projection


@dataclass(frozen=True, slots=True)
class Chain:
    head: Node
    steps: tuple[Step, ...]
    pos: int


@dataclass(frozen=True, slots=True)
class Unary:
    op: TypingLiteral["not", "-", "+"]
    operand: Node
    pos: int


@dataclass(frozen=True, slots=True)
class Logical:
    op: TypingLiteral["and", "or"]
    operands: tuple[Node, ...]
    pos: int


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """A left-associative run of same-precedence operators: `a + b - c`."""

    first: Node
    rest: tuple[tuple[str, Node], ...]
    pos: int


@dataclass(frozen=True, slots=True)
class Power:
    base: Node
    exponent: Node
    pos: int


@dataclass(frozen=True, slots=True)
class Comparison:
    op: str
    left: Node
    right: Node
    pos: int


@dataclass(frozen=True, slots=True)
class Ternary:
    condition: Node
    if_true: Node
    if_false: Node
    pos: int


@dataclass(frozen=True, slots=True)
class Elvis:
    value: Node
    fallback: Node
    pos: int


Node = (
    Literal
    | InlineList
    | InlineMap
    | Identifier
    | Variable
    | FunctionCall
    | ContextCall
    | TypeRef
    | NewObject
    | Chain
    | Unary
    | Logical
    | Arithmetic
    | Power
    | Comparison
    | Ternary
    | Elvis
)
