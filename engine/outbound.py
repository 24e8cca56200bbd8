"""Outbound HTTP from pipelines (webhook stage, `#fromUrl`): an SSRF policy and its client."""

from __future__ import annotations

import base64
import functools
import http.client
import ipaddress
import json
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# (host, port) -> the addresses a connection may use, as text.
Resolver = Callable[[str, int], Sequence[str]]

METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata.tencentyun.com"})
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(address)
    for address in ("169.254.169.254", "169.254.0.23", "100.100.100.200", "fd00:ec2::254")
)
_CLASS_E = ipaddress.ip_network("240.0.0.0/4")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Credentials must not follow a redirect to another host.
_CROSS_HOST_DROPPED = frozenset({"authorization", "cookie", "proxy-authorization"})
_SCHEMES = frozenset({"http", "https"})
DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024


class OutboundError(Exception):
    """An outbound request did not produce a response; `host` names where it was going."""

    def __init__(self, message: str, *, host: str | None = None) -> None:
        super().__init__(message)
        self.host = host


class OutboundRefused(OutboundError):
    """The policy refused the URL; `rule` says which rule (nothing was sent)."""

    def __init__(self, url_host: str, rule: str) -> None:
        super().__init__(f"outbound request to {url_host} refused: {rule}", host=url_host)
        self.rule = rule


class OutboundResolutionError(OutboundError):
    """The host name did not resolve (maybe transient: DNS)."""


class OutboundTimeout(OutboundError):
    """Connecting or reading took longer than the policy allows."""


class OutboundConnectionError(OutboundError):
    """The connection failed or broke (refused, reset, TLS)."""


class OutboundResponseTooLarge(OutboundError):
    """The response body is larger than `max_response_bytes`."""


class OutboundHttpError(OutboundError):
    """`fetch_text` got a non-2xx answer."""

    def __init__(self, message: str, *, host: str, status: int) -> None:
        super().__init__(message, host=host)
        self.status = status


def system_resolver(host: str, port: int) -> list[str]:
    """Every address `getaddrinfo` gives for a TCP connection, in its order, deduplicated."""
    found: list[str] = []
    for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = str(info[4][0])
        if address not in found:
            found.append(address)
    return found


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, NAT64), if any."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def default_refusal(address: IPAddress) -> str | None:
    """Why an address is refused unless allow-listed: metadata, link-local and friends."""
    effective: IPAddress = embedded_ipv4(address) or address
    for candidate in (address, effective):
        if candidate in METADATA_ADDRESSES:
            return f"{address} is a cloud metadata endpoint"
    if effective.is_unspecified:
        return f"{address} is an unspecified address"
    if effective.is_link_local:
        return f"{address} is a link-local address"
    if effective.is_multicast:
        return f"{address} is a multicast address"
    if isinstance(effective, ipaddress.IPv4Address) and effective in _CLASS_E:
        return f"{address} is a broadcast or reserved address"
    return None


@dataclass(frozen=True)
class _HostRule:
    """An exact host name, or `*.example.com` for any name below example.com."""

    text: str

    def matches(self, host: str) -> bool:
        if self.text.startswith("*."):
            return host.endswith(self.text[1:])
        return host == self.text


def _normalise_host(host: str) -> str:
    return host.strip().lower().rstrip(".")


def _parse_rules(entries: Iterable[str]) -> tuple[tuple[_HostRule, ...], tuple[IPNetwork, ...]]:
    hosts: list[_HostRule] = []
    networks: list[IPNetwork] = []
    for raw in entries:
        entry = str(raw).strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.append(_HostRule(_normalise_host(entry)))
    return tuple(hosts), tuple(networks)


def _in_any(address: IPAddress, networks: Sequence[IPNetwork]) -> IPNetwork | None:
    forms = [address]
    embedded = embedded_ipv4(address)
    if embedded is not None:
        forms.append(embedded)
    for network in networks:
        for form in forms:
            if form.version == network.version and form in network:
                return network
    return None


@dataclass(frozen=True)
class OutboundTarget:
    """A URL that passed the policy, and the address the connection must use."""

    url: str
    scheme: str
    host: str
    port: int
    target: str  # path and query, as sent on the request line
    address: str
    username: str | None = None
    password: str | None = None


