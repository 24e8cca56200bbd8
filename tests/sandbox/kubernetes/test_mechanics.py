"""Pure pieces of the sandbox: the job shell, selectors, strategic merge, CLI kubeconfig."""

from __future__ import annotations

import math
import subprocess
import sys
import time

import pytest
import yaml

from sandbox.kubernetes.errors import ApiError
from sandbox.kubernetes.patching import strategic_merge
from sandbox.kubernetes.schema import get_schema
from sandbox.kubernetes.selectors import parse_field_selector, parse_label_selector
from sandbox.kubernetes.shell import program_for, run_script


def test_shell_runs_statements_with_simulated_sleep_and_exit_codes() -> None:
    program = run_script(
        "echo start; sleep 2\nfalse && echo skipped || echo recovered\nexit 4\necho never"
    )
    assert program.lines == [(0.0, "start"), (2.0, "recovered")]
    assert (program.duration, program.exit_code) == (2.0, 4)


def test_shell_printf_variables_and_errexit() -> None:
    container = {
        "command": ["/bin/sh", "-ec"],
        "args": ["printf '%s=%d\\n' $NAME 7; false; echo no"],
        "env": [{"name": "NAME", "value": "answer"}],
    }
    program = program_for(container)
    assert program is not None
    assert [line for _, line in program.lines] == ["answer=7"]
    assert program.exit_code == 1


def test_shell_unknown_commands_and_programs() -> None:
    program = run_script("migrate --all; echo $?")
    assert [line for _, line in program.lines] == ["sh: migrate: not found", "127"]
    assert program_for({"command": ["python", "app.py"]}) is None
    assert program_for({"image": "nginx"}) is None
    assert math.isinf(run_script("sleep infinity").duration)
    assert program_for({"command": ["echo", "a  b"]}).lines == [(0.0, "a  b")]  # type: ignore[union-attr]


def test_label_selector_grammar() -> None:
    match = parse_label_selector("env in (prod,qa), tier!=db, !legacy, team")
    assert match({"env": "qa", "tier": "web", "team": "x"})
    assert not match({"env": "qa", "tier": "web"})
    assert not match({"env": "dev", "team": "x"})
    assert parse_label_selector("size>3")({"size": "5"})
    with pytest.raises(ApiError):
        parse_label_selector("a in (b")


def test_field_selector_reads_any_dotted_path() -> None:
    match = parse_field_selector("involvedObject.kind=Pod,reason!=Scheduled")
    assert match({"involvedObject": {"kind": "Pod"}, "reason": "Pulled"})
    assert not match({"involvedObject": {"kind": "Pod"}, "reason": "Scheduled"})


def test_strategic_merge_directives() -> None:
    original = {
        "metadata": {"finalizers": ["a"]},
        "spec": {
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}},
            "template": {
                "spec": {
                    "containers": [
                        {"name": "a", "image": "x", "ports": [{"containerPort": 80}]},
                        {"name": "b", "image": "y"},
                    ]
                }
            },
        },
    }
    patch = {
        "metadata": {"finalizers": ["b"], "$deleteFromPrimitiveList/finalizers": ["a"]},
        "spec": {
            "strategy": {"$retainKeys": ["type"], "type": "Recreate"},
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "b"}, {"name": "a"}],
                    "containers": [
                        {"name": "a", "ports": [{"containerPort": 81}]},
                        {"name": "b", "$patch": "delete"},
                    ],
                }
            },
        },
    }
    merged = strategic_merge(original, patch, schema=get_schema(), model="V1Deployment")
    assert merged["metadata"]["finalizers"] == ["b"]
    assert merged["spec"]["strategy"] == {"type": "Recreate"}
    assert merged["spec"]["template"]["spec"]["containers"] == [
        {"name": "a", "image": "x", "ports": [{"containerPort": 80}, {"containerPort": 81}]}
    ]
    replaced = strategic_merge(
        original,
        {
            "spec": {
                "template": {
                    "spec": {"containers": [{"$patch": "replace"}, {"name": "c", "image": "z"}]}
                }
            }
        },
        schema=get_schema(),
        model="V1Deployment",
    )
    assert replaced["spec"]["template"]["spec"]["containers"] == [{"name": "c", "image": "z"}]


def test_cli_prints_a_kubeconfig_and_serves() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "sandbox.kubernetes", "--port", "0", "--pod-ready-seconds", "0.1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = proc.stdout.readline()  # type: ignore[union-attr]
            if not line or line.startswith("# sandbox"):
                break
            lines.append(line)
        config = yaml.safe_load("".join(lines))
        server = config["clusters"][0]["cluster"]["server"]
        assert server.startswith("http://127.0.0.1:")
        import requests

        assert requests.get(f"{server}/version", timeout=5).json()["minor"] == "32"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
