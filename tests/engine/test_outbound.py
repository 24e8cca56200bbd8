"""The outbound policy (SSRF rules) and the client that pins connections to vetted addresses."""

from __future__ import annotations

import socket
from collections.abc import Sequence

import pytest

from engine.outbound import (
    OutboundClient,
    OutboundConnectionError,
    OutboundError,
    OutboundHttpError,
    OutboundPolicy,
    OutboundRefused,
    OutboundResolutionError,
    OutboundResponseTooLarge,
    OutboundTimeout,
    system_resolver,
)
from tests.engine.local_http import LocalServer, Recorded, Reply, server

__all__ = ["server"]


class FakeDns:
    """Names to scripted answers (each call takes the next answer; the last one repeats)."""

    def __init__(self, **names: str | list[str] | list[list[str]]) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        for name, answer in names.items():
            host = name.replace("_", ".")
            if isinstance(answer, str):
                self.answers[host] = [[answer]]
            elif answer and isinstance(answer[0], list):
                self.answers[host] = [list(each) for each in answer]  # type: ignore[arg-type]
            else:
                self.answers[host] = [list(answer)]  # type: ignore[arg-type]
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> Sequence[str]:
        self.calls.append(host)
        if host not in self.answers:
            raise socket.gaierror(-2, "Name or service not known")
        queue = self.answers[host]
        return queue.pop(0) if len(queue) > 1 else queue[0]


def refusal(url: str, policy: OutboundPolicy | None = None, dns: FakeDns | None = None) -> str:
    with pytest.raises(OutboundRefused) as caught:
        (policy or OutboundPolicy()).vet(url, resolve=dns or FakeDns())
    return str(caught.value)


# -- the policy --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        (
            "http://169.254.169.254/latest/meta-data/",
            "169.254.169.254 is a cloud metadata endpoint",
        ),
        ("http://169.254.0.23/meta-data", "169.254.0.23 is a cloud metadata endpoint"),
        ("http://100.100.100.200/latest/meta-data", "100.100.100.200 is a cloud metadata endpoint"),
        ("http://[fd00:ec2::254]/latest", "fd00:ec2::254 is a cloud metadata endpoint"),
        ("http://[::ffff:169.254.169.254]/", "is a cloud metadata endpoint"),
        ("http://169.254.1.1/", "169.254.1.1 is a link-local address"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        ("http://0.0.0.0:8080/", "0.0.0.0 is an unspecified address"),
        ("http://[::]/", ":: is an unspecified address"),
        ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
        ("http://255.255.255.255/", "broadcast or reserved"),
    ],
)
def test_dangerous_addresses_are_refused_by_default(url: str, rule: str) -> None:
    message = refusal(url)
    assert rule in message
    assert message.startswith("outbound request to ")


@pytest.mark.parametrize("host", ["metadata.google.internal", "METADATA.tencentyun.com."])
def test_metadata_names_are_refused_without_resolving_them(host: str) -> None:
    dns = FakeDns()
    assert "cloud metadata endpoint" in refusal(f"http://{host}/computeMetadata/v1/", dns=dns)
    assert dns.calls == []


def test_a_name_resolving_to_a_link_local_address_is_refused() -> None:
    dns = FakeDns(evil_example="169.254.10.10")
    message = refusal("https://evil.example/hook", dns=dns)
    assert message == (
        "outbound request to evil.example refused: 169.254.10.10 is a link-local address"
    )


def test_every_resolved_address_is_checked() -> None:
    dns = FakeDns(mixed_example=["127.0.0.1", "169.254.169.254"])
    assert "cloud metadata endpoint" in refusal("http://mixed.example/", dns=dns)


def test_numeric_host_spellings_are_checked_after_resolution() -> None:
    with pytest.raises(OutboundRefused, match="cloud metadata endpoint"):
        OutboundPolicy().vet("http://2852039166/latest", resolve=system_resolver)


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://x/", "//no-scheme/"]
)
def test_only_http_and_https_are_allowed(url: str) -> None:
    assert "is not http or https" in refusal(url)


