"""Parses expression text (without `${}`) into a syntax tree with a lark LALR grammar."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from typing import Any

import lark
from lark import Token, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError

from engine.expressions import nodes as n
from engine.expressions.errors import ExpressionError, ExpressionLimitError, ExpressionSyntaxError
from engine.expressions.limits import (
    LONG_MAX,
    LONG_MIN,
    MAX_EXPRESSION_LENGTH,
    MAX_NESTING_DEPTH,
)

# Precedence, loosest first, follows Spring's SpEL parser: ternary/Elvis, or, and, one relational
# operator (non-associative), + -, * / %, ^ (non-associative), unary, then postfix chains.
GRAMMAR = r"""
?start: expr

?expr: or_expr
     | or_expr "?" expr ":" expr                          -> ternary
     | or_expr ELVIS expr                                 -> elvis

?or_expr: and_expr (OR and_expr)*
?and_expr: rel_expr (AND rel_expr)*
?rel_expr: sum_expr (REL_OP sum_expr)?
?sum_expr: product (ADD_OP product)*
?product: power (MUL_OP power)*
?power: unary (POW unary)?
?unary: postfix
      | NOT unary                                         -> not_
      | ADD_OP unary                                      -> sign

?postfix: atom
        | atom step+                                      -> chain

step: (DOT | SAFE_DOT) IDENT                              -> prop
    | (DOT | SAFE_DOT) IDENT "(" [args] ")"               -> method
    | "[" expr "]"                                        -> index
    | (DOT | SAFE_DOT) (SELECT | FIRST | LAST) expr "]"   -> select
    | (DOT | SAFE_DOT) PROJECT expr "]"                   -> project

?atom: NUMBER                                             -> number
     | STRING                                             -> string
     | "(" expr ")"
     | IDENT                                              -> ident
     | IDENT "(" [args] ")"                               -> context_call
     | IDENT qualified "(" [args] ")"                     -> new_object
     | "#" IDENT                                          -> variable
     | "#" IDENT "(" [args] ")"                           -> function
     | "{" "}"                                            -> empty_list
     | "{" ":" "}"                                        -> empty_map
     | "{" args "}"                                       -> inline_list
     | "{" map_entry ("," map_entry)* "}"                 -> inline_map

args: expr ("," expr)*
map_entry: map_key ":" expr
map_key: IDENT | STRING | NUMBER | "(" expr ")"
qualified: IDENT ("." IDENT)*

ELVIS: "?:"
SAFE_DOT: "?."
DOT: "."
SELECT: "?["
FIRST: "^["
LAST: "$["
PROJECT: "!["
OR.2: "||" | /or\b/i
AND.2: "&&" | /and\b/i
NOT.2: "!" | /not\b/i
REL_OP.2: "==" | "!=" | "<=" | ">=" | "<" | ">"
        | /(eq|ne|lt|gt|le|ge|matches|between|instanceof)\b/i
ADD_OP: "+" | "-"
MUL_OP.2: "*" | "/" | "%" | /(div|mod)\b/i
POW: "^"
NUMBER: /0[xX][0-9a-fA-F]+[lL]?/
      | /\d+\.\d+(?:[eE][+-]?\d+)?[fFdD]?|\d+[eE][+-]?\d+[fFdD]?|\d+[lLfFdD]?/
