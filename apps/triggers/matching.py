"""Whether a configured trigger fires for an inbound event, with Echo's rules per type.

Regexes run on RE2 (linear time: payloads are untrusted) and must match the whole value, as
Java's `String.matches` does; an invalid pattern is compared literally. Each answer says why
it did not match, for the delivery log.
"""

from __future__ import annotations

import copy
import functools
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonpath_ng.exceptions import JsonPathParserError
from jsonpath_ng.parser import parse as parse_jsonpath

from apps.triggers.sources import GitPush, ImagePush, Inbound
from engine.expressions import ExpressionError
from engine.expressions.regexes import full_match

# payloadConstraints keys that act as a shared secret (CODING's documented `secret` constraint).
CREDENTIAL_KEYS = frozenset({"secret", "token", "password"})
# Payload keys whose values are credentials: never stored in the log or copied into a run.
REDACTED_KEYS = frozenset({"secret", "token", "password", "sign", "signature"})
REDACTED = "****"
DOCKER_IMAGE = "docker/image"
# Spinnaker's pipeline-trigger vocabulary for an execution's final status.
PIPELINE_STATUS = {"SUCCEEDED": "successful", "CANCELED": "canceled", "SUSPENDED": "suspended"}


@dataclass(frozen=True)
class Match:
    ok: bool
    reason: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    artifacts: list[dict[str, Any]] = field(default_factory=list)


def no(reason: str) -> Match:
    return Match(False, reason)


def regex_matches(pattern: str, value: str) -> bool:
    try:
        return full_match(pattern, value)
    except ExpressionError:
        return pattern == value


