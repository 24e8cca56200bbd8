"""What each sender posts, read into one shape: a git push, image pushes, or a generic payload.

Pure functions over (headers, raw body); headers are lower-cased. Anything that cannot start a
pipeline (pings, merge requests, layer pushes, pulls) comes back as not actionable with the
reason, so the delivery log can say why nothing happened.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

ZERO_SHA = "0" * 40
GIT_PROVIDERS = ("github", "gitlab", "coding", "gitee")
DOCKER_SOURCES = ("coding", "tcr", "registry")
MANIFEST_MEDIA_TYPES = frozenset(
    {
        "application/vnd.docker.distribution.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v1+prettyjws",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
    }
)
_CODING_PATH = re.compile(r"/p/([^/]+)/d/([^/]+)")


class SourceError(ValueError):
    """The body is not what this sender posts (malformed JSON, wrong shape)."""


@dataclass(frozen=True)
class GitPush:
    provider: str
    project: str
    slug: str
    ref: str
    hash: str
    action: str  # "push" (a branch) or "tag"
    branch: str = ""
    tag: str = ""
    deleted: bool = False
    project_aliases: tuple[str, ...] = ()
    slug_aliases: tuple[str, ...] = ()
    repository_url: str = ""
    link: str = ""

    def summary(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "project": self.project,
            "slug": self.slug,
            "ref": self.ref,
            "branch": self.branch,
            "tag": self.tag,
            "hash": self.hash,
            "action": self.action,
            "deleted": self.deleted,
        }


@dataclass(frozen=True)
class ImagePush:
    registry: str
    repository: str
    tag: str
    digest: str = ""

    def summary(self) -> dict[str, Any]:
        return {
            "registry": self.registry,
            "repository": self.repository,
            "tag": self.tag,
            "digest": self.digest,
        }


@dataclass(frozen=True)
class Inbound:
    """A parsed delivery: what happened, and the sender's id for it ("" if it has none)."""

    kind: str  # webhook | git | docker
    source: str
    event_type: str
    payload: Any
    delivery_id: str = ""
    actionable: bool = True
    ignored_reason: str = ""
    git: GitPush | None = None
    images: tuple[ImagePush, ...] = ()
    # Extra header values that make a delivery distinct when it carries no id (Gitee).
    fingerprint: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        found: dict[str, Any] = {"eventType": self.event_type}
        if self.git is not None:
            found.update(self.git.summary())
        if self.images:
            found["images"] = [image.summary() for image in self.images]
        return found


# ---------------------------------------------------------------- body reading


def read_body(headers: Mapping[str, str], body: bytes) -> Any:
    """JSON, or the `payload=` field of a form post (GitHub, CODING and old Gitee hooks)."""
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceError(f"the body is not UTF-8 ({error.reason})") from None
    if content_type == "application/x-www-form-urlencoded":
        fields = parse_qs(text, keep_blank_values=True)
        if "payload" not in fields:
            raise SourceError("a form post must carry the JSON in its `payload` field")
        text = fields["payload"][0]
    if not text.strip():
        return {}
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise SourceError(f"the body is not JSON: {error}") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _split_ref(ref: str) -> tuple[str, str, str]:
    """(action, branch, tag) of a full ref."""
    if ref.startswith("refs/tags/"):
        return "tag", "", ref.removeprefix("refs/tags/")
    return "push", ref.removeprefix("refs/heads/"), ""


def _split_path(path: str) -> tuple[str, str]:
    """`group/sub/repo` -> (`group/sub`, `repo`)."""
    namespace, _, name = path.strip("/").rpartition("/")
    return namespace, name


# ---------------------------------------------------------------- generic webhooks


def parse_webhook(source: str, headers: Mapping[str, str], body: bytes) -> Inbound:
    payload = read_body(headers, body)
    if not isinstance(payload, dict):
        raise SourceError("a webhook payload must be a JSON object")
    delivery_id = headers.get("x-delivery-id") or headers.get("idempotency-key") or ""
    return Inbound("webhook", source, "webhook", payload, delivery_id=delivery_id.strip())