STRING: /'(?:[^']|'')*'|"(?:[^"]|"")*"/
IDENT: /(?!\$\[)[A-Za-z_$][A-Za-z0-9_$]*/

%import common.WS
%ignore WS
"""

_RELATIONAL = {"eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">="}
_MULTIPLICATIVE = {"div": "/", "mod": "%"}
_TERMINAL_NAMES = {
    "RPAR": "')'",
    "LPAR": "'('",
    "RSQB": "']'",
    "LSQB": "'['",
    "RBRACE": "'}'",
    "LBRACE": "'{'",
    "COMMA": "','",
    "COLON": "':'",
    "QMARK": "'?'",
    "HASH": "'#'",
    "IDENT": "a name",
    "ADD_OP": "'+' or '-'",
    "NOT": "'!'",
    "DOT": "'.'",
    "NUMBER": "a number",
    "STRING": "a string",
    "$END": "end of expression",
}


@functools.cache
def _lark() -> lark.Lark:
    return lark.Lark(
        GRAMMAR,
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
    )


def parse(text: str) -> n.Node:
    """Parse one expression; raises ExpressionSyntaxError or ExpressionLimitError."""
    return _parse_cached(text)


@functools.lru_cache(maxsize=2048)
def _parse_cached(text: str) -> n.Node:
    _prescan(text)
    if not text.strip():
        raise ExpressionSyntaxError("empty expression", 0)
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, text) from None
    try:
        node: n.Node = _ToNodes().transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, ExpressionError):
            raise exc.orig_exc from None
        raise
    _check_depth(node)
    return node


def _prescan(text: str) -> None:
    """Refuse over-long text and deep bracket nesting before the parser builds anything."""
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionLimitError(
            f"expression of {len(text)} characters exceeds the limit of {MAX_EXPRESSION_LENGTH}"
        )
    depth = 0
    quote = ""
    for pos, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""  # a doubled quote re-enters the string on the next character
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
            if depth > MAX_NESTING_DEPTH:
                raise ExpressionLimitError(
                    f"expression nests deeper than {MAX_NESTING_DEPTH} levels", pos
                )
        elif char in ")]}":
            depth -= 1


def _syntax_error(exc: UnexpectedInput, text: str) -> ExpressionSyntaxError:
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        char = text[pos] if pos < len(text) else ""
        if char in "'\"":
            return ExpressionSyntaxError("unterminated string literal", pos)
        return ExpressionSyntaxError(f"unexpected character {char!r}", pos)
    if isinstance(exc, UnexpectedEOF):
        return ExpressionSyntaxError("unexpected end of expression", len(text))
    token: Any = getattr(exc, "token", None)
    expected = sorted({_TERMINAL_NAMES.get(name, name) for name in getattr(exc, "expected", ())})
    hint = f" (expected {', '.join(expected[:6])})" if expected else ""
    if token is None or token.type == "$END":
        return ExpressionSyntaxError(f"unexpected end of expression{hint}", len(text))
    return ExpressionSyntaxError(f"unexpected {str(token)!r}{hint}", token.start_pos)


def _children(node: n.Node | n.Step) -> Iterator[n.Node | n.Step]:
    match node:
        case n.InlineList(items=items):
            yield from items
        case n.InlineMap(entries=entries):
            for key, value in entries:
                if not isinstance(key, str | int | float):
                    yield key
                yield value
        case n.FunctionCall(args=args) | n.ContextCall(args=args) | n.NewObject(args=args):
            yield from args
        case n.MethodCall(args=args):
            yield from args
        case n.Chain(head=head, steps=steps):
            yield head
            yield from steps
        case n.Index(key=key):
            yield key
        case n.Selection(predicate=predicate):
            yield predicate
        case n.Projection(expr=expr):
            yield expr
        case n.Unary(operand=operand):
            yield operand
        case n.Logical(operands=operands):
            yield from operands
        case n.Arithmetic(first=first, rest=rest):
            yield first
            for _, operand in rest:
                yield operand
        case n.Power(base=base, exponent=exponent):
            yield base
            yield exponent
        case n.Comparison(left=left, right=right):
            yield left
            yield right
        case n.Ternary(condition=condition, if_true=if_true, if_false=if_false):
            yield condition
            yield if_true
            yield if_false
        case n.Elvis(value=value, fallback=fallback):
            yield value
            yield fallback
        case _:
            return


def _check_depth(root: n.Node) -> None:
    """Iteratively measure tree depth so the recursive evaluator can never overflow the stack."""
    stack: list[tuple[n.Node | n.Step, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING_DEPTH:
            raise ExpressionLimitError(
                f"expression nests deeper than {MAX_NESTING_DEPTH} levels", node.pos
            )
        stack.extend((child, depth + 1) for child in _children(node))


def _number(text: str, pos: int) -> int | float:
    lowered = text.lower()
    if lowered.startswith("0x"):
        value = int(lowered[2:].rstrip("l"), 16)
    elif lowered.endswith(("f", "d")) or "." in lowered or "e" in lowered:
        number = float(lowered.rstrip("fd"))
        if math.isinf(number):
            raise ExpressionSyntaxError(f"the value '{text}' cannot be parsed as a double", pos)
        return number
    else:
        value = int(lowered.rstrip("l"))
    if not LONG_MIN <= value <= LONG_MAX:
        raise ExpressionSyntaxError(f"the value '{text}' cannot be parsed as a long", pos)
    return value


def _string(token: Token) -> str:
    quote = token[0]
    return token[1:-1].replace(quote * 2, quote)


def _pos(meta: Any) -> int:
    return int(getattr(meta, "start_pos", 0) or 0)


def _dotted_name(node: n.Node) -> str | None:
    if isinstance(node, n.Identifier):
        return node.name
    if isinstance(node, n.Chain) and isinstance(node.head, n.Identifier):
        parts = [node.head.name]
        for step in node.steps:
            if not isinstance(step, n.Property) or step.safe:
                return None
            parts.append(step.name)
        return ".".join(parts)
    return None


def _args(children: list[Any]) -> tuple[n.Node, ...]:
    for child in children:
        if isinstance(child, tuple):
            return child
    return ()


@v_args(meta=True)
class _ToNodes(lark.visitors.Transformer_NonRecursive[Token, n.Node]):
    """Turns the lark parse tree into `nodes`; non-recursive so long chains cannot overflow."""

    def args(self, meta: Any, children: list[n.Node]) -> tuple[n.Node, ...]:
        return tuple(children)

    def number(self, meta: Any, children: list[Token]) -> n.Node:
        return n.Literal(_number(str(children[0]), children[0].start_pos or 0), _pos(meta))

    def string(self, meta: Any, children: list[Token]) -> n.Node:
        return n.Literal(_string(children[0]), _pos(meta))

    def ident(self, meta: Any, children: list[Token]) -> n.Node:
        name = str(children[0])
        constants = {"true": True, "false": False, "null": None}
        if name.lower() in constants:
            return n.Literal(constants[name.lower()], _pos(meta))
        return n.Identifier(name, _pos(meta))

    def context_call(self, meta: Any, children: list[Any]) -> n.Node:
        name = str(children[0])
        args = _args(children[1:])
        if name == "T":
            type_name = _dotted_name(args[0]) if len(args) == 1 else None
            if type_name is None:
                raise ExpressionSyntaxError("T(...) needs a type name", _pos(meta))
            return n.TypeRef(type_name, _pos(meta))
        return n.ContextCall(name, args, _pos(meta))

    def new_object(self, meta: Any, children: list[Any]) -> n.Node:
        keyword = children[0]
        if str(keyword) != "new":
            raise ExpressionSyntaxError(f"unexpected name after {str(keyword)!r}", _pos(meta))
        qualified: Tree[Token] = children[1]
        type_name = ".".join(str(part) for part in qualified.children)
        return n.NewObject(type_name, _args(children[2:]), _pos(meta))

    def variable(self, meta: Any, children: list[Token]) -> n.Node:
        return n.Variable(str(children[0]), _pos(meta))

    def function(self, meta: Any, children: list[Any]) -> n.Node:
        return n.FunctionCall(str(children[0]), _args(children[1:]), _pos(meta))

    def empty_list(self, meta: Any, children: list[Any]) -> n.Node:
        return n.InlineList((), _pos(meta))

    def empty_map(self, meta: Any, children: list[Any]) -> n.Node:
        return n.InlineMap((), _pos(meta))

    def inline_list(self, meta: Any, children: list[Any]) -> n.Node:
        return n.InlineList(children[0], _pos(meta))

    def map_key(self, meta: Any, children: list[Any]) -> str | int | float | n.Node:
        key = children[0]
        if isinstance(key, Token):
            if key.type == "IDENT":
                return str(key)
            if key.type == "STRING":
                return _string(key)
            return _number(str(key), key.start_pos or 0)
        return key  # type: ignore[no-any-return]

    def map_entry(self, meta: Any, children: list[Any]) -> tuple[Any, n.Node]:
        return (children[0], children[1])

    def inline_map(self, meta: Any, children: list[Any]) -> n.Node:
        return n.InlineMap(tuple(children), _pos(meta))

    def prop(self, meta: Any, children: list[Token]) -> n.Step:
        return n.Property(str(children[1]), children[0].type == "SAFE_DOT", _pos(meta))

    def method(self, meta: Any, children: list[Any]) -> n.Step:
        safe = children[0].type == "SAFE_DOT"
        return n.MethodCall(str(children[1]), _args(children[2:]), safe, _pos(meta))

    def index(self, meta: Any, children: list[Any]) -> n.Step:
        return n.Index(children[0], _pos(meta))

    def select(self, meta: Any, children: list[Any]) -> n.Step:
        kinds: dict[str, n.SelectionKind] = {"SELECT": "all", "FIRST": "first", "LAST": "last"}
        safe = children[0].type == "SAFE_DOT"
        return n.Selection(kinds[children[1].type], children[2], safe, _pos(meta))

    def project(self, meta: Any, children: list[Any]) -> n.Step:
        return n.Projection(children[2], children[0].type == "SAFE_DOT", _pos(meta))

    def chain(self, meta: Any, children: list[Any]) -> n.Node:
        head, *steps = children
        if isinstance(head, n.Chain):  # `(a.b).c` keeps the inner chain as its own head
            return n.Chain(head, tuple(steps), _pos(meta))
        return n.Chain(head, tuple(steps), _pos(meta))

    def not_(self, meta: Any, children: list[Any]) -> n.Node:
        return n.Unary("not", children[1], _pos(meta))

    def sign(self, meta: Any, children: list[Any]) -> n.Node:
        return n.Unary("-" if str(children[0]) == "-" else "+", children[1], _pos(meta))

    def power(self, meta: Any, children: list[Any]) -> n.Node:
        return n.Power(children[0], children[2], _pos(meta))

    def _arithmetic(self, meta: Any, children: list[Any]) -> n.Node:
        rest = []
        for index in range(1, len(children), 2):
            op = str(children[index]).lower()
            rest.append((_MULTIPLICATIVE.get(op, op), children[index + 1]))
        return n.Arithmetic(children[0], tuple(rest), _pos(meta))

    sum_expr = _arithmetic
    product = _arithmetic

    def rel_expr(self, meta: Any, children: list[Any]) -> n.Node:
        op = str(children[1]).lower()
        return n.Comparison(_RELATIONAL.get(op, op), children[0], children[2], _pos(meta))

    def and_expr(self, meta: Any, children: list[Any]) -> n.Node:
        return n.Logical("and", tuple(children[::2]), _pos(meta))

    def or_expr(self, meta: Any, children: list[Any]) -> n.Node:
        return n.Logical("or", tuple(children[::2]), _pos(meta))

    def ternary(self, meta: Any, children: list[Any]) -> n.Node:
        return n.Ternary(children[0], children[1], children[2], _pos(meta))

    def elvis(self, meta: Any, children: list[Any]) -> n.Node:
        return n.Elvis(children[0], children[2], _pos(meta))
