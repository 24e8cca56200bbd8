"""Spinnaker moniker naming: clusters `{app}-{stack}-{detail}`, server groups `{cluster}-v{NNN}`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_VERSION = re.compile(r"^(?P<cluster>.+)-v(?P<sequence>\d{3,})$")
# Application and stack names carry no hyphen (Frigga); the detail may.
_PART = re.compile(r"^[A-Za-z0-9_.]*$")
MAX_SEQUENCE = 999
# Tag keys recording the moniker on groups and launch configurations.
TAG_PREFIX = "cdp:"
TAG_APPLICATION = f"{TAG_PREFIX}application"
TAG_CLUSTER = f"{TAG_PREFIX}cluster"
TAG_STACK = f"{TAG_PREFIX}stack"
TAG_DETAIL = f"{TAG_PREFIX}detail"
TAG_SEQUENCE = f"{TAG_PREFIX}sequence"


@dataclass(frozen=True)
class Moniker:
    app: str
    stack: str = ""
    detail: str = ""
    sequence: int | None = None

    @property
    def cluster(self) -> str:
        return cluster_name(self.app, self.stack, self.detail)

    @property
    def server_group(self) -> str:
        if self.sequence is None:
            return self.cluster
        return f"{self.cluster}-v{self.sequence:03d}"

    def with_sequence(self, sequence: int) -> Moniker:
        return Moniker(self.app, self.stack, self.detail, sequence)

    def tags(self) -> list[dict[str, str]]:
        tags = [
            {"Key": TAG_APPLICATION, "Value": self.app},
            {"Key": TAG_CLUSTER, "Value": self.cluster},
            {"Key": TAG_STACK, "Value": self.stack},
            {"Key": TAG_DETAIL, "Value": self.detail},
        ]
        if self.sequence is not None:
            tags.append({"Key": TAG_SEQUENCE, "Value": str(self.sequence)})
        return tags

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "app": self.app,
            "cluster": self.cluster,
            "stack": self.stack,
            "detail": self.detail,
        }
        if self.sequence is not None:
            out["sequence"] = self.sequence
        return out


def cluster_name(app: str, stack: str = "", detail: str = "") -> str:
    """Frigga: empty trailing parts collapse; an empty stack before a detail stays (`a--d`)."""
    if detail:
        return f"{app}-{stack}-{detail}"
    if stack:
        return f"{app}-{stack}"
    return app


def check_parts(app: str, stack: str, detail: str) -> list[str]:
    """Problems with the parts of a name (empty list when it is fine)."""
    problems = []
    if not app or "-" in app or not _PART.match(app):
        problems.append(f"application {app!r} must be letters, digits, '_' or '.' (no '-')")
    if "-" in stack or not _PART.match(stack):
        problems.append(f"stack {stack!r} must be letters, digits, '_' or '.' (no '-')")
    if detail and not re.match(r"^[A-Za-z0-9_.\-]+$", detail):
        problems.append(f"detail {detail!r} must be letters, digits, '_', '.' or '-'")
    return problems


def parse(name: str) -> Moniker:
    """A server-group or cluster name back into its parts (no `-vNNN`: no sequence)."""
    sequence: int | None = None
    cluster = name
    match = _VERSION.match(name)
    if match:
        cluster = match.group("cluster")
        sequence = int(match.group("sequence"))
    app, _, rest = cluster.partition("-")
    stack, _, detail = rest.partition("-")
    return Moniker(app, stack, detail, sequence)


def parse_cluster(name: str) -> Moniker:
    moniker = parse(name)
    return Moniker(moniker.app, moniker.stack, moniker.detail)


def in_cluster(server_group: str, cluster: str) -> bool:
    return parse(server_group).cluster == cluster


def next_sequence(oldest_first: Sequence[str], cluster: str) -> int:
    """One past the newest group's sequence, wrapping after 999 and skipping names still taken."""
    sequences = [
        moniker.sequence
        for moniker in (parse(name) for name in oldest_first)
        if moniker.cluster == cluster and moniker.sequence is not None
    ]
    if not sequences:
        return 0
    taken = set(sequences)
    candidate = sequences[-1]
    for _ in range(MAX_SEQUENCE + 1):
        candidate = 0 if candidate >= MAX_SEQUENCE else candidate + 1
        if candidate not in taken:
            return candidate
    raise ValueError(f"cluster {cluster} has no free sequence number left")
