"""`#fromUrl` and friends through the outbound client: off by default, SSRF rules when on."""

from __future__ import annotations

import pytest

from engine.expression_adapter import PipelineExpressions
from engine.launcher import build_execution
from engine.memory import FixedClock
from engine.model import Execution
from engine.outbound import OutboundClient, OutboundPolicy
from tests.engine.local_http import LocalServer, Reply, server

__all__ = ["server"]


@pytest.fixture
def execution() -> Execution:
    config = {"id": "p1", "name": "p", "stages": [{"refId": "1", "type": "wait"}]}
    return build_execution(
        config, trigger={}, application="app", user="alice", time_zone="UTC", clock=FixedClock()
    )


def errors(expressions: PipelineExpressions, text: str, execution: Execution) -> str:
    result = expressions.evaluate(text, execution=execution, stage=None)
    assert result.value is None
    return " ".join(note["description"] for notes in result.summary.values() for note in notes)


def test_url_functions_are_off_unless_an_outbound_client_is_given(
    execution: Execution, server: LocalServer
) -> None:
    server.route("GET", "/conf", Reply(200, "x"))
    expressions = PipelineExpressions(clock=FixedClock())
    message = errors(expressions, f"#fromUrl('{server.url('/conf')}')", execution)
    assert "URL functions are disabled" in message
    assert server.requests == []


def test_url_functions_fetch_through_the_outbound_client(
    execution: Execution, server: LocalServer
) -> None:
    server.route("GET", "/conf.json", Reply(200, {"replicas": 3, "env": "prod"}))
    server.route("GET", "/conf.yaml", Reply(200, "replicas: 4\nenv: staging\n"))
    server.route("GET", "/conf.properties", Reply(200, "replicas=5\nenv=dev\n"))
    server.route("GET", "/motd", Reply(200, "hello"))
    expressions = PipelineExpressions(clock=FixedClock(), outbound=OutboundClient())

    def value(text: str) -> object:
        result = expressions.evaluate(text, execution=execution, stage=None)
        assert result.summary == {}
        return result.value

    assert value(f"#jsonFromUrl('{server.url('/conf.json')}')['replicas']") == 3
    assert value(f"#yamlFromUrl('{server.url('/conf.yaml')}')['env']") == "staging"
    assert value(f"#propertiesFromUrl('{server.url('/conf.properties')}')['replicas']") == "5"
    assert value(f"#fromUrl('{server.url('/motd')}')") == "hello"
    processed = expressions.process(
        {"greeting": "${#fromUrl('" + server.url("/motd") + "')} world"},
        execution=execution,
        stage=None,
    )
    assert processed.value == {"greeting": "hello world"}


def test_url_functions_obey_the_outbound_policy(execution: Execution, server: LocalServer) -> None:
    server.route("GET", "/conf", Reply(200, "x"))
    expressions = PipelineExpressions(
        clock=FixedClock(),
        outbound=OutboundClient(policy=OutboundPolicy(deny=("127.0.0.1/32",))),
    )
    metadata = errors(expressions, "#fromUrl('http://169.254.169.254/latest/')", execution)
    assert "169.254.169.254 is a cloud metadata endpoint" in metadata
    denied = errors(expressions, f"#fromUrl('{server.url('/conf')}')", execution)
    assert "matches deny-list entry 127.0.0.1/32" in denied
    assert server.requests == []


def test_a_failing_url_is_reported(execution: Execution, server: LocalServer) -> None:
    expressions = PipelineExpressions(clock=FixedClock(), outbound=OutboundClient())
    message = errors(expressions, f"#fromUrl('{server.url('/nope')}')", execution)
    assert "returned HTTP 404" in message
