"""The webhook stage against a real HTTP server on 127.0.0.1, driven by the in-memory engine."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from typing import Any

import pytest

from engine.expression_adapter import PipelineExpressions
from engine.memory import FixedClock, InMemoryEngine
from engine.messages import RunTask
from engine.model import Execution, Stage
from engine.outbound import OutboundClient, OutboundPolicy, OutboundResponse
from engine.stages.webhook.config import IDEMPOTENCY_KEY, WebhookConfig
from engine.stages.webhook.create import status_check_url
from engine.status import Status
from tests.engine.local_http import LocalServer, Recorded, Reply, server
from tests.engine.support import by_ref, pipeline, stage

__all__ = ["server"]

KEY_HEADER = "X-Idempotency-Key"


def make_engine(
    *, resolver: Any = None, policy: OutboundPolicy | None = None, client: Any = None
) -> InMemoryEngine:
    clock = FixedClock()
    outbound = client or OutboundClient(
        policy=policy, **({"resolver": resolver} if resolver else {})
    )
    return InMemoryEngine(
        clock=clock,
        expressions=PipelineExpressions(clock=clock),
        snapshot=True,
        outbound=outbound,
    )


def webhook(ref: str, *requires: str, **context: Any) -> dict[str, Any]:
    return stage(ref, *requires, type="webhook", name=f"hook {ref}", **context)


def run(engine: InMemoryEngine, *stages: dict[str, Any], **config: Any) -> Execution:
    execution = pipeline(engine, *stages, **config)
    engine.start(execution)
    engine.run()
    return engine.execution(execution.id)


def error_of(stage: Stage) -> str:
    return str(stage.context["exception"]["details"]["error"])


@pytest.fixture
def engine() -> InMemoryEngine:
    return make_engine()


# -- the request -----------------------------------------------------------------------------


def test_a_post_carries_payload_and_headers_and_stores_the_response(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    server.route("POST", "/deploy", Reply(200, {"id": "42"}, {"X-Request": "r-1"}))
    done = run(
        engine,
        webhook(
            "1",
            url=server.url("/deploy"),
            payload={"service": "api", "tag": "${trigger['parameters']['tag']}"},
            customHeaders={"X-Team": "blue", "X-Multi": ["a", "b"]},
        ),
        trigger={"type": "manual", "parameters": {"tag": "v7"}},
    )
    call = by_ref(done, "1")
    assert call.status == Status.SUCCEEDED
    webhook_result = call.context["webhook"]
    assert webhook_result["statusCode"] == "OK"
    assert webhook_result["statusCodeValue"] == 200
    assert webhook_result["body"] == {"id": "42"}
    assert webhook_result["headers"]["X-Request"] == "r-1"
    (sent,) = server.requests
    assert sent.method == "POST"
    assert sent.json() == {"service": "api", "tag": "v7"}
    assert sent.header("Content-Type") == "application/json"
    assert (sent.header("X-Team"), sent.header("X-Multi")) == ("blue", "a, b")
    assert sent.header(KEY_HEADER) == call.context[IDEMPOTENCY_KEY]


def test_method_is_case_insensitive_and_text_payloads_are_sent_as_text(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    server.route("PUT", "/conf", Reply(204))
    server.route("GET", "/ping", Reply(200, "pong"))
    done = run(
        engine,
        webhook("1", url=server.url("/conf"), method="put", payload="a=1"),
        webhook("2", "1", url=server.url("/ping"), method="GET"),
    )
    assert [each.status for each in done.stages] == [Status.SUCCEEDED, Status.SUCCEEDED]
    put, get = server.requests
    assert (put.method, put.body, put.header("Content-Type")) == (
        "PUT",
        b"a=1",
        "text/plain; charset=utf-8",
    )
    assert (get.method, get.body) == ("GET", b"")
    assert by_ref(done, "2").context["webhook"]["body"] == "pong"


def test_downstream_stages_read_the_response_through_expressions(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    server.route("POST", "/build", Reply(201, {"build": {"number": 17}}))
    done = run(
        engine,
        webhook("1", url=server.url("/build")),
        stage(
            "2",
            "1",
            type="evaluateVariables",
            variables=[
                {
                    "key": "number",
                    "value": "${#stage('hook 1')['context']['webhook']['body']['build']['number']}",
                },
                {"key": "code", "value": "${#stage('hook 1')['context']['webhook']['statusCode']}"},
            ],
        ),
    )
    assert by_ref(done, "2").outputs == {"number": 17, "code": "CREATED"}


# -- retries and failures ------------------------------------------------------------------


def test_server_errors_are_retried_with_growing_backoff(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    server.route("POST", "/flaky", Reply(503), Reply(502, {"e": 1}), Reply(200, {"ok": True}))
    done = run(engine, webhook("1", url=server.url("/flaky")))
    call = by_ref(done, "1")
    assert call.status == Status.SUCCEEDED
    assert call.context["webhook"]["attempts"] == 3
    assert len(server.requests) == 3
    assert len({each.header(KEY_HEADER) for each in server.requests}) == 1  # one logical request
    retries = [
        delay for message, delay in engine.queue.pushed if isinstance(message, RunTask) and delay
    ]
    assert retries == [10_000, 20_000]


def test_429_and_configured_codes_are_retried(engine: InMemoryEngine, server: LocalServer) -> None:
    server.route("POST", "/busy", Reply(429), Reply(200))
    server.route("POST", "/locked", Reply(409), Reply(200))
    done = run(
        engine,
        webhook("1", url=server.url("/busy")),
        webhook("2", url=server.url("/locked"), webhookRetryStatusCodes=[409]),
    )
    assert [each.status for each in done.stages] == [Status.SUCCEEDED, Status.SUCCEEDED]
    assert len(server.requests) == 4


def test_fail_fast_codes_stop_at_once(engine: InMemoryEngine, server: LocalServer) -> None:
    server.route("POST", "/gw", Reply(504))
    server.route("POST", "/down", Reply(503, {"why": "maintenance"}))
    done = run(
        engine,
        webhook("1", url=server.url("/gw")),
        webhook("2", url=server.url("/down"), failFastStatusCodes=[503], failPipeline=False),
    )
    gateway, down = by_ref(done, "1"), by_ref(done, "2")
    assert gateway.status == Status.TERMINAL
    assert "Received status code 504, which is configured to fail fast" in error_of(gateway)
    assert down.status == Status.STOPPED
    assert down.context["webhook"]["body"] == {"why": "maintenance"}
    assert len(server.to("POST", "/gw")) == len(server.to("POST", "/down")) == 1


def test_a_client_error_fails_with_a_clear_message(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    done = run(engine, webhook("1", url=server.url("/missing")))
    call = by_ref(done, "1")
    assert (done.status, call.status) == (Status.TERMINAL, Status.TERMINAL)
    assert error_of(call) == (
        f"Error submitting webhook for pipeline {done.id} to {server.url('/missing')} "
        "with status code 404."
    )
    assert call.context["webhook"]["statusCode"] == "NOT_FOUND"


def test_retries_end_when_the_create_task_times_out(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    server.route("POST", "/always", Reply(500))
    done = run(engine, webhook("1", url=server.url("/always")))
    call = by_ref(done, "1")
    assert call.status == Status.TERMINAL
    assert call.context["exception"]["exceptionType"] == "TimeoutException"
    assert 5 <= len(server.requests) <= 10


def test_an_unresolvable_host_is_retried(server: LocalServer) -> None:
    answers: list[Sequence[str] | None] = [None, ["127.0.0.1"]]

    def flaky_dns(host: str, port: int) -> Sequence[str]:
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if answer is None:
            raise socket.gaierror(-3, "Temporary failure in name resolution")
        return answer

    server.route("POST", "/hook", Reply(200))
    engine = make_engine(resolver=flaky_dns)
    done = run(engine, webhook("1", url=server.url("/hook", host="hooks.test")))
    assert by_ref(done, "1").status == Status.SUCCEEDED
    assert len(server.requests) == 1


# -- waiting for completion ---------------------------------------------------------------


def test_polls_the_same_url_until_a_success_status(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    server.route("POST", "/jobs/1", Reply(202, {"state": "queued"}))
    server.route(
        "GET",
        "/jobs/1",
        Reply(200, {"state": "running", "progress": "1/3"}),
        Reply(200, {"state": "running", "progress": "2/3"}),
        Reply(200, {"state": "Done", "progress": "3/3"}),
    )
    done = run(
        engine,
        webhook(
            "1",
            url=server.url("/jobs/1"),
            waitForCompletion=True,
            statusUrlResolution="getMethod",
            statusJsonPath="$.state",
            progressJsonPath="progress",
            successStatuses="DONE, FINISHED",
            terminalStatuses="FAILED",
        ),
    )
    call = by_ref(done, "1")
    assert call.status == Status.SUCCEEDED
    assert [task.name for task in call.tasks] == ["createWebhook", "monitorWebhook"]
    assert call.context["statusEndpoint"] == server.url("/jobs/1")
    monitor = call.context["webhook"]["monitor"]
    assert monitor["progressMessage"] == "3/3"
    assert monitor["body"] == {"state": "Done", "progress": "3/3"}
    assert call.context["webhook"]["body"] == {"state": "queued"}  # the create response stays
    polls = server.to("GET", "/jobs/1")
    assert len(polls) == 3
    assert {each.header(KEY_HEADER) for each in polls} == {
        call.context[IDEMPOTENCY_KEY] + "-monitor"
    }


def test_the_status_url_can_come_from_the_location_header(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    server.route("POST", "/jobs", Reply(201, headers={"Location": "/jobs/7"}))
    server.route("GET", "/jobs/7", Reply(200, {"pct": 40}), Reply(200, {"pct": 100}))
    done = run(
        engine,
        webhook(
            "1",
            url=server.url("/jobs"),
            waitForCompletion=True,
            statusUrlResolution="locationHeader",
            statusJsonPath="pct",
        ),
    )
    call = by_ref(done, "1")
    assert call.status == Status.SUCCEEDED
    assert call.context["statusEndpoint"] == server.url("/jobs/7")
    assert call.context["webhook"]["monitor"]["percentComplete"] == 100
    assert len(server.to("GET", "/jobs/7")) == 2


def test_the_status_url_can_come_from_the_response_body(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    status_url = server.url("/status/9")
    server.route("POST", "/run", Reply(200, {"links": {"status": status_url}}))
    server.route("GET", "/status/9", Reply(200, {"result": {"phase": "ok"}}))
    done = run(
        engine,
        webhook(
            "1",
            url=server.url("/run"),
            waitForCompletion=True,
            statusUrlResolution="webhookResponse",
            statusUrlJsonPath="links.status",
            statusJsonPath="$.result.phase",
            successStatuses="ok",
        ),
    )
    assert by_ref(done, "1").status == Status.SUCCEEDED
    assert by_ref(done, "1").context["webhook"]["statusEndpoint"] == status_url


def test_a_terminal_status_fails_and_a_canceled_status_cancels(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    server.route("POST", "/a", Reply(200))
    server.route("GET", "/a", Reply(200, {"s": "broken"}))
    server.route("POST", "/b", Reply(200))
    server.route("GET", "/b", Reply(200, {"s": "aborted"}))
    options = {
        "waitForCompletion": True,
        "statusJsonPath": "s",
        "successStatuses": "ok",
        "canceledStatuses": "aborted",
        "terminalStatuses": "broken",
    }
    failed = run(engine, webhook("1", url=server.url("/a"), **options))
    assert by_ref(failed, "1").status == Status.TERMINAL
    assert "reported 'broken', one of the terminal statuses" in error_of(by_ref(failed, "1"))
    canceled = run(engine, webhook("1", url=server.url("/b"), **options))
    assert (canceled.status, by_ref(canceled, "1").status) == (Status.CANCELED, Status.CANCELED)


def test_monitor_retries_server_errors_and_counts_configured_retries(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    server.route("POST", "/a", Reply(200))
    server.route("GET", "/a", Reply(503), Reply(502), Reply(200, {"s": "ok"}))
    server.route("POST", "/b", Reply(200))
    server.route("GET", "/b", Reply(404))
    options = {"waitForCompletion": True, "statusJsonPath": "s", "successStatuses": "ok"}
    recovered = run(engine, webhook("1", url=server.url("/a"), **options))
    assert by_ref(recovered, "1").status == Status.SUCCEEDED
    monitor = by_ref(recovered, "1").context["webhook"]["monitor"]
    assert monitor["pastStatusCodes"] == [503, 502]
    limited = run(
        engine, webhook("1", url=server.url("/b"), retries={"404": {"maxAttempts": 2}}, **options)
    )
    assert by_ref(limited, "1").status == Status.TERMINAL
    assert "HTTP 404 NOT_FOUND" in error_of(by_ref(limited, "1"))
    assert len(server.to("GET", "/b")) == 3


def test_a_status_path_that_is_missing_or_not_a_value_fails(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    server.route("POST", "/a", Reply(200))
    server.route("GET", "/a", Reply(200, {"other": 1}))
    server.route("POST", "/b", Reply(200))
    server.route("GET", "/b", Reply(200, {"s": {"nested": True}}))
    options = {"waitForCompletion": True, "statusJsonPath": "s", "successStatuses": "ok"}
    missing = by_ref(run(engine, webhook("1", url=server.url("/a"), **options)), "1")
    assert "JSON property 's' not found in the response body" in error_of(missing)
    nested = by_ref(run(engine, webhook("1", url=server.url("/b"), **options)), "1")
    assert "did not resolve to a single value" in error_of(nested)
    assert nested.context["webhook"]["monitor"]["resolvedValue"] == {"nested": True}


def test_monitor_only_polls_without_calling_and_needs_wait_for_completion(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    server.route("GET", "/status", Reply(200, {"s": "ok"}))
    watched = run(
        engine,
        webhook(
            "1",
            url=server.url("/status"),
            monitorOnly=True,
            waitForCompletion=True,
            statusJsonPath="s",
            successStatuses="ok",
        ),
    )
    assert [task.name for task in by_ref(watched, "1").tasks] == ["monitorWebhook"]
    assert [each.method for each in server.requests] == ["GET"]
    wrong = by_ref(run(engine, webhook("1", url=server.url("/status"), monitorOnly=True)), "1")
    assert wrong.status == Status.TERMINAL
    assert "Can't specify monitorOnly = true and waitForCompletion = false" in error_of(wrong)


def test_wait_before_monitor_waits_between_the_call_and_the_first_poll(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    server.route("POST", "/job", Reply(200))
    server.route("GET", "/job", Reply(200, {"s": "ok"}))
    done = run(
        engine,
        webhook(
            "1",
            url=server.url("/job"),
            waitForCompletion=True,
            waitBeforeMonitor=5,
            statusJsonPath="s",
            successStatuses="ok",
        ),
    )
    call = by_ref(done, "1")
    create, wait, monitor = call.tasks
    assert wait.name == "waitBeforeMonitorWebhook"
    assert monitor.start_time is not None
    assert create.end_time is not None
    assert monitor.start_time - create.end_time >= 5_000
    assert call.status == Status.SUCCEEDED


def test_a_status_url_on_the_same_host_keeps_the_original_scheme() -> None:
    config = WebhookConfig(url="https://ci.example/jobs", status_url_resolution="locationHeader")
    response = OutboundResponse(201, {"Location": "http://ci.example/jobs/5"}, b"", config.url)
    assert status_check_url(config, response, None) == "https://ci.example/jobs/5"
    elsewhere = OutboundResponse(201, {"Location": "http://other.example/5"}, b"", config.url)
    assert status_check_url(config, elsewhere, None) == "http://other.example/5"


# -- artifacts ------------------------------------------------------------------------------


def test_artifacts_in_the_response_bind_expected_artifacts(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    image = {"type": "docker/image", "name": "registry/app", "reference": "registry/app:1.2"}
    server.route("POST", "/bake", Reply(200, {"artifacts": [image]}))
    expected = {"id": "e1", "matchArtifact": {"type": "docker/image", "name": "registry/.*"}}
    done = run(engine, webhook("1", url=server.url("/bake"), expectedArtifacts=[expected]))
    call = by_ref(done, "1")
    assert call.status == Status.SUCCEEDED
    assert call.outputs["artifacts"] == [image]
    assert call.outputs["resolvedExpectedArtifacts"][0]["boundArtifact"] == image


# -- cancel ---------------------------------------------------------------------------------


def test_canceling_the_pipeline_calls_the_cancel_endpoint_once(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    server.route("POST", "/jobs/3", Reply(200))
    server.route("GET", "/jobs/3", Reply(200, {"s": "running"}))
    server.route("DELETE", "/jobs/3", Reply(202, {"canceled": True}))
    execution = pipeline(
        engine,
        webhook(
            "1",
            url=server.url("/jobs/3"),
            waitForCompletion=True,
            statusJsonPath="s",
            successStatuses="ok",
            cancelEndpoint=server.url("/jobs/3"),
            cancelMethod="delete",
            cancelPayload={"reason": "pipeline canceled"},
        ),
    )
    engine.start(execution)
    engine.run(until_ms=engine.clock.now_ms() + 3_000)
    assert len(server.to("GET", "/jobs/3")) >= 2
    engine.operations.cancel(execution_id=execution.id, user="bob", reason="wrong tag")
    engine.run()
    done = engine.execution(execution.id)
    call = by_ref(done, "1")
    assert (done.status, call.status) == (Status.CANCELED, Status.CANCELED)
    (canceled,) = server.to("DELETE", "/jobs/3")
    assert canceled.json() == {"reason": "pipeline canceled"}
    assert canceled.header(KEY_HEADER) == call.context[IDEMPOTENCY_KEY] + "-cancel"
    assert call.context["webhook"]["cancel"]["statusCodeValue"] == 202


def test_a_failing_stage_calls_the_cancel_endpoint_unless_cancellation_is_off(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    server.route("POST", "/job", Reply(200))
    server.route("GET", "/job", Reply(200, {"s": "failed"}))
    server.route("POST", "/job/cancel", Reply(200))
    options = {
        "url": server.url("/job"),
        "waitForCompletion": True,
        "statusJsonPath": "s",
        "terminalStatuses": "failed",
        "cancelEndpoint": server.url("/job/cancel"),
    }
    run(engine, webhook("1", **options))
    assert len(server.to("POST", "/job/cancel")) == 1
    run(engine, webhook("1", signalCancellation=False, **options))
    assert len(server.to("POST", "/job/cancel")) == 1


# -- the outbound policy --------------------------------------------------------------------


def test_the_metadata_endpoint_is_refused_before_anything_is_sent(
    engine: InMemoryEngine,
) -> None:
    call = by_ref(run(engine, webhook("1", url="http://169.254.169.254/latest/meta-data/")), "1")
    assert call.status == Status.TERMINAL
    assert error_of(call) == (
        "outbound request to 169.254.169.254 refused: 169.254.169.254 is a cloud metadata endpoint"
    )
    assert call.context["webhook"]["attempts"] == 1


def test_a_host_resolving_to_a_link_local_address_is_refused(server: LocalServer) -> None:
    engine = make_engine(resolver=lambda host, port: ["169.254.7.7"])
    call = by_ref(run(engine, webhook("1", url="https://hooks.example/x")), "1")
    assert call.status == Status.TERMINAL
    assert "hooks.example refused: 169.254.7.7 is a link-local address" in error_of(call)


def test_a_redirect_to_the_metadata_endpoint_is_refused(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    server.route("POST", "/go", Reply(307, headers={"Location": "http://169.254.169.254/"}))
    call = by_ref(run(engine, webhook("1", url=server.url("/go"))), "1")
    assert call.status == Status.TERMINAL
    assert "169.254.169.254 is a cloud metadata endpoint" in error_of(call)


def test_a_status_url_handed_back_by_the_receiver_is_checked_too(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    metadata = "http://169.254.169.254/latest/meta-data/iam"
    server.route("POST", "/jobs", Reply(201, headers={"Location": metadata}))
    call = by_ref(
        run(
            engine,
            webhook(
                "1",
                url=server.url("/jobs"),
                waitForCompletion=True,
                statusUrlResolution="locationHeader",
                statusJsonPath="s",
            ),
        ),
        "1",
    )
    assert call.status == Status.TERMINAL
    assert call.context["statusEndpoint"] == metadata
    assert "169.254.169.254 is a cloud metadata endpoint" in error_of(call)
    assert [each.method for each in server.requests] == ["POST"]


def test_the_deny_list_applies_to_the_webhook_stage(server: LocalServer) -> None:
    engine = make_engine(policy=OutboundPolicy(deny=("127.0.0.0/8",)))
    call = by_ref(run(engine, webhook("1", url=server.url("/x"))), "1")
    assert "matches deny-list entry 127.0.0.0/8" in error_of(call)
    assert server.requests == []


# -- the idempotency key ----------------------------------------------------------------------


class WorkerCrash(BaseException):
    """Stands for a worker killed after the request went out, before anything was stored."""


class CrashingClient(OutboundClient):
    def __init__(self) -> None:
        super().__init__()
        self.crashes = 1

    def request(self, method: str, url: str, **kwargs: Any) -> OutboundResponse:
        response = super().request(method, url, **kwargs)
        if self.crashes:
            self.crashes -= 1
            raise WorkerCrash
        return response


def test_a_request_sent_again_after_a_crash_carries_the_same_key(server: LocalServer) -> None:
    server.route("POST", "/deploy", Reply(200))
    engine = make_engine(client=CrashingClient())
    execution = pipeline(engine, webhook("1", url=server.url("/deploy")))
    engine.start(execution)
    with pytest.raises(WorkerCrash):
        engine.run()
    # The transport redelivers the RunTask it never saw acknowledged.
    stored = by_ref(engine.execution(execution.id), "1")
    (task,) = stored.tasks
    assert task.status == Status.RUNNING
    engine.queue.push(RunTask(execution.id, stored.id, task.id, task.run_generation))
    engine.run()
    assert by_ref(engine.execution(execution.id), "1").status == Status.SUCCEEDED
    first, second = server.requests
    assert first.header(KEY_HEADER) == second.header(KEY_HEADER) == stored.context[IDEMPOTENCY_KEY]


def test_a_restarted_stage_sends_a_new_key(engine: InMemoryEngine, server: LocalServer) -> None:
    server.route("POST", "/deploy", Reply(200))
    done = run(engine, webhook("1", url=server.url("/deploy")))
    engine.operations.restart_stage(execution_id=done.id, stage_id=done.stages[0].id, user="bob")
    engine.run()
    again = by_ref(engine.execution(done.id), "1")
    assert again.status == Status.SUCCEEDED
    first, second = server.requests
    assert first.header(KEY_HEADER) != second.header(KEY_HEADER)
    assert second.header(KEY_HEADER) == again.context[IDEMPOTENCY_KEY]


def test_a_caller_cannot_override_the_idempotency_key(
    engine: InMemoryEngine, server: LocalServer
) -> None:
    server.route("POST", "/x", Reply(200))

    def headers_of(request: Recorded) -> list[str]:
        return [value for key, value in request.headers.items() if key == KEY_HEADER.lower()]

    done = run(engine, webhook("1", url=server.url("/x"), customHeaders={"x-idempotency-key": "1"}))
    assert headers_of(server.requests[0]) == [by_ref(done, "1").context[IDEMPOTENCY_KEY]]
