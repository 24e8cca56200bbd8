"""Evaluates a syntax tree over plain data: every operation goes through an explicit allow-list."""

from __future__ import annotations

import re
from collections.abc import Mapping

from engine.expressions import arithmetic, dates, documents, methods, typerefs
from engine.expressions import nodes as n
from engine.expressions.environment import ExpressionEnvironment
from engine.expressions.errors import (
    ExpressionError,
    ExpressionLimitError,
    InternalExpressionError,
)
from engine.expressions.functions import FUNCTIONS, call_function
from engine.expressions.limits import INT_MAX, Budget, check_collection
from engine.expressions.regexes import full_match
from engine.expressions.values import (
    JavaType,
    compare,
    converted_string,
    equals,
    is_number,
    to_boolean,
    type_name,
    unwrap,
)

_NUMERIC_INDEX = re.compile(r"[+-]?[0-9]{1,10}")
# Orca rewrites a bare `deployedServerGroups` into `#deployedServerGroups()`.
_ALIASED_FUNCTIONS = frozenset({"deployedServerGroups"})


def evaluate_tree(node: n.Node, env: ExpressionEnvironment) -> object:
    """Evaluate a parsed expression and return a plain deep copy of its result."""
    try:
        result = _Evaluator(env).eval(node, env.variables)
        return documents.to_plain(result)
    except ExpressionError:
        raise
    except RecursionError:
        raise ExpressionLimitError("expression or value nests too deeply") from None
    except Exception as exc:  # a bug must not crash a stage: report it as a failed expression
        raise InternalExpressionError(f"internal error: {type(exc).__name__}: {exc}") from exc