# ---------------------------------------------------------------- git providers


def _ignored(
    kind: str, source: str, event: str, payload: Any, delivery: str, *, why: str
) -> Inbound:
    return Inbound(
        kind, source, event, payload, delivery_id=delivery, actionable=False, ignored_reason=why
    )


def parse_github(headers: Mapping[str, str], body: bytes) -> Inbound:
    payload = _object(read_body(headers, body))
    event = headers.get("x-github-event", "")
    delivery = headers.get("x-github-delivery", "")
    if event != "push":
        return _ignored("git", "github", event, payload, delivery, why=f"GitHub {event!r} event")
    repository = _object(payload.get("repository"))
    owner = _object(repository.get("owner"))
    project = _text(owner.get("login") or owner.get("name"))
    full_name = _text(repository.get("full_name"))
    ref = _text(payload.get("ref"))
    action, branch, tag = _split_ref(ref)
    after = _text(payload.get("after"))
    push = GitPush(
        provider="github",
        project=project,
        slug=_text(repository.get("name")),
        ref=ref,
        hash=after,
        action=action,
        branch=branch,
        tag=tag,
        deleted=bool(payload.get("deleted")) or after == ZERO_SHA,
        project_aliases=(_split_path(full_name)[0],) if full_name else (),
        repository_url=_text(repository.get("clone_url") or repository.get("html_url")),
        link=_text(payload.get("compare")),
    )
    return Inbound("git", "github", event, payload, delivery_id=delivery, git=push)


def parse_gitlab(headers: Mapping[str, str], body: bytes) -> Inbound:
    payload = _object(read_body(headers, body))
    event = headers.get("x-gitlab-event", "")
    delivery = headers.get("x-gitlab-event-uuid") or headers.get("idempotency-key") or ""
    kind = _text(payload.get("object_kind"))
    if kind not in ("push", "tag_push"):
        return _ignored("git", "gitlab", event, payload, delivery, why=f"GitLab {event!r} event")
    project = _object(payload.get("project"))
    repository = _object(payload.get("repository"))
    path = _text(project.get("path_with_namespace"))
    namespace, name = _split_path(path)
    ref = _text(payload.get("ref"))
    action, branch, tag = _split_ref(ref)
    after = _text(payload.get("after"))
    push = GitPush(
        provider="gitlab",
        project=namespace or _text(project.get("namespace")),
        slug=name or _text(project.get("name") or repository.get("name")),
        ref=ref,
        hash=_text(payload.get("checkout_sha")) or after,
        action=action,
        branch=branch,
        tag=tag,
        deleted=after == ZERO_SHA,
        project_aliases=tuple(a for a in (_text(project.get("namespace")),) if a),
        slug_aliases=tuple(a for a in (_text(project.get("name")),) if a),
        repository_url=_text(project.get("git_http_url") or repository.get("git_http_url")),
        link=_text(project.get("web_url")),
    )
    return Inbound("git", "gitlab", event, payload, delivery_id=delivery, git=push)