def as_text(value: Any) -> str:
    """A payload value as Echo compares it (JSON text for anything but a string)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def redacted(value: Any) -> Any:
    """A copy with credential-looking keys masked, at any depth."""
    if isinstance(value, Mapping):
        return {
            key: (REDACTED if str(key).lower() in REDACTED_KEYS else redacted(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redacted(item) for item in value]
    return value


def trigger_for_run(trigger: Mapping[str, Any]) -> dict[str, Any]:
    """The configured trigger as a run carries it: secrets and credential constraints masked."""
    copied = {key: copy.deepcopy(value) for key, value in trigger.items() if key != "secret"}
    constraints = copied.get("payloadConstraints")
    if isinstance(constraints, dict):
        copied["payloadConstraints"] = {
            key: (REDACTED if str(key).lower() in CREDENTIAL_KEYS else value)
            for key, value in constraints.items()
        }
    return copied


def is_enabled(trigger: Mapping[str, Any]) -> bool:
    """`enabled` defaults to true (the catalogue's default); "false" strings count as false."""
    value = trigger.get("enabled", True)
    if isinstance(value, str):
        return value.strip().lower() != "false"
    return value is not False


# ---------------------------------------------------------------- webhook


@functools.lru_cache(maxsize=256)
def _jsonpath(key: str) -> Any:
    return parse_jsonpath(key if key.startswith("$") else "$." + key)


def constraint_matches(payload: Mapping[str, Any], key: str, pattern: Any) -> tuple[bool, str]:
    expected = as_text(pattern) if pattern is not None else ""
    if key in payload:
        values = [payload[key]]
    else:
        try:
            values = [found.value for found in _jsonpath(key).find(payload)]
        except JsonPathParserError as error:
            return False, f"constraint {key!r} is not a payload key or a valid JSONPath ({error})"
        except Exception as error:
            return False, f"constraint {key!r} is not a payload key or a valid JSONPath ({error})"
        if not values:
            return False, f"the payload has no {key!r}"
    if expected in ("", ".*"):
        return True, ""
    for value in values:
        text = as_text(value)
        if key.lower() in CREDENTIAL_KEYS:
            if hmac.compare_digest(text.encode(), expected.encode()):
                return True, ""
        elif regex_matches(expected, text):
            return True, ""
    if key.lower() in CREDENTIAL_KEYS:
        return False, f"constraint {key!r} does not match"
    return False, f"{key!r} does not match {expected!r}"


def credential_constraints(trigger: Mapping[str, Any]) -> dict[str, Any]:
    constraints = trigger.get("payloadConstraints")
    if not isinstance(constraints, Mapping):
        return {}
    return {
        key: value
        for key, value in constraints.items()
        if str(key).lower() in CREDENTIAL_KEYS and value not in (None, "")
    }


def _artifact_list(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [dict(item) for item in value if isinstance(item, Mapping) and item.get("type")]


def match_webhook(trigger: Mapping[str, Any], inbound: Inbound) -> Match:
    payload = inbound.payload if isinstance(inbound.payload, Mapping) else {}
    constraints = trigger.get("payloadConstraints")
    if isinstance(constraints, Mapping):
        for key, pattern in constraints.items():
            ok, reason = constraint_matches(payload, str(key), pattern)
            if not ok:
                return no(reason)
    parameters = payload.get("parameters")
    artifacts = _artifact_list(payload.get("artifacts"))
    return Match(
        True,
        fields={
            "source": inbound.source,
            "payload": redacted(dict(payload)),
            "parameters": dict(parameters) if isinstance(parameters, Mapping) else {},
        },
        artifacts=artifacts,
    )


# ---------------------------------------------------------------- git


def _same(expected: str, actual: str, aliases: tuple[str, ...]) -> bool:
    wanted = expected.strip().lower()
    return any(wanted == candidate.strip().lower() for candidate in (actual, *aliases) if candidate)


def match_git(trigger: Mapping[str, Any], inbound: Inbound) -> Match:
    push = inbound.git
    if push is None:
        return no("not a push")
    project = str(trigger.get("project") or "")
    slug = str(trigger.get("slug") or "")
    if project and not _same(project, push.project, push.project_aliases):
        return no(f"project {push.project!r} is not {project!r}")
    if slug and not _same(slug, push.slug, push.slug_aliases):
        return no(f"repository {push.slug!r} is not {slug!r}")
    if push.deleted:
        return no(f"{push.ref} was deleted")
    events = trigger.get("events")
    if isinstance(events, list) and events:
        wanted = {str(event).lower() for event in events}
        aliases = {"push": {"push"}, "tag": {"tag", "tag_push", "create"}}[push.action]
        if not wanted & aliases:
            return no(f"the trigger listens to {sorted(wanted)}, not {push.action!r}")
    branch = str(trigger.get("branch") or "").strip()
    short = push.branch or push.tag
    if branch and not (regex_matches(branch, short) or regex_matches(branch, push.ref)):
        what = "tag" if push.action == "tag" else "branch"
        return no(f"{what} {short!r} does not match {branch!r}")
    fields = {
        "source": push.provider,
        "project": push.project,
        "slug": push.slug,
        "branch": short,
        "hash": push.hash,
        "action": push.action,
    }
    if push.tag:
        fields["tag"] = push.tag
    return Match(True, fields=fields, artifacts=_git_artifacts(push))


def _git_artifacts(push: GitPush) -> list[dict[str, Any]]:
    if not push.repository_url:
        return []
    return [
        {
            "type": "git/repo",
            "name": f"{push.project}/{push.slug}",
            "reference": push.repository_url,
            "version": push.hash or push.branch or push.tag,
        }
    ]


# ---------------------------------------------------------------- docker


def normalise_host(value: Any) -> str:
    text = str(value or "").strip().lower()
    for scheme in ("https://", "http://"):
        text = text.removeprefix(scheme)
    return text.rstrip("/")


def docker_target(trigger: Mapping[str, Any]) -> tuple[str, str]:
    """(registry host or "", repository path) the trigger watches."""
    registry = normalise_host(trigger.get("registry"))
    repository = str(trigger.get("repository") or "").strip().strip("/")
    organization = str(trigger.get("organization") or "").strip().strip("/")
    first, _, rest = repository.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        # Written with its registry host, e.g. "ccr.ccs.tencentyun.com/ns/app".
        registry = registry or first.lower()
        repository = rest
    if organization and "/" not in repository:
        repository = f"{organization}/{repository}"
    return registry, repository.lower()


def docker_artifact(image: ImagePush, registry: str) -> dict[str, Any]:
    host = image.registry or registry
    name = f"{host}/{image.repository}" if host else image.repository
    artifact: dict[str, Any] = {
        "type": DOCKER_IMAGE,
        "name": name,
        "version": image.tag,
        "reference": f"{name}:{image.tag}",
    }
    if image.digest:
        artifact["metadata"] = {"digest": image.digest}
    return artifact


def _image_matches(trigger: Mapping[str, Any], image: ImagePush) -> str | None:
    registry, repository = docker_target(trigger)
    if image.repository.lower() != repository:
        return f"repository {image.repository!r} is not {repository!r}"
    if registry and image.registry and normalise_host(image.registry) != registry:
        return f"registry {image.registry!r} is not {registry!r}"
    tag_rule = str(trigger.get("tag") or "").strip()
    if not tag_rule:
        if image.tag == "latest":
            return "tag 'latest' never fires a trigger without a tag rule"
    elif not regex_matches(tag_rule, image.tag.strip()):
        return f"tag {image.tag!r} does not match {tag_rule!r}"
    return None


def match_docker(trigger: Mapping[str, Any], inbound: Inbound) -> Match:
    reasons: list[str] = []
    for image in inbound.images:
        reason = _image_matches(trigger, image)
        if reason is not None:
            reasons.append(reason)
            continue
        registry, _ = docker_target(trigger)
        artifact = docker_artifact(image, registry)
        return Match(
            True,
            fields={
                "account": trigger.get("account"),
                "registry": image.registry or registry,
                "repository": image.repository,
                "tag": image.tag,
                "digest": image.digest,
            },
            artifacts=[artifact],
        )
    return no("; ".join(reasons) or "no image in the event")


MATCHERS = {"webhook": match_webhook, "git": match_git, "docker": match_docker}


def match(trigger: Mapping[str, Any], inbound: Inbound) -> Match:
    return MATCHERS[inbound.kind](trigger, inbound)


def pipeline_status(status: str) -> str:
    """Orca's DependentPipelineExecutionListener: SUCCEEDED, CANCELED, SUSPENDED, else failed."""
    return PIPELINE_STATUS.get(status, "failed")
