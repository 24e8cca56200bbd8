"""Checks that a delivery comes from who it claims: per-sender signatures over the raw body.

Every comparison is constant-time. Each check answers a `Verdict`: ok, or why not (the reason
is stored on the delivery; it never contains the secret or the signature sent).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote

# Gitee refuses signatures whose timestamp is more than an hour off (its documented window).
GITEE_WINDOW_MS = 60 * 60 * 1000
# Headers a generic sender may put a per-trigger HMAC-SHA256 of the body in.
HMAC_HEADERS = ("x-signature-256", "x-hub-signature-256")
# Headers a sender that can only add fixed headers (TCR, Docker registry) may carry the secret in.
TOKEN_HEADERS = ("x-webhook-token", "x-cdp-token")


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str


def _equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _hex_hmac(secret: str, body: bytes, digest: str) -> str:
    return hmac.new(secret.encode("utf-8"), body, digest).hexdigest()


def _prefixed(header: str, prefix: str) -> str | None:
    value = header.strip()
    if not value.lower().startswith(prefix):
        return None
    return value[len(prefix) :].strip().lower()


def github(headers: Mapping[str, str], body: bytes, secret: str) -> Verdict:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256(body)>` (the SHA-1 header if alone)."""
    sent = headers.get("x-hub-signature-256")
    if sent:
        value = _prefixed(sent, "sha256=")
        if value is not None and _equal(value, _hex_hmac(secret, body, "sha256")):
            return Verdict(True, "GitHub signature (X-Hub-Signature-256) verified")
        return Verdict(False, "GitHub signature (X-Hub-Signature-256) does not match")
    legacy = headers.get("x-hub-signature")
    if legacy:
        value = _prefixed(legacy, "sha1=")
        if value is not None and _equal(value, _hex_hmac(secret, body, "sha1")):
            return Verdict(True, "GitHub signature (X-Hub-Signature) verified")
        return Verdict(False, "GitHub signature (X-Hub-Signature) does not match")
    return Verdict(False, "no X-Hub-Signature-256 header (the trigger has a secret)")


def coding(headers: Mapping[str, str], body: bytes, secret: str) -> Verdict:
    """`X-Coding-Signature: sha1=<hex HMAC-SHA1(body, token)>`."""
    sent = headers.get("x-coding-signature")
    if not sent:
        return Verdict(False, "no X-Coding-Signature header (the trigger has a secret)")
    value = _prefixed(sent, "sha1=")
    if value is not None and _equal(value, _hex_hmac(secret, body, "sha1")):
        return Verdict(True, "CODING signature (X-Coding-Signature) verified")
    return Verdict(False, "CODING signature (X-Coding-Signature) does not match")


def gitlab(headers: Mapping[str, str], body: bytes, secret: str) -> Verdict:
    """`X-Gitlab-Token` carries the secret token itself."""
    sent = headers.get("x-gitlab-token")
    if not sent:
        return Verdict(False, "no X-Gitlab-Token header (the trigger has a secret)")
    if _equal(sent, secret):
        return Verdict(True, "GitLab token (X-Gitlab-Token) verified")
    return Verdict(False, "GitLab token (X-Gitlab-Token) does not match")


def gitee_sign(timestamp: str, secret: str) -> str:
    """Gitee's signature: Base64(HMAC-SHA256(key=secret, "<timestamp>\\n<secret>"))."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def gitee(headers: Mapping[str, str], body: bytes, secret: str, *, now_ms: int) -> Verdict:
    """Signed mode only: `X-Gitee-Token` is the signature of `X-Gitee-Timestamp` (ms),
    which must lie within an hour of now. The body itself is not signed by Gitee."""
    sent = headers.get("x-gitee-token")
    timestamp = (headers.get("x-gitee-timestamp") or "").strip()
    if not sent or not timestamp:
        return Verdict(False, "no X-Gitee-Token / X-Gitee-Timestamp headers")
    if not timestamp.isdigit():
        return Verdict(False, "X-Gitee-Timestamp is not epoch milliseconds")
    if abs(now_ms - int(timestamp)) > GITEE_WINDOW_MS:
        return Verdict(False, "X-Gitee-Timestamp is more than an hour away from now (replay?)")
    # Gitee's docs URL-encode the value; senders differ, so compare the decoded form.
    if _equal(unquote(sent.strip()), gitee_sign(timestamp, secret)):
        return Verdict(True, "Gitee signature (X-Gitee-Token) verified")
    return Verdict(False, "Gitee signature (X-Gitee-Token) does not match")


def body_hmac(headers: Mapping[str, str], body: bytes, secret: str) -> Verdict:
    """A per-trigger secret: `X-Signature-256: sha256=<hex>` (or GitHub's header name), or
    the secret itself in `X-Webhook-Token` / `Authorization: Bearer <secret>` for senders
    that can only add fixed headers (TCR, Docker registry notifications)."""
    for name in HMAC_HEADERS:
        sent = headers.get(name)
        if sent:
            value = _prefixed(sent, "sha256=")
            if value is not None and _equal(value, _hex_hmac(secret, body, "sha256")):
                return Verdict(True, f"HMAC-SHA256 of the body ({name}) verified")
            return Verdict(False, f"HMAC-SHA256 of the body ({name}) does not match")
    for name in TOKEN_HEADERS:
        sent = headers.get(name)
        if sent:
            if _equal(sent.strip(), secret):
                return Verdict(True, f"token header ({name}) verified")
            return Verdict(False, f"token header ({name}) does not match")
    authorization = headers.get("authorization")
    if authorization:
        value = authorization.strip()
        if value.lower().startswith("bearer "):
            value = value[7:].strip()
        if _equal(value, secret):
            return Verdict(True, "Authorization header verified")
        return Verdict(False, "Authorization header does not match")
    return Verdict(False, "no X-Signature-256 or token header (the trigger has a secret)")


def sign_body(secret: str, body: bytes) -> str:
    """The `X-Signature-256` value a sender computes (used by notification webhooks too)."""
    return "sha256=" + _hex_hmac(secret, body, "sha256")
