"""A tiny shell that runs job containers' `command`/`args` in simulated time.

Understood: `sh|bash|/bin/sh|/bin/bash -c SCRIPT` (flags such as `-ec` allowed) or a bare
builtin as the command. Statements are separated by `;`, newlines, `&&` and `||` (with
short-circuit), `#` comments are skipped. Builtins: `echo [-n] [-e]`, `printf FORMAT ARGS`
(`%s %d %i %f %%`, `\\n \\t \\\\`), `exit [N]`, `sleep N|infinity` (simulated seconds),
`true`, `false`, `:`, `set -e`, and `NAME=value` assignments; `$NAME`, `${NAME}` and `$?`
expand outside single quotes (the container's `env` values are the initial variables).
Inside a script, any other command prints `sh: NAME: not found` and fails with 127.
A container whose program is not a shell or a builtin is "unknown" (see `UNKNOWN`).
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

SHELLS = {"sh", "bash", "ash", "dash"}
BUILTINS = {"echo", "printf", "exit", "sleep", "true", "false", ":"}


@dataclass
class Program:
    """What a container does: timed output lines, how long it runs, how it exits."""

    lines: list[tuple[float, str]] = field(default_factory=list)
    duration: float = 0.0  # math.inf for a process that never exits on its own
    exit_code: int = 0


UNKNOWN = None  # marker: not interpretable (runs like the image's default process)


def program_for(container: dict[str, Any]) -> Program | None:
    """The simulated program of a container, or None when it is not interpretable."""
    argv = [str(a) for a in (container.get("command") or []) + (container.get("args") or [])]
    if not argv:
        return None
    env = {
        str(e.get("name")): str(e.get("value", ""))
        for e in container.get("env") or []
        if isinstance(e, dict) and "value" in e
    }
    head = argv[0].rsplit("/", 1)[-1]
    if head == "env" and len(argv) > 1:
        argv = argv[1:]
        head = argv[0].rsplit("/", 1)[-1]
    if head in SHELLS:
        flags = ""
        index = 1
        while index < len(argv) and argv[index].startswith("-"):
            flags += argv[index][1:]
            index += 1
        if "c" not in flags or index >= len(argv):
            return None
        return run_script(argv[index], env=env, errexit="e" in flags)
    if head in BUILTINS:
        return run_script(shlex.join([head, *argv[1:]]), env=env)
    return None


class _Exit(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


class _Interpreter:
    def __init__(self, env: dict[str, str], errexit: bool) -> None:
        self.vars = dict(env)
        self.errexit = errexit
        self.clock = 0.0
        self.status = 0
        self.lines: list[tuple[float, str]] = []
        self.partial = ""

    def write(self, text: str) -> None:
        text = self.partial + text
        *complete, self.partial = text.split("\n")
        for line in complete:
            self.lines.append((self.clock, line))

    def run(self, script: str) -> Program:
        try:
            for chain in _statements(script):
                self._run_chain(chain)
        except _Exit as stop:
            self.status = stop.code
        if self.partial:
            self.lines.append((self.clock, self.partial))
        return Program(self.lines, self.clock, self.status & 0xFF)

    def _run_chain(self, chain: list[tuple[str, str]]) -> None:
        run_next = True
        for op, text in chain:
            if (op == "&&" and self.status != 0) or (op == "||" and self.status == 0):
                run_next = False
            elif op in ("&&", "||"):
                run_next = True
            if not run_next:
                continue
            self.status = self._command(text)
            if math.isinf(self.clock):
                raise _Exit(self.status)
        if self.errexit and self.status != 0 and chain[-1][0] != "||":
            raise _Exit(self.status)

    def _expand(self, text: str) -> str:
        out, i, quote = [], 0, ""
        while i < len(text):
            ch = text[i]
            if ch == "'" and quote != '"':
                quote = "" if quote == "'" else "'"
            elif ch == '"' and quote != "'":
                quote = "" if quote == '"' else '"'
            if ch == "$" and quote != "'":
                match = re.match(r"\$(\?|\{(\w+)\}|(\w+))", text[i:])
                if match:
                    name = match.group(2) or match.group(3) or "?"
                    value = str(self.status) if name == "?" else self.vars.get(name, "")
                    out.append(value)
                    i += match.end()
                    continue
            out.append(ch)
            i += 1
        return "".join(out)

    def _command(self, text: str) -> int:
        try:
            words = shlex.split(self._expand(text))
        except ValueError:
            self.write("sh: syntax error: unterminated quoted string\n")
            raise _Exit(2) from None
        while words and re.match(r"^[A-Za-z_]\w*=", words[0]):
            name, _, value = words.pop(0).partition("=")
            self.vars[name] = value
        if not words:
            return 0
        name, args = words[0], words[1:]
        if name == "echo":
            newline, escapes = True, False
            while args and args[0] in ("-n", "-e", "-ne", "-en"):
                flag = args.pop(0)
                newline = newline and "n" not in flag
                escapes = escapes or "e" in flag
            text_out = " ".join(args)
            if escapes:
                text_out = _unescape(text_out)
            self.write(text_out + ("\n" if newline else ""))
            return 0
        if name == "printf":
            if not args:
                return 1
            self.write(_printf(args[0], args[1:]))
            return 0
        if name == "exit":
            code = self.status
            if args:
                try:
                    code = int(args[0])
                except ValueError:
                    code = 2
            raise _Exit(code)
        if name == "sleep":
            seconds = 0.0
            for arg in args:
                if arg in ("inf", "infinity"):
                    self.clock = math.inf
                    return 0
                match = re.match(r"^(\d+(?:\.\d*)?)([smhd]?)$", arg)
                if not match:
                    self.write(f"sleep: invalid time interval '{arg}'\n")
                    return 1
                unit = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
                seconds += float(match.group(1)) * unit
            self.clock += seconds
            return 0
        if name in ("true", ":"):
            return 0
        if name == "false":
            return 1
        if name == "set":
            if "-e" in args:
                self.errexit = True
            if "+e" in args:
                self.errexit = False
            return 0
        self.write(f"sh: {name}: not found\n")
        return 127


def _statements(script: str) -> list[list[tuple[str, str]]]:
    """Split into chains of (operator, command text); operators are '', '&&' or '||'."""
    chains: list[list[tuple[str, str]]] = []
    chain: list[tuple[str, str]] = []
    buf: list[str] = []
    op = ""
    quote = ""
    i = 0

    def flush(next_op: str | None) -> None:
        nonlocal buf, op, chain
        text = "".join(buf).strip()
        if text:
            chain.append((op, text))
        buf = []
        if next_op is None:
            if chain:
                chains.append(chain)
            chain = []
            op = ""
        else:
            op = next_op

    while i < len(script):
        ch = script[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == "\\" and quote == '"' and i + 1 < len(script):
                buf.append(ch)
                i += 1
                ch = script[i]
            buf.append(ch)
        elif ch in ("'", '"'):
            quote = ch
            buf.append(ch)
        elif ch == "\\" and i + 1 < len(script):
            if script[i + 1] == "\n":
                i += 2
                continue
            buf.extend((ch, script[i + 1]))
            i += 1
        elif ch == "#" and (not buf or buf[-1] in " \t"):
            while i < len(script) and script[i] != "\n":
                i += 1
            continue
        elif script.startswith("&&", i) or script.startswith("||", i):
            flush(script[i : i + 2])
            i += 2
            continue
        elif ch in ";\n":
            if op and not "".join(buf).strip():
                i += 1  # a line ending right after && / || continues the chain
                continue
            flush(None)
        else:
            buf.append(ch)
        i += 1
    flush(None)
    return chains


def _unescape(text: str) -> str:
    return (
        text.replace("\\\\", "\x00").replace("\\n", "\n").replace("\\t", "\t").replace("\x00", "\\")
    )


def _printf(fmt: str, args: list[str]) -> str:
    out: list[str] = []
    remaining = list(args)
    while True:
        consumed = False
        i = 0
        text = _unescape(fmt)
        while i < len(text):
            ch = text[i]
            if ch == "%" and i + 1 < len(text):
                match = re.match(r"%([-0-9.]*)([sdif%])", text[i:])
                if match:
                    spec, conv = match.groups()
                    i += match.end()
                    if conv == "%":
                        out.append("%")
                        continue
                    value = remaining.pop(0) if remaining else ""
                    consumed = True
                    if conv in ("d", "i"):
                        try:
                            out.append(("%" + spec + "d") % int(value or 0))
                        except ValueError:
                            out.append("0")
                    elif conv == "f":
                        try:
                            out.append(("%" + spec + "f") % float(value or 0))
                        except ValueError:
                            out.append("0")
                    else:
                        out.append(("%" + spec + "s") % value)
                    continue
            out.append(ch)
            i += 1
        if not remaining or not consumed:
            return "".join(out)


def run_script(script: str, *, env: dict[str, str] | None = None, errexit: bool = False) -> Program:
    return _Interpreter(env or {}, errexit).run(script)