def test_loopback_and_private_ranges_are_allowed_by_default() -> None:
    dns = FakeDns(svc_local="10.1.2.3")
    policy = OutboundPolicy()
    assert policy.vet("http://127.0.0.1:8000/api", resolve=dns).address == "127.0.0.1"
    assert policy.vet("http://192.168.1.20/", resolve=dns).address == "192.168.1.20"
    target = policy.vet("https://svc.local/hook?x=1", resolve=dns)
    assert (target.host, target.port, target.target, target.address) == (
        "svc.local",
        443,
        "/hook?x=1",
        "10.1.2.3",
    )


def test_the_allow_list_lifts_default_refusals_for_what_it_names() -> None:
    dns = FakeDns(
        metadata_google_internal="169.254.169.254",
        a_lab_example="169.254.20.1",
        lab_example_com="169.254.30.1",
    )
    policy = OutboundPolicy(allow=("169.254.10.0/24", "metadata.google.internal", "*.lab.example"))
    assert policy.vet("http://169.254.10.7/", resolve=dns).address == "169.254.10.7"
    assert policy.vet("http://metadata.google.internal/", resolve=dns).address == "169.254.169.254"
    assert policy.vet("http://a.lab.example/", resolve=dns).address == "169.254.20.1"
    assert "link-local" in refusal("http://169.254.11.7/", policy, dns)
    assert "link-local" in refusal("http://lab.example.com/", policy, dns)


def test_the_deny_list_adds_refusals_and_beats_the_allow_list() -> None:
    dns = FakeDns(db_corp_example="10.0.0.5", web_example="192.168.0.9")
    policy = OutboundPolicy(
        allow=("*.corp.example", "192.168.0.0/16"), deny=("10.0.0.0/8", "web.example")
    )
    assert refusal("http://db.corp.example/", policy, dns) == (
        "outbound request to db.corp.example refused: 10.0.0.5 matches deny-list entry 10.0.0.0/8"
    )
    assert "deny-list entry 'web.example'" in refusal("http://web.example/", policy, dns)
    assert "deny-list entry 10.0.0.0/8" in refusal("http://[::ffff:10.0.0.1]/", policy, dns)


def test_allow_only_refuses_everything_not_listed() -> None:
    policy = OutboundPolicy(allow=("hooks.example", "127.0.0.0/8"), allow_only=True)
    dns = FakeDns(hooks_example="203.0.113.5", other_example="203.0.113.6")
    assert policy.vet("http://hooks.example/", resolve=dns).address == "203.0.113.5"
    assert policy.vet("http://127.0.0.1/", resolve=dns).address == "127.0.0.1"
    assert "203.0.113.6 is not on the allow-list" in refusal("http://other.example/", policy, dns)


def test_settings_lists_build_a_policy() -> None:
    policy = OutboundPolicy.from_settings(allow=["169.254.1.0/24"], deny=None, read_timeout_s=3)
    assert policy.allow == ("169.254.1.0/24",)
    assert policy.read_timeout_s == 3
    assert policy.vet("http://169.254.1.1/", resolve=FakeDns()).address == "169.254.1.1"


def test_an_unknown_name_is_a_resolution_error() -> None:
    with pytest.raises(OutboundResolutionError, match="cannot resolve nowhere.example"):
        OutboundPolicy().vet("http://nowhere.example/", resolve=FakeDns())


# -- the client against a real local server -----------------------------------------------------


def test_requests_reach_the_server_with_headers_and_body(server: LocalServer) -> None:
    server.route("POST", "/hook", Reply(201, {"ok": True}, {"X-Reply": "yes"}))
    client = OutboundClient()
    response = client.request(
        "post", server.url("/hook"), headers={"X-Token": "abc"}, body=b'{"a": 1}'
    )
    assert response.status == 201
    assert response.json() == {"ok": True}
    assert response.header("x-reply") == "yes"
    (seen,) = server.requests
    assert (seen.method, seen.body, seen.header("X-Token")) == ("POST", b'{"a": 1}', "abc")


def test_the_connection_goes_to_the_checked_address(server: LocalServer) -> None:
    # A rebinding resolver: the first answer passes the check, a later one would not.
    dns = FakeDns(hooks_test=[["127.0.0.1"], ["169.254.169.254"]])
    client = OutboundClient(resolver=dns)
    server.route("GET", "/status", Reply(200, "fine"))
    response = client.request("GET", server.url("/status", host="hooks.test"))
    assert response.text() == "fine"
    assert dns.calls == ["hooks.test"]  # resolved once; connected to what was checked
    assert server.requests[0].header("Host") == f"hooks.test:{server.port}"