def _coding_names(payload: Mapping[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    repository = _object(payload.get("repository"))
    project = _object(payload.get("project"))
    slug = _text(repository.get("name"))
    names: list[str] = []
    if project.get("name"):
        names.append(_text(project["name"]))
    for key in ("html_url", "web_url", "url"):
        match = _CODING_PATH.search(_text(repository.get(key)))
        if match:
            names.append(match.group(1))
            slug = slug or match.group(2)
    owner = _object(repository.get("owner"))
    for key in ("global_key", "login", "name"):
        if owner.get(key):
            names.append(_text(owner[key]))
    unique = list(dict.fromkeys(names))
    return (unique[0] if unique else ""), slug, tuple(unique[1:])


def parse_coding_git(headers: Mapping[str, str], body: bytes) -> Inbound:
    payload = _object(read_body(headers, body))
    event = headers.get("x-coding-event") or headers.get("x-coding-service-hook-event") or ""
    delivery = headers.get("x-coding-delivery", "")
    if event.lower() not in ("push", "git_pushed"):
        return _ignored("git", "coding", event, payload, delivery, why=f"CODING {event!r} event")
    project, slug, aliases = _coding_names(payload)
    ref = _text(payload.get("ref"))
    if ref and not ref.startswith("refs/"):
        ref = "refs/heads/" + ref.removeprefix("heads/")
    action, branch, tag = _split_ref(ref)
    after = _text(payload.get("after"))
    repository = _object(payload.get("repository"))
    push = GitPush(
        provider="coding",
        project=project,
        slug=slug,
        ref=ref,
        hash=after,
        action=action,
        branch=branch,
        tag=tag,
        deleted=bool(payload.get("deleted")) or after == ZERO_SHA,
        project_aliases=aliases,
        repository_url=_text(repository.get("clone_url") or repository.get("git_http_url")),
        link=_text(payload.get("compare")),
    )
    return Inbound("git", "coding", event, payload, delivery_id=delivery, git=push)


def parse_gitee(headers: Mapping[str, str], body: bytes) -> Inbound:
    payload = _object(read_body(headers, body))
    event = headers.get("x-gitee-event", "")
    fingerprint = headers.get("x-gitee-timestamp", "")
    hook = _text(payload.get("hook_name"))
    if headers.get("x-gitee-ping", "").lower() == "true" or hook not in (
        "push_hooks",
        "tag_push_hooks",
    ):
        inbound = _ignored("git", "gitee", event, payload, "", why=f"Gitee {event or hook!r} event")
        return dataclasses.replace(inbound, fingerprint=fingerprint)
    repository = _object(payload.get("repository")) or _object(payload.get("project"))
    path = _text(repository.get("path_with_namespace") or repository.get("full_name"))
    namespace, name = _split_path(path)
    ref = _text(payload.get("ref"))
    action, branch, tag = _split_ref(ref)
    after = _text(payload.get("after"))
    push = GitPush(
        provider="gitee",
        project=namespace or _text(repository.get("namespace")),
        slug=name or _text(repository.get("path") or repository.get("name")),
        ref=ref,
        hash=after,
        action=action,
        branch=branch,
        tag=tag,
        deleted=bool(payload.get("deleted")) or after == ZERO_SHA,
        project_aliases=tuple(a for a in (_text(repository.get("namespace")),) if a),
        slug_aliases=tuple(a for a in (_text(repository.get("name")),) if a),
        repository_url=_text(repository.get("git_http_url") or repository.get("clone_url")),
        link=_text(payload.get("compare")),
    )
    return Inbound("git", "gitee", event, payload, git=push, fingerprint=fingerprint)


# ---------------------------------------------------------------- registries


def _image_from_reference(reference: str, digest: str = "") -> ImagePush | None:
    """`host/ns/name:tag` -> ImagePush (registry "" when the first part is not a host)."""
    name, _, tag = reference.rpartition(":")
    if not name or "/" in tag:
        return None
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return ImagePush(registry=first, repository=rest, tag=tag, digest=digest)
    return ImagePush(registry="", repository=name, tag=tag, digest=digest)


def parse_registry(headers: Mapping[str, str], body: bytes) -> Inbound:
    """A Docker Registry (distribution) notification envelope: manifest pushes only."""
    envelope = read_body(headers, body)
    if not isinstance(envelope, dict) or not isinstance(envelope.get("events"), list):
        raise SourceError("a registry notification is an envelope with an `events` list")
    images: list[ImagePush] = []
    ids: list[str] = []
    for item in envelope["events"]:
        event = _object(item)
        target = _object(event.get("target"))
        if event.get("id"):
            ids.append(_text(event["id"]))
        if event.get("action") != "push" or target.get("mediaType") not in MANIFEST_MEDIA_TYPES:
            continue
        tag = _text(target.get("tag"))
        if not tag:
            continue  # a push by digest names no tag to deploy
        request = _object(event.get("request"))
        registry = _text(request.get("host")) or urlsplit(_text(target.get("url"))).netloc
        images.append(
            ImagePush(
                registry=registry,
                repository=_text(target.get("repository")),
                tag=tag,
                digest=_text(target.get("digest")),
            )
        )
    delivery = ",".join(sorted(ids))
    if len(delivery) > 200:
        delivery = "sha256:" + hashlib.sha256(delivery.encode()).hexdigest()
    if not images:
        return _ignored(
            "docker",
            "registry",
            "notification",
            envelope,
            delivery,
            why="no tagged manifest push (layer pushes, pulls and deletes are ignored)",
        )
    return Inbound(
        "docker", "registry", "push", envelope, delivery_id=delivery, images=tuple(images)
    )


def parse_tcr(headers: Mapping[str, str], body: bytes) -> Inbound:
    """TCR (and Harbor) push events: `pushImage` or `PUSH_ARTIFACT` with `event_data`."""
    payload = _object(read_body(headers, body))
    event = _text(payload.get("type"))
    if event.lower() not in ("pushimage", "push_artifact"):
        return _ignored("docker", "tcr", event, payload, "", why=f"TCR {event!r} event")
    data = _object(payload.get("event_data"))
    repository = _object(data.get("repository"))
    full_name = _text(repository.get("repo_full_name")) or "/".join(
        part for part in (_text(repository.get("namespace")), _text(repository.get("name"))) if part
    )
    images: list[ImagePush] = []
    for entry in data.get("resources") or []:
        resource = _object(entry)
        tag = _text(resource.get("tag"))
        if not tag:
            continue
        parsed = _image_from_reference(_text(resource.get("resource_url")))
        images.append(
            ImagePush(
                registry=parsed.registry if parsed else "",
                repository=full_name or (parsed.repository if parsed else ""),
                tag=tag,
                digest=_text(resource.get("digest")),
            )
        )
    if not images:
        return _ignored("docker", "tcr", event, payload, "", why="no tagged image in the event")
    return Inbound("docker", "tcr", event, payload, images=tuple(images))


def parse_coding_docker(headers: Mapping[str, str], body: bytes) -> Inbound:
    """A CODING artifact repository service hook: a new Docker artifact version."""
    payload = _object(read_body(headers, body))
    event = _text(payload.get("event")) or headers.get("x-coding-service-hook-event", "")
    delivery = headers.get("x-coding-delivery", "")
    artifact = _object(payload.get("artifact"))
    if event != "ARTIFACTS_VERSION_CREATED":
        return _ignored("docker", "coding", event, payload, delivery, why=f"CODING {event!r} event")
    if _text(artifact.get("artifactType")).lower() != "docker":
        return _ignored(
            "docker",
            "coding",
            event,
            payload,
            delivery,
            why="the new version is not a Docker image",
        )
    team = _object(payload.get("team"))
    registry = f"{team['domain']}-docker.pkg.coding.net" if team.get("domain") else ""
    repository = "/".join(
        _text(artifact.get(key))
        for key in ("projectName", "artifactRepoName", "artifactPkgName")
        if artifact.get(key)
    )
    image = ImagePush(
        registry=registry, repository=repository, tag=_text(artifact.get("artifactVersionName"))
    )
    return Inbound("docker", "coding", event, payload, delivery_id=delivery, images=(image,))


GIT_PARSERS = {
    "github": parse_github,
    "gitlab": parse_gitlab,
    "coding": parse_coding_git,
    "gitee": parse_gitee,
}
DOCKER_PARSERS = {"coding": parse_coding_docker, "tcr": parse_tcr, "registry": parse_registry}


def parse(kind: str, source: str, headers: Mapping[str, str], body: bytes) -> Inbound:
    """Raises SourceError for a body this sender would never post."""
    if kind == "webhook":
        return parse_webhook(source, headers, body)
    if kind == "git":
        return GIT_PARSERS[source](headers, body)
    return DOCKER_PARSERS[source](headers, body)