@dataclass(frozen=True)
class OutboundPolicy:
    """Which URLs pipelines may reach.

    http/https only. Refused by default: cloud metadata endpoints (by name and address),
    link-local, unspecified, multicast and broadcast/reserved addresses; loopback and private
    ranges are allowed (the platform calls itself). `allow` entries (host names, `*.domain`
    wildcards, CIDRs) lift the default refusals for what they match; with `allow_only` nothing
    else is reachable. `deny` entries refuse what they match whatever `allow` says. Every address
    a name resolves to is checked, and the connection goes to a checked address.
    """

    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    allow_only: bool = False
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 20.0
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    max_redirects: int = 5
    _allow_hosts: tuple[_HostRule, ...] = field(init=False, repr=False, compare=False)
    _allow_networks: tuple[IPNetwork, ...] = field(init=False, repr=False, compare=False)
    _deny_hosts: tuple[_HostRule, ...] = field(init=False, repr=False, compare=False)
    _deny_networks: tuple[IPNetwork, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        allow_hosts, allow_networks = _parse_rules(self.allow)
        deny_hosts, deny_networks = _parse_rules(self.deny)
        object.__setattr__(self, "_allow_hosts", allow_hosts)
        object.__setattr__(self, "_allow_networks", allow_networks)
        object.__setattr__(self, "_deny_hosts", deny_hosts)
        object.__setattr__(self, "_deny_networks", deny_networks)

    @classmethod
    def from_settings(
        cls,
        *,
        allow: Iterable[str] | None = None,
        deny: Iterable[str] | None = None,
        **options: Any,
    ) -> OutboundPolicy:
        """From the platform's `OUTBOUND_URL_ALLOW` / `OUTBOUND_URL_DENY` lists."""
        return cls(allow=tuple(allow or ()), deny=tuple(deny or ()), **options)

    def vet(self, url: str, *, resolve: Resolver = system_resolver) -> OutboundTarget:
        """The checked target for `url`; raises OutboundRefused or OutboundResolutionError."""
        parts = _split(url)
        host = _normalise_host(parts.hostname or "")
        port = _port(parts, host)
        self._check_name(host)
        addresses = _addresses(host, port, resolve)
        chosen = self._check_addresses(host, addresses)
        target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        return OutboundTarget(
            url=url,
            scheme=parts.scheme.lower(),
            host=host,
            port=port,
            target=target,
            address=str(chosen),
            username=parts.username,
            password=parts.password,
        )

    def _check_name(self, host: str) -> None:
        for rule in self._deny_hosts:
            if rule.matches(host):
                raise OutboundRefused(host, f"deny-list entry {rule.text!r}")
        if any(rule.matches(host) for rule in self._allow_hosts):
            return
        if host in METADATA_HOSTS:
            raise OutboundRefused(host, f"{host} is a cloud metadata endpoint")

    def _check_addresses(self, host: str, addresses: Sequence[IPAddress]) -> IPAddress:
        for address in addresses:
            denied = _in_any(address, self._deny_networks)
            if denied is not None:
                raise OutboundRefused(host, f"{address} matches deny-list entry {denied}")
        if any(rule.matches(host) for rule in self._allow_hosts):
            return addresses[0]
        for address in addresses:
            if _in_any(address, self._allow_networks) is not None:
                continue
            if self.allow_only:
                raise OutboundRefused(host, f"{address} is not on the allow-list")
            refusal = default_refusal(address)
            if refusal is not None:
                raise OutboundRefused(host, refusal)
        return addresses[0]


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(str(url).strip())
    except ValueError as error:
        raise OutboundRefused(str(url), f"invalid URL ({error})") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise OutboundRefused(
            parts.hostname or str(url), f"scheme {scheme or '(none)'!r} is not http or https"
        )
    if not parts.hostname:
        raise OutboundRefused(str(url), "the URL has no host")
    return parts


def _port(parts: SplitResult, host: str) -> int:
    try:
        port = parts.port
    except ValueError as error:
        raise OutboundRefused(host, f"invalid port ({error})") from None
    if port is None:
        return 443 if parts.scheme.lower() == "https" else 80
    return port


def _addresses(host: str, port: int, resolve: Resolver) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        answers = list(resolve(host, port))
    except (OSError, UnicodeError) as error:
        raise OutboundResolutionError(f"cannot resolve {host}: {error}", host=host) from None
    addresses: list[IPAddress] = []
    for answer in answers:
        try:
            addresses.append(ipaddress.ip_address(answer.split("%", 1)[0]))
        except ValueError:
            continue
    if not addresses:
        raise OutboundResolutionError(f"cannot resolve {host}: no addresses", host=host)
    return addresses


@dataclass(frozen=True)
class OutboundResponse:
    """Status, headers (first value of each, original case), body bytes and the final URL."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None

    def text(self) -> str:
        return self.body.decode(_charset(self.header("Content-Type")), errors="replace")

    def json(self) -> Any:
        return json.loads(self.text())


def _charset(content_type: str | None) -> str:
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"')
    return "utf-8"


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the vetted address while the Host header keeps the URL's name."""

    def __init__(self, target: OutboundTarget, *, connect_timeout: float, read_timeout: float):
        super().__init__(target.host, target.port, timeout=connect_timeout)
        self._address = target.address
        self._read_timeout = read_timeout

    def connect(self) -> None:
        self.sock = _open_socket(self._address, self.port, self.timeout, self._read_timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the vetted address; the certificate is checked against the URL's host name."""

    def __init__(
        self,
        target: OutboundTarget,
        *,
        connect_timeout: float,
        read_timeout: float,
        context: ssl.SSLContext,
    ):
        super().__init__(target.host, target.port, timeout=connect_timeout, context=context)
        self._address = target.address
        self._read_timeout = read_timeout
        self._tls = context

    def connect(self) -> None:
        raw = _open_socket(self._address, self.port, self.timeout, self._read_timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def _open_socket(
    address: str, port: int, connect_timeout: Any, read_timeout: float
) -> socket.socket:
    sock = socket.create_connection((address, port), timeout=connect_timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.settimeout(read_timeout)
    return sock


@functools.lru_cache(maxsize=1)
def _default_tls_context() -> ssl.SSLContext:
    """The system trust store, loaded once and only when an https URL is first used."""
    return ssl.create_default_context()


class OutboundClient:
    """HTTP through an `OutboundPolicy`: every hop (redirects too) is vetted, then pinned.

    `request` returns any HTTP status as a response; only transport problems raise
    (`OutboundRefused`, `OutboundResolutionError`, `OutboundTimeout`, `OutboundConnectionError`,
    `OutboundResponseTooLarge`). Inject `resolver` in tests to map names to addresses.
    """

    def __init__(
        self,
        *,
        policy: OutboundPolicy | None = None,
        resolver: Resolver = system_resolver,
        tls_context: ssl.SSLContext | None = None,
        user_agent: str = "cdplatform-engine",
    ) -> None:
        self.policy = policy or OutboundPolicy()
        self._resolve = resolver
        self._tls = tls_context
        self._user_agent = user_agent

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        follow_redirects: bool = True,
    ) -> OutboundResponse:
        method = method.upper()
        current_headers = dict(headers or {})
        current_url = url
        previous_host: str | None = None
        for _ in range(self.policy.max_redirects + 1):
            target = self.policy.vet(current_url, resolve=self._resolve)
            if previous_host is not None and target.host != previous_host:
                current_headers = {
                    key: value
                    for key, value in current_headers.items()
                    if key.lower() not in _CROSS_HOST_DROPPED
                }
            response = self._send(target, method, current_headers, body)
            location = response.header("Location")
            if not follow_redirects or response.status not in _REDIRECTS or not location:
                return response
            if response.status == 303 or (response.status in (301, 302) and method == "POST"):
                method, body = ("GET" if method != "HEAD" else "HEAD"), None
                current_headers = {
                    key: value
                    for key, value in current_headers.items()
                    if key.lower() not in ("content-type", "content-length")
                }
            previous_host = target.host
            current_url = urljoin(current_url, location)
        raise OutboundError(
            f"too many redirects (more than {self.policy.max_redirects}) from {url}",
            host=urlsplit(url).hostname,
        )

    def fetch_text(self, url: str) -> str:
        """GET `url` and return the body as text; a non-2xx status raises OutboundHttpError."""
        response = self.request("GET", url)
        if not 200 <= response.status < 300:
            host = urlsplit(response.url).hostname or url
            raise OutboundHttpError(
                f"GET {url} returned HTTP {response.status}", host=host, status=response.status
            )
        return response.text()

    def _send(
        self, target: OutboundTarget, method: str, headers: Mapping[str, str], body: bytes | None
    ) -> OutboundResponse:
        policy = self.policy
        connection: http.client.HTTPConnection
        if target.scheme == "https":
            connection = _PinnedHTTPSConnection(
                target,
                connect_timeout=policy.connect_timeout_s,
                read_timeout=policy.read_timeout_s,
                context=self._tls or _default_tls_context(),
            )
        else:
            connection = _PinnedHTTPConnection(
                target, connect_timeout=policy.connect_timeout_s, read_timeout=policy.read_timeout_s
            )
        sent = {"User-Agent": self._user_agent, "Accept-Encoding": "identity", **headers}
        if target.username is not None and not any(k.lower() == "authorization" for k in sent):
            pair = f"{target.username}:{target.password or ''}".encode()
            sent["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        deadline = time.monotonic() + policy.connect_timeout_s + policy.read_timeout_s
        try:
            connection.request(method, target.target, body=body, headers=sent)
            raw = connection.getresponse()
            data = _read_capped(raw, policy.max_response_bytes, deadline, target.host)
            first: dict[str, str] = {}
            for key, value in raw.getheaders():
                first.setdefault(key, value)
            return OutboundResponse(raw.status, first, data, target.url)
        except OutboundError:
            raise
        except TimeoutError:
            raise OutboundTimeout(f"{method} {target.url} timed out", host=target.host) from None
        except (OSError, http.client.HTTPException) as error:
            raise OutboundConnectionError(
                f"{method} {target.url} failed: {error or type(error).__name__}", host=target.host
            ) from None
        finally:
            connection.close()


def _read_capped(
    response: http.client.HTTPResponse, limit: int, deadline: float, host: str
) -> bytes:
    declared = response.getheader("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise OutboundResponseTooLarge(
            f"the response from {host} is {declared} bytes, more than the {limit} allowed",
            host=host,
        )
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise OutboundTimeout(f"reading the response from {host} took too long", host=host)
        chunk = response.read1(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise OutboundResponseTooLarge(
                f"the response from {host} is larger than the {limit} bytes allowed", host=host
            )
        chunks.append(chunk)