def test_redirects_are_followed_and_303_turns_into_a_get(server: LocalServer) -> None:
    server.route("POST", "/start", Reply(303, headers={"Location": "/result"}))
    server.route("GET", "/result", Reply(200, {"done": True}))
    response = OutboundClient().request("POST", server.url("/start"), body=b"x")
    assert (response.status, response.json(), response.url) == (
        200,
        {"done": True},
        server.url("/result"),
    )
    assert [each.method for each in server.requests] == ["POST", "GET"]
    assert server.requests[1].body == b""


def test_a_redirect_to_the_metadata_endpoint_is_refused(server: LocalServer) -> None:
    server.route(
        "GET", "/go", Reply(302, headers={"Location": "http://169.254.169.254/latest/meta-data"})
    )
    with pytest.raises(OutboundRefused, match="169.254.169.254 is a cloud metadata endpoint"):
        OutboundClient().request("GET", server.url("/go"))


def test_a_redirect_to_a_name_resolving_link_local_is_refused(server: LocalServer) -> None:
    dns = FakeDns(sneaky_test="169.254.42.42")
    server.route("GET", "/go", Reply(307, headers={"Location": "http://sneaky.test/x"}))
    with pytest.raises(OutboundRefused, match="sneaky.test refused: 169.254.42.42 is a link-local"):
        OutboundClient(resolver=dns).request("GET", server.url("/go"))


def test_credentials_do_not_follow_a_redirect_to_another_host(server: LocalServer) -> None:
    dns = FakeDns(other_test="127.0.0.1")
    elsewhere = server.url("/landing", host="other.test")
    server.route("GET", "/go", Reply(302, headers={"Location": elsewhere}))
    server.route("GET", "/landing", Reply(200, "ok"))
    client = OutboundClient(resolver=dns)
    client.request("GET", server.url("/go"), headers={"Authorization": "Bearer s3cret", "X-A": "1"})
    first, second = server.requests
    assert first.header("Authorization") == "Bearer s3cret"
    assert second.header("Authorization") is None
    assert second.header("X-A") == "1"


def test_redirect_loops_stop(server: LocalServer) -> None:
    server.route("GET", "/loop", Reply(302, headers={"Location": "/loop"}))
    client = OutboundClient(policy=OutboundPolicy(max_redirects=3))
    with pytest.raises(OutboundError, match="too many redirects"):
        client.request("GET", server.url("/loop"))
    assert len(server.requests) == 4


def test_large_responses_are_refused(server: LocalServer) -> None:
    server.route("GET", "/big", Reply(200, b"x" * 5000))
    client = OutboundClient(policy=OutboundPolicy(max_response_bytes=1000))
    with pytest.raises(OutboundResponseTooLarge, match="more than the 1000 allowed"):
        client.request("GET", server.url("/big"))


def test_slow_responses_time_out(server: LocalServer) -> None:
    server.route("GET", "/slow", Reply(200, "late", delay_s=0.5))
    client = OutboundClient(policy=OutboundPolicy(read_timeout_s=0.05))
    with pytest.raises(OutboundTimeout, match="timed out"):
        client.request("GET", server.url("/slow"))


def test_a_closed_port_is_a_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(OutboundConnectionError):
        OutboundClient().request("GET", f"http://127.0.0.1:{port}/")


def test_user_info_becomes_basic_authentication(server: LocalServer) -> None:
    server.route("GET", "/private", Reply(200, "ok"))
    OutboundClient().request("GET", f"http://bob:pw@127.0.0.1:{server.port}/private")
    assert server.requests[0].header("Authorization") == "Basic Ym9iOnB3"


def test_fetch_text_returns_the_body_or_raises_for_non_2xx(server: LocalServer) -> None:
    server.route("GET", "/text", Reply(200, "héllo", {"Content-Type": "text/plain; charset=utf-8"}))

    def echo(request: Recorded) -> Reply:
        return Reply(404, f"missing {request.path}")

    server.route("GET", "/gone", echo)
    client = OutboundClient()
    assert client.fetch_text(server.url("/text")) == "héllo"
    with pytest.raises(OutboundHttpError, match="returned HTTP 404") as caught:
        client.fetch_text(server.url("/gone"))
    assert caught.value.status == 404