class _Evaluator:
    __slots__ = ("budget", "env", "root")

    def __init__(self, env: ExpressionEnvironment) -> None:
        self.env = env
        self.root: object = env.variables
        self.budget = Budget()

    def eval(self, node: n.Node, this: object) -> object:
        """`this` is the active context object: the root, or the element of a filter."""
        self.budget.spend()
        try:
            return self._eval(node, this)
        except ExpressionError as exc:
            if exc.position is None:
                exc.position = node.pos
            raise

    def _eval(self, node: n.Node, this: object) -> object:
        match node:
            case n.Literal(value=value):
                return value
            case n.Identifier(name=name):
                return self._identifier(this, name)
            case n.Chain(head=head, steps=steps):
                value = self.eval(head, this)
                for step in steps:
                    value = self._step(value, step, this)
                return value
            case n.Comparison():
                return self._compare(node, this)
            case n.Logical(op=logical, operands=operands):
                wanted = logical == "or"  # `or` stops at the first true, `and` at the first false
                for operand in operands:
                    if to_boolean(self.eval(operand, this), f"operand of '{logical}'") == wanted:
                        return wanted
                return not wanted
            case n.Arithmetic(first=first, rest=rest):
                value = self.eval(first, this)
                for operator, operand in rest:
                    value = arithmetic.apply(operator, value, self.eval(operand, this))
                return value
            case n.Ternary(condition=condition, if_true=if_true, if_false=if_false):
                chosen = if_true if to_boolean(self.eval(condition, this)) else if_false
                return self.eval(chosen, this)
            case n.Elvis(value=value_node, fallback=fallback):
                value = self.eval(value_node, this)
                return self.eval(fallback, this) if unwrap(value) in (None, "") else value
            case n.FunctionCall(name=name, args=args):
                return call_function(self.env, name, [self.eval(a, this) for a in args])
            case n.Variable(name=name):
                return self._variable(name, this)
            case n.InlineList(items=items):
                check_collection(len(items))
                return [self.eval(item, this) for item in items]
            case n.InlineMap(entries=entries):
                return self._inline_map(entries, this)
            case n.Unary(op=unary, operand=operand):
                value = self.eval(operand, this)
                if unary == "not":
                    return not to_boolean(value, "operand of '!'")
                if unary == "-":
                    return arithmetic.negate(value)
                if not is_number(unwrap(value)):
                    raise ExpressionError(f"unary '+' is not supported on '{type_name(value)}'")
                return value
            case n.Power(base=base, exponent=exponent):
                return arithmetic.apply("^", self.eval(base, this), self.eval(exponent, this))
            case n.ContextCall(name=name, args=args):
                return self._call(this, name, [self.eval(a, this) for a in args])
            case n.TypeRef(name=name):
                return typerefs.resolve(name)
            case n.NewObject(type_name=name, args=args):
                constructor = dates.CONSTRUCTORS.get(name)
                if constructor is None:
                    raise ExpressionError(f"type '{name}' is not allowed in expressions")
                return constructor([self.eval(a, this) for a in args], self.env.now_ms)
        raise InternalExpressionError(f"unknown node {type(node).__name__}")

    # --- names ---------------------------------------------------------------------------------

    def _identifier(self, this: object, name: str) -> object:
        if (
            this is self.root
            and name in _ALIASED_FUNCTIONS
            and not (isinstance(this, Mapping) and name in this)
        ):
            return call_function(self.env, name, [])
        return self._property(this, name, safe=False)

    def _variable(self, name: str, this: object) -> object:
        if name == "this":
            return this
        if name == "root":
            return self.root
        if name in FUNCTIONS:
            raise ExpressionError(f"'#{name}' is a function: call it as #{name}(...)")
        return None  # SpEL: an unknown variable is null

    def _property(self, target: object, name: str, *, safe: bool) -> object:
        target = unwrap(target)
        if isinstance(target, Mapping):
            # Orca reads maps with unknown keys allowed, so a missing key is null.
            return target.get(name)
        if target is None:
            if safe:
                return None
            raise ExpressionError(f"property or field '{name}' cannot be found on null")
        if isinstance(target, JavaType):
            return typerefs.read_static(target, name)
        raise ExpressionError(
            f"property or field '{name}' cannot be found on object of type '{type_name(target)}'"
        )

    def _call(self, target: object, name: str, args: list[object]) -> object:
        target = unwrap(target)
        if isinstance(target, JavaType):
            return typerefs.call_static(target, name, args, self.env.now_ms)
        return methods.call_method(target, name, args)

    def _inline_map(
        self, entries: tuple[tuple[str | int | float | n.Node, n.Node], ...], this: object
    ) -> dict[object, object]:
        check_collection(len(entries))
        result: dict[object, object] = {}
        for key_node, value_node in entries:
            key = key_node if isinstance(key_node, str | int | float) else self.eval(key_node, this)
            key = unwrap(key)
            if not (key is None or isinstance(key, str | int | float | bool)):
                raise ExpressionError(f"a map key cannot be of type {type_name(key)}")
            result[key] = self.eval(value_node, this)
        return result

    # --- chains --------------------------------------------------------------------------------

    def _step(self, value: object, step: n.Step, this: object) -> object:
        self.budget.spend()
        try:
            return self._apply(unwrap(value), step, this)
        except ExpressionError as exc:
            if exc.position is None:
                exc.position = step.pos
            raise

    def _apply(self, value: object, step: n.Step, this: object) -> object:
        match step:
            case n.Property(name=name, safe=safe):
                return self._property(value, name, safe=safe)
            case n.MethodCall(name=name, args=args, safe=safe):
                if value is None and safe:
                    return None
                return self._call(value, name, [self.eval(a, this) for a in args])
            case n.Index(key=key):
                return self._index(value, key)
            case n.Selection(kind=kind, predicate=predicate, safe=safe):
                if value is None and safe:
                    return None
                return self._select(value, kind, predicate)
            case n.Projection(expr=expr, safe=safe):
                if value is None and safe:
                    return None
                return self._project(value, expr)
        raise InternalExpressionError(f"unknown step {type(step).__name__}")

    def _index(self, target: object, key_node: n.Node) -> object:
        if isinstance(target, Mapping) and isinstance(key_node, n.Identifier):
            return target.get(key_node.name)  # `map[name]` uses the bare name as the key
        key = unwrap(self.eval(key_node, self.root))  # other keys see the root, as in SpEL
        if isinstance(target, Mapping):
            if key is None or isinstance(key, str | int | float | bool):
                return target.get(key)
            raise ExpressionError(f"a map key cannot be of type {type_name(key)}")
        if target is None:
            raise ExpressionError("cannot index into a null value")
        if isinstance(target, list | tuple | str):
            position = self._position(key)
            if not 0 <= position < len(target):
                what = "string" if isinstance(target, str) else "collection"
                raise ExpressionError(
                    f"the {what} has '{len(target)}' elements, index '{position}' is invalid"
                )
            return target[position]
        raise ExpressionError(f"indexing into type '{type_name(target)}' is not supported")

    @staticmethod
    def _position(key: object) -> int:
        if isinstance(key, str) and _NUMERIC_INDEX.fullmatch(key):
            key = int(key)  # SpEL converts a numeric string index to an int
        if isinstance(key, int) and not isinstance(key, bool) and abs(key) <= INT_MAX:
            return key
        raise ExpressionError(f"cannot use '{converted_string(key)}' as a list index")

    def _entries(self, target: object, operation: str) -> list[tuple[object, object]] | None:
        """Elements of a list, or a map's entries as {key, value}; None for a list input."""
        if isinstance(target, Mapping):
            return list(target.items())
        if isinstance(target, list | tuple):
            return None
        raise ExpressionError(
            f"{operation} is not supported on "
            f"{'null' if target is None else 'type ' + type_name(target)}"
        )

    def _matches(self, predicate: n.Node, element: object) -> bool:
        self.budget.spend()
        result = unwrap(self.eval(predicate, element))
        if not isinstance(result, bool):
            raise ExpressionError(
                f"result of selection criteria is not boolean but {type_name(result)}"
            )
        return result

    def _select(self, target: object, kind: n.SelectionKind, predicate: n.Node) -> object:
        entries = self._entries(target, "selection")
        if entries is None:
            items = list(target)  # type: ignore[call-overload]
            if kind == "last":
                items.reverse()
            chosen = []
            for item in items:
                if self._matches(predicate, item):
                    if kind != "all":
                        return item
                    chosen.append(item)
            return None if kind != "all" else chosen
        ordered = list(reversed(entries)) if kind == "last" else entries
        selected: dict[object, object] = {}
        for key, value in ordered:
            if self._matches(predicate, {"key": key, "value": value}):
                selected[key] = value
                if kind != "all":
                    return selected
        return None if kind != "all" else selected

    def _project(self, target: object, expr: n.Node) -> list[object]:
        entries = self._entries(target, "projection")
        elements: list[object] = (
            list(target)  # type: ignore[call-overload]
            if entries is None
            else [{"key": key, "value": value} for key, value in entries]
        )
        check_collection(len(elements))
        result = []
        for element in elements:
            self.budget.spend()
            result.append(self.eval(expr, element))
        return result

    # --- relational ----------------------------------------------------------------------------

    def _compare(self, node: n.Comparison, this: object) -> object:
        left = unwrap(self.eval(node.left, this))
        right = unwrap(self.eval(node.right, this))
        op = node.op
        if op == "==":
            return equals(left, right)
        if op == "!=":
            return not equals(left, right)
        if op in ("<", ">", "<=", ">="):
            order = compare(left, right)
            return {"<": order < 0, ">": order > 0, "<=": order <= 0, ">=": order >= 0}[op]
        if op == "matches":
            if left is None:
                raise ExpressionError("the left operand of 'matches' must not be null")
            if not isinstance(right, str):
                raise ExpressionError("the right operand of 'matches' must be a string pattern")
            return full_match(right, converted_string(left))
        if op == "between":
            if not isinstance(right, list | tuple) or len(right) != 2:
                raise ExpressionError("'between' needs a list of two elements on its right")
            return compare(left, right[0]) >= 0 and compare(left, right[1]) <= 0
        if op == "instanceof":
            if not isinstance(right, JavaType):
                raise ExpressionError("'instanceof' needs a type reference T(...) on its right")
            return typerefs.is_instance(left, right)
        raise InternalExpressionError(f"unknown operator {op}")
