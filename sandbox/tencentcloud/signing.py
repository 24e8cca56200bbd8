"""TC3-HMAC-SHA256 request signatures: signing as the SDK does, and verifying on the server."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sandbox.tencentcloud.errors import ApiError

ALGORITHM = "TC3-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
# The API refuses timestamps more than five minutes away from its own time.
DEFAULT_WINDOW_SECONDS = 300


@dataclass(frozen=True)
class Authorization:
    """The parsed `Authorization` header."""

    secret_id: str
    date: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def signature(secret_key: str, date: str, service: str, string_to_sign: str) -> str:
    k_date = _hmac(("TC3" + secret_key).encode("utf-8"), date)
    k_service = _hmac(k_date, service)
    k_signing = _hmac(k_service, "tc3_request")
    return hmac.new(k_signing, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def canonical_request(
    *,
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    signed_headers: tuple[str, ...],
    payload_hash: str,
) -> str:
    """`headers` maps lower-case names to raw values; key and value are lower-cased and trimmed."""
    canonical_headers = "".join(
        f"{name}:{headers[name].strip().lower()}\n" for name in signed_headers
    )
    return "\n".join(
        [method, path, query, canonical_headers, ";".join(signed_headers), payload_hash]
    )


def string_to_sign(*, timestamp: int, date: str, service: str, canonical: str) -> str:
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return "\n".join([ALGORITHM, str(timestamp), f"{date}/{service}/tc3_request", digest])


def utc_date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d")


def authorization_header(
    *,
    secret_id: str,
    secret_key: str,
    service: str,
    host: str,
    timestamp: int,
    payload: bytes,
    method: str = "POST",
    content_type: str = "application/json",
    path: str = "/",
    query: str = "",
) -> str:
    """The header the SDK would send; tests use it to craft raw requests (e.g. stale ones)."""
    date = utc_date(timestamp)
    signed = ("content-type", "host")
    canonical = canonical_request(
        method=method,
        path=path,
        query=query,
        headers={"content-type": content_type, "host": host},
        signed_headers=signed,
        payload_hash=hashlib.sha256(payload).hexdigest(),
    )
    sts = string_to_sign(timestamp=timestamp, date=date, service=service, canonical=canonical)
    sig = signature(secret_key, date, service, sts)
    return (
        f"{ALGORITHM} Credential={secret_id}/{date}/{service}/tc3_request, "
        f"SignedHeaders={';'.join(signed)}, Signature={sig}"
    )


def parse_authorization(header: str | None) -> Authorization:
    invalid = ApiError(
        "AuthFailure.InvalidAuthorization",
        "The `Authorization` header is not a valid TC3-HMAC-SHA256 authorization.",
    )
    if not header or " " not in header:
        raise invalid
    algorithm, rest = header.split(" ", 1)
    if algorithm != ALGORITHM:
        raise invalid
    fields: dict[str, str] = {}
    for part in rest.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            raise invalid
        fields[key] = value.strip()
    try:
        secret_id, date, service, terminator = fields["Credential"].split("/")
        signed = tuple(h.strip().lower() for h in fields["SignedHeaders"].split(";"))
        sig = fields["Signature"]
    except (KeyError, ValueError):
        raise invalid from None
    if terminator != "tc3_request" or not secret_id or not sig:
        raise invalid
    # Both headers the SDK signs must be covered, or the body's type and the host go unchecked.
    if "content-type" not in signed or "host" not in signed:
        raise invalid
    return Authorization(secret_id, date, service, signed, sig)


@dataclass(frozen=True)
class SignedRequest:
    """What the verifier needs from an HTTP request; header names lower-case."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes


def verify(
    request: SignedRequest,
    *,
    secret_for: Callable[[str], str | None],
    now: float,
    window_seconds: int = DEFAULT_WINDOW_SECONDS,
) -> Authorization:
    """Check the request's signature; raise the API's `AuthFailure.*` errors when it fails."""
    auth = parse_authorization(request.headers.get("authorization"))
    secret_key = secret_for(auth.secret_id)
    if secret_key is None:
        raise ApiError(
            "AuthFailure.SecretIdNotFound",
            "The SecretId is not found, please ensure that your SecretId is correct.",
        )
    raw_timestamp = request.headers.get("x-tc-timestamp")
    if raw_timestamp is None:
        raise ApiError(
            "MissingParameter", "The request is missing a required parameter `Timestamp`."
        )
    try:
        timestamp = int(raw_timestamp)
    except ValueError:
        raise ApiError(
            "InvalidParameter", "The parameter `Timestamp` must be an integer."
        ) from None
    if abs(now - timestamp) > window_seconds:
        raise ApiError(
            "AuthFailure.SignatureExpire",
            f"Signature expired, timestamp {timestamp} is more than {window_seconds} seconds"
            f" away from the server time {int(now)}.",
        )
    failure = ApiError(
        "AuthFailure.SignatureFailure",
        "The provided credentials could not be validated. Please check your signature is correct.",
    )
    if auth.date != utc_date(timestamp):
        raise failure
    if any(name not in request.headers for name in auth.signed_headers):
        raise failure
    if request.headers.get("x-tc-content-sha256") == UNSIGNED_PAYLOAD:
        payload_hash = hashlib.sha256(UNSIGNED_PAYLOAD.encode()).hexdigest()
    elif request.method == "GET":
        payload_hash = hashlib.sha256(b"").hexdigest()
    else:
        payload_hash = hashlib.sha256(request.body).hexdigest()
    canonical = canonical_request(
        method=request.method,
        path=request.path,
        query=request.query,
        headers=request.headers,
        signed_headers=auth.signed_headers,
        payload_hash=payload_hash,
    )
    expected = signature(
        secret_key,
        auth.date,
        auth.service,
        string_to_sign(
            timestamp=timestamp, date=auth.date, service=auth.service, canonical=canonical
        ),
    )
    if not hmac.compare_digest(expected, auth.signature):
        raise failure
    return auth
