"""The team `python -m bench console` measures: real runs on a sandbox cluster, then cloned.

A handful of runs of the Kubernetes template go through the engine for real (deploy, judge,
promote / roll back / stop, a broken image, a cancel, one left waiting). Every other run is
a copy of one of them with fresh ids, times, names and image: the rows are what the engine's
repository writes (denormalised columns, header, one row per stage with its document). Runs,
release orders and trigger deliveries go in with bulk_create; the ~730,000 stage rows with one
executemany per batch on the model's columns, their documents already JSON text (bulk_create
would spend most of the population compiling them field by field). `_check` reads copies
back through the selectors the pages use.
"""

from __future__ import annotations

import json
import random
import re
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
TEAM_SLUG = "bench-console"
OWNER = "console-owner"
BIG = "storefront"
APPLICATIONS = (
    BIG,
    "payments",
    "search",
    "checkout",
    "catalog",
    "inventory",
    "accounts",
    "notifications",
    "shipping",
    "pricing",
    "reviews",
    "recommendations",
    "media",
    "identity",
    "gateway",
    "billing",
    "analytics",
    "warehouse",
    "support",
    "loyalty",
)
PROJECTS = ("web", "mobile", "platform", "data")
ENVIRONMENTS = ("prod", "staging", "canary", "dev", "hotfix")
COMPONENTS = ("web", "api", "worker", "cron", "migrate", "edge", "admin", "batch")
# Template runs: what happens after the deploy (None: left waiting at the judgment).
REAL_RUNS = (
    ("first", "promote"),  # first release: nothing older to scale down (FAILED_CONTINUE)
    ("promote", "promote"),
    ("rollback", "rollback"),
    ("stopped", "stop"),
    ("broken", None),
    ("canceled", "cancel"),
    ("waiting", None),
)
# How often each outcome is cloned (a pipeline's first run is always "first").
MIX = {"promote": 72, "rollback": 8, "stopped": 6, "broken": 8, "canceled": 6}


@dataclass
class Options:
    pipelines: int = 5000
    executions: int = 100_000
    applications: int = 20
    big_share: float = 0.4
    busy_runs: int = 2000
    waiting: int = 40
    revisions: int = 50
    deleted: int = 60
    seed: int = 7


@dataclass
class Population:
    """What the page list needs: the team, its owner, and ids worth requesting."""

    team: Any
    owner: Any
    big: Any
    small: Any
    busy: Any
    project: Any
    ids: dict[str, str] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=dict)
    sandboxes: list[Any] = field(default_factory=list)  # stopped by the caller

    def stop(self) -> None:
        for sandbox in reversed(self.sandboxes):
            sandbox.stop()


@contextmanager
def _phase(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    print(f"  {name} ...", flush=True)
    yield
    timings[name] = time.perf_counter() - start


# --------------------------------------------------------------------------- people


def _people(rng: random.Random) -> tuple[Any, Any, dict[str, Any], list[Any]]:
    from apps.applications.services import application_create
    from apps.cloudaccounts.services import cloud_account_create
    from apps.teams.services import project_create, project_member_add, team_create, team_member_add
    from apps.users.services import token_create, user_create

    owner = user_create(username=OWNER, password=None, display_name="Console Owner")
    team = team_create(creator=owner, slug=TEAM_SLUG, name="Bench", time_zone="Asia/Shanghai")
    users = [owner]
    for number in range(24):
        user = user_create(username=f"console-user-{number:02d}", password=None)
        role = "admin" if number < 3 else "member"
        team_member_add(actor=owner, team=team, username=user.username, role=role)
        users.append(user)
    projects = {slug: project_create(team=team, slug=slug, name=slug.title()) for slug in PROJECTS}
    roles = ("admin", "developer", "developer", "viewer")
    for number, user in enumerate(users[3:]):
        project_member_add(
            project=projects[PROJECTS[number % len(PROJECTS)]],
            username=user.username,
            role=roles[number % len(roles)],
        )
    for name in ("ci", "deploy-bot", "laptop"):
        token_create(user=owner, name=name, scopes=None)
    cloud_account_create(team=team, name="sandbox-k8s", provider="kubernetes", kind="sandbox")
    cloud_account_create(team=team, name="sandbox-tencent", provider="tencent", kind="sandbox")
    cloud_account_create(
        team=team,
        name="prod-gz",
        provider="kubernetes",
        kind="service_account",
        server="https://10.20.0.1:6443",
        token="not-a-real-token",
        namespaces=["default", "payments"],
    )
    applications = {}
    for number, name in enumerate(APPLICATIONS):
        bound = [PROJECTS[number % len(PROJECTS)]]
        if name == BIG:
            bound = ["web", "mobile"]
        applications[name] = application_create(
            team=team, name=name, description=f"The {name} service", projects=bound
        )
    rng.shuffle(users)
    return team, owner, applications, users


# --------------------------------------------------------------------------- real runs


class _SharedClock:
    """Engine time and the sandbox cluster's simulated time move together."""

    def __init__(self, cluster: Any, start_ms: int) -> None:
        self.cluster = cluster
        self.now = start_ms

    def now_ms(self) -> int:
        return self.now

    def set(self, now_ms: int) -> None:
        if now_ms > self.now:
            self.cluster.advance((now_ms - self.now) / 1000)
            self.now = now_ms


def _busy_pipeline(application: Any, owner: Any, revisions: int) -> Any:
    """The pipeline everything is measured on: created and edited through the services."""
    from apps.pipelines.models import ChangeSource
    from apps.pipelines.services import pipeline_create_from_template, pipeline_patch

    pipeline = pipeline_create_from_template(
        application=application,
        name="prod-web-release",
        template="kubernetes",
        actor=owner,
        source=ChangeSource.CONSOLE,
    )
    triggers = [
        {"type": "webhook", "enabled": True, "source": f"{BIG}-ci", "id": str(uuid.uuid4())},
        {"type": "cron", "enabled": True, "cronExpression": "0 0 3 * * ?", "id": str(uuid.uuid4())},
    ]
    pipeline = pipeline_patch(
        pipeline=pipeline, patch={"triggers": triggers}, actor=owner, source=ChangeSource.CONSOLE
    )
    for number in range(max(0, revisions - 2)):
        stages = pipeline.config["stages"]
        stages[2]["stageTimeoutMs"] = 72 * HOUR_MS + number
        stages[0]["manifests"][0]["spec"]["ports"][0]["port"] = 80 + number % 50
        pipeline = pipeline_patch(
            pipeline=pipeline,
            patch={"description": f"Release the web tier (change {number + 3})", "stages": stages},
            actor=owner,
            source=ChangeSource.CONSOLE,
        )
    return pipeline


def _sandboxes() -> tuple[Any, Any]:
    """The embedded sandboxes, as `make run` starts them (the cluster on a manual clock)."""
    from apps.core.conf import platform_settings
    from sandbox.kubernetes import ManualClock, SandboxCluster
    from sandbox.tencentcloud import SandboxTencentCloud

    cluster = SandboxCluster(clock=ManualClock(), auto_tick=False, pod_ready_seconds=2).start()
    platform_settings.set_runtime(SANDBOX_KUBERNETES_URL=cluster.url, SANDBOX_KUBERNETES_TOKEN="")
    cloud = SandboxTencentCloud().start("127.0.0.1", 0)
    secret_id, secret_key = cloud.credentials
    platform_settings.set_runtime(
        SANDBOX_TENCENTCLOUD_ENDPOINT=cloud.url,
        SANDBOX_TENCENTCLOUD_SECRET_ID=secret_id,
        SANDBOX_TENCENTCLOUD_SECRET_KEY=secret_key,
    )
    return cluster, cloud


def _real_runs(pipeline: Any, owner: Any, cluster: Any) -> dict[str, dict[str, Any]]:
    """Runs the template for real against the sandbox cluster; returns them as row snapshots."""
    from apps.executions import registry, runtime
    from apps.executions.models import EngineMessage, Execution, StageExecution
    from apps.executions.services import operations
    from apps.executions.services.launch import pipeline_start

    clock = _SharedClock(cluster, registry.CLOCK.now_ms())
    registry.CLOCK.now_ms = clock.now_ms  # type: ignore[method-assign]

    def settle(until: Callable[[], Any] | None = None) -> None:
        for _ in range(3000):
            runtime.drain_all()
            if until is not None and until():
                return
            upcoming = (
                EngineMessage.objects.order_by("due_at").values_list("due_at", flat=True).first()
            )
            if upcoming is None:
                return
            clock.set(max(upcoming, clock.now_ms()))
        raise RuntimeError("a template run did not settle")

    def waiting(execution_id: str) -> Any:
        return StageExecution.objects.filter(
            execution_id=execution_id, type="manualJudgment", status="RUNNING"
        ).first()

    runs: dict[str, dict[str, Any]] = {}
    try:
        for number, (kind, decision) in enumerate(REAL_RUNS):
            image = "nginx:broken" if kind == "broken" else f"nginx:1.{26 + number}"
            execution = pipeline_start(
                pipeline_id=pipeline.pk,
                user=owner,
                trigger={"type": "manual", "user": owner.username},
                parameters={"image": image},
            )
            settle(lambda execution=execution: waiting(execution.pk))
            judgment = waiting(execution.pk)
            if judgment is not None and decision in ("promote", "rollback", "stop"):
                operations.stage_judge(
                    execution=execution,
                    stage_id=judgment.pk,
                    user=owner,
                    judgment_status="stop" if decision == "stop" else "continue",
                    judgment_input=None if decision == "stop" else decision,
                    custom_params=None,
                )
            elif judgment is not None and decision == "cancel":
                operations.execution_cancel(execution=execution, user=owner, reason="not today")
            if decision is not None:
                settle()
            row = Execution.objects.get(pk=execution.pk)
            stages = list(
                StageExecution.objects.filter(execution=row)
                .order_by("position")
                .values("id", "position", "ref_id", "type", "status", "data")
            )
            runs[kind] = {"row": row, "stages": stages, "image": image}
            clock.set(clock.now_ms() + 10 * 60_000)
    finally:
        del registry.CLOCK.now_ms
    return runs


# --------------------------------------------------------------------------- templates

_TIMESTAMP = re.compile(r"(?<![\d.])1\d{12}(?![\d.])")


@dataclass
class _Template:
    """A run as text with holes: ids, application, pipeline, image, and times as offsets."""

    kind: str
    status: str
    version: int
    header: str
    stages: list[tuple[int, str, str, str, int, str]]  # position, ref, type, status, ms, data
    offsets: dict[int, str]  # ms after the build time -> its name in the format strings


def _compile(text: str, tokens: dict[str, str], build: int, offsets: dict[int, str]) -> str:
    """`text` as a format string: ids, names and image become {key}, times {t<n>} (an offset
    from the build time, numbered in `offsets`)."""
    alternatives = "|".join(re.escape(value) for value in sorted(tokens, key=len, reverse=True))
    pattern = re.compile(f"({alternatives}|{_TIMESTAMP.pattern})")
    pieces: list[str] = []
    for index, piece in enumerate(pattern.split(text)):
        if index % 2 == 0:
            pieces.append(piece.replace("{", "{{").replace("}", "}}"))
        elif piece in tokens:
            pieces.append("{" + tokens[piece] + "}")
        elif abs(int(piece) - build) < 30 * DAY_MS:
            offset = int(piece) - build
            pieces.append("{" + offsets.setdefault(offset, f"t{len(offsets)}") + "}")
        else:
            pieces.append(piece)
    return "".join(pieces)


def _templates(runs: dict[str, dict[str, Any]], pipeline: Any) -> dict[str, _Template]:
    from ulid import ULID

    found = {}
    for kind, run in runs.items():
        row = run["row"]
        build = row.build_time
        tokens = {
            row.pk: "execution",
            str(pipeline.pk): "pipeline",
            BIG: "application",
            run["image"]: "image",
        }
        for number, stage in enumerate(run["stages"]):
            tokens[stage["id"]] = f"stage{number}"
        header = dict(row.header)
        header["name"] = ""  # set per copy, with the trigger
        offsets: dict[int, str] = {}
        stages = [
            (
                stage["position"],
                stage["ref_id"],
                stage["type"],
                stage["status"],
                ULID.from_str(stage["id"]).milliseconds - build,
                _compile(json.dumps(stage["data"]), tokens, build, offsets),
            )
            for stage in run["stages"]
        ]
        found[kind] = _Template(
            kind=kind,
            status=row.status,
            version=row.version,
            header=_compile(json.dumps(header), tokens, build, offsets),
            stages=stages,
            offsets=offsets,
        )
    return found


# --------------------------------------------------------------------------- pipelines


def _pipeline_rows(
    options: Options, applications: dict[str, Any], owner: Any, busy: Any, rng: random.Random
) -> dict[str, list[Any]]:
    """The other pipelines, bulk-inserted with their first revision (like an import)."""
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from apps.pipelines import templates
    from apps.pipelines.documents import epoch_ms, stage_type_summary
    from apps.pipelines.models import ChangeSource, Pipeline
    from apps.pipelines.services.configs import validated

    names = list(applications)[: options.applications]
    big_count = round(options.pipelines * options.big_share)
    rest = options.pipelines - big_count
    per_app = {BIG: big_count} | {
        name: rest // (len(names) - 1) + (1 if i < rest % (len(names) - 1) else 0)
        for i, name in enumerate(names[1:])
    }
    now = timezone.now()
    rows: list[Any] = []
    by_app: dict[str, list[Any]] = defaultdict(list)
    checked: dict[tuple[str, str], tuple[dict[str, Any], list[Any]]] = {}
    deleted_left = options.deleted
    for name, count in per_app.items():
        application = applications[name]
        index = 1 if name == BIG else 0  # the busy pipeline holds slot 0 of the big one
        for number in range(count - (1 if name == BIG else 0)):
            kind = rng.choices(("manual", "webhook", "cron"), weights=(55, 35, 10))[0]
            if (name, kind) not in checked:
                document = templates.kubernetes(application=name, name="x")
                if kind == "webhook":
                    document["triggers"] = [
                        {"type": "webhook", "enabled": True, "source": f"{name}-ci", "id": ""}
                    ]
                elif kind == "cron":
                    document["triggers"] = [
                        {"type": "cron", "enabled": True, "cronExpression": "0 0 3 * * ?", "id": ""}
                    ]
                report = validated(document)
                config = dict(report.config)
                config.pop("name", None)
                checked[(name, kind)] = (config, report.warning_list())
            config, warnings = checked[(name, kind)]
            config = json.loads(json.dumps(config))
            for trigger in config.get("triggers", []):
                trigger["id"] = str(uuid.uuid4())
            created = now - timedelta(days=rng.uniform(30, 700))
            deleted = name == BIG and deleted_left > 0 and number % 20 == 19
            pipeline_name = (
                f"{ENVIRONMENTS[number % len(ENVIRONMENTS)]}-"
                f"{COMPONENTS[(number // len(ENVIRONMENTS)) % len(COMPONENTS)]}-{number:04d}"
            )
            row = Pipeline(
                id=uuid.uuid4(),
                application=application,
                name=pipeline_name,
                index=index,
                config=config,
                stage_types=stage_type_summary(config),
                warnings=warnings,
                last_modified_by=owner.username,
                created_at=created,
                updated_at=created,
                update_ts=epoch_ms(created),
                change_source=ChangeSource.IMPORT,
            )
            if deleted:
                deleted_left -= 1
                row.deleted_at = now - timedelta(days=rng.uniform(0, 25))
                row.change_source = ChangeSource.DELETE
            else:
                index += 1
            rows.append(row)
            by_app[name].append(row)
    bulk_create_with_history(rows, Pipeline, batch_size=500, default_user=owner)
    by_app[BIG].insert(0, busy)
    return by_app


def _index_triggers(by_app: dict[str, list[Any]], busy: Any) -> dict[Any, dict[str, Any]]:
    """The trigger index through its own service; returns pipeline id -> {type: row}."""
    from apps.triggers.models import TriggerIndex
    from apps.triggers.services.index import trigger_index_sync

    for rows in by_app.values():
        for pipeline in rows:
            if pipeline.pk != busy.pk and pipeline.config.get("triggers"):
                trigger_index_sync(pipeline=pipeline)
    found: dict[Any, dict[str, Any]] = defaultdict(dict)
    for row in TriggerIndex.objects.all():
        found[row.pipeline_id][row.type] = row
    return found


# --------------------------------------------------------------------------- the run plan


@dataclass(order=True)
class _Run:
    build: int
    pipeline: Any = field(compare=False)
    kind: str = field(compare=False)
    trigger: str = field(compare=False)
    order: bool = field(default=False, compare=False)


def _plan(
    options: Options,
    by_app: dict[str, list[Any]],
    triggers: dict[Any, dict[str, Any]],
    busy: Any,
    real_count: int,
    now_ms: int,
    rng: random.Random,
) -> list[_Run]:
    """Who ran when: heavy-tailed runs per pipeline over 180 days, newest ones waiting."""
    pipelines = [p for rows in by_app.values() for p in rows if p.pk != busy.pk]
    weights = [rng.lognormvariate(0, 1.3) if rng.random() > 0.04 else 0.0 for _ in pipelines]
    budget = options.executions - options.busy_runs
    total = sum(weights)
    counts = [int(w / total * budget) for w in weights]
    for index in rng.sample(range(len(pipelines)), budget - sum(counts)):
        counts[index] += 1
    busy_count = options.busy_runs - real_count
    live = [i for i, p in enumerate(pipelines) if p.deleted_at is None and counts[i] > 0]
    waiting = set(rng.sample(live, min(options.waiting - 1, len(live))))
    runs: list[_Run] = []
    span = 180 * DAY_MS
    for index, pipeline in [*enumerate(pipelines), (-1, busy)]:
        count = busy_count if index == -1 else counts[index]
        if count == 0:
            continue
        end = now_ms - HOUR_MS
        if pipeline.deleted_at is not None:
            end = int(pipeline.deleted_at.timestamp() * 1000) - HOUR_MS
        if index == -1:
            end = now_ms - 6 * HOUR_MS  # older than the real runs, which are the newest
        times = sorted(
            rng.randint(end - span, end - (3 * DAY_MS if index in waiting else 0))
            for _ in range(count)
        )
        kinds = list(triggers.get(pipeline.pk, {}))
        for number, moment in enumerate(times):
            build = moment
            if number == 0 and index != -1:
                kind = "first"
            elif index in waiting and number == count - 1:
                kind = "waiting"
                build = now_ms - rng.randint(HOUR_MS, 70 * HOUR_MS)
            else:
                kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
            trigger = "manual"
            if kinds and rng.random() < 0.8:
                trigger = kinds[0]
            runs.append(_Run(build, pipeline, kind, trigger))
    runs.sort()
    for run in runs:
        run.order = run.trigger == "manual" and rng.random() < 0.03
    return runs


# --------------------------------------------------------------------------- cloning


@dataclass
class _Writer:
    team: Any
    owner: Any
    users: list[Any]
    projects: dict[int, list[Any]]  # application id -> its projects
    templates: dict[str, _Template]
    rng: random.Random
    next_order: int = 1
    counts: Counter[str] = field(default_factory=Counter)

    def rows(self, run: _Run, trigger_row: Any) -> dict[str, list[Any]]:
        from ulid import ULID

        from apps.executions.models import Execution, ReleaseOrder
        from apps.triggers.models import DeliveryOutcome, TriggerDelivery

        template = self.templates[run.kind]
        pipeline = run.pipeline
        application = pipeline.application
        build = run.build
        execution_id = str(ULID.from_timestamp(build / 1000))
        image = f"registry.example.com/{application.name}:{build // 1000 % 100000:05d}"
        values = {
            "execution": execution_id,
            "pipeline": str(pipeline.pk),
            "application": application.name,
            "image": image,
        }
        for number, stage in enumerate(template.stages):
            values[f"stage{number}"] = str(ULID.from_timestamp((build + stage[4]) / 1000))
        for offset, name in template.offsets.items():
            values[name] = str(build + offset)
        header = json.loads(template.header.format_map(values))
        header["name"] = pipeline.name
        user = self.rng.choice(self.users) if run.trigger == "manual" else None
        out: dict[str, list[Any]] = defaultdict(list)
        trigger = dict(header["trigger"])
        trigger["user"] = user.username if user else "[anonymous]"
        if trigger_row is not None:
            delivery_id = str(ULID.from_timestamp((build - 150) / 1000))
            sha = f"{self.rng.getrandbits(160):040x}"
            payload = {"image": image, "commit": sha, "ref": "refs/heads/main"}
            trigger = {
                **trigger_row.config,
                **({"payload": payload} if run.trigger == "webhook" else {}),
                "parameters": trigger["parameters"],
                "artifacts": [],
                "type": run.trigger,
                "user": "[anonymous]",
                "eventId": delivery_id,
                "resolvedExpectedArtifacts": [],
            }
            moment = datetime.fromtimestamp(build / 1000, tz=UTC)
            out["deliveries"].append(
                TriggerDelivery(
                    id=delivery_id,
                    team=self.team,
                    kind=run.trigger,
                    source=trigger_row.source,
                    event_type="",
                    dedupe_key=f"{run.trigger}:{trigger_row.source}:{sha}",
                    trigger=trigger_row if run.trigger == "webhook" else None,
                    status="started",
                    verified=run.trigger == "webhook",
                    summary={"eventType": ""},
                    headers={"content-type": "application/json", "user-agent": "ci-runner/2.3"}
                    if run.trigger == "webhook"
                    else {},
                    payload=payload if run.trigger == "webhook" else None,
                    payload_size=len(json.dumps(payload)) if run.trigger == "webhook" else 0,
                    remote_addr="10.20.3.17" if run.trigger == "webhook" else "",
                    received_at=moment - timedelta(milliseconds=150),
                    processed_at=moment,
                )
            )
            out["outcomes"].append(
                DeliveryOutcome(
                    delivery_id=delivery_id,
                    pipeline=pipeline,
                    application=application,
                    pipeline_name=pipeline.name,
                    trigger_id=trigger_row.trigger_id,
                    trigger_type=run.trigger,
                    result="started",
                    execution_id=execution_id,
                )
            )
        order = None
        if run.order and self.projects.get(application.pk):
            project = self.rng.choice(self.projects[application.pk])
            trigger.update(
                releaseOrderId=self.next_order, project=project.slug, note="weekly release"
            )
            order = ReleaseOrder(
                id=self.next_order,
                team=self.team,
                project=project,
                application=application,
                pipeline_config_id=str(pipeline.pk),
                pipeline_name=pipeline.name,
                execution_id=execution_id,
                parameters={"image": image},
                note="weekly release",
                created_by=user,
                created_at=datetime.fromtimestamp((build - 500) / 1000, tz=UTC),
            )
            self.next_order += 1
            out["orders"].append(order)
        header["trigger"] = trigger
        header["authentication"] = {**header.get("authentication", {}), "user": trigger["user"]}
        out["executions"].append(
            Execution(
                id=execution_id,
                team=self.team,
                application=application,
                pipeline_config_id=str(pipeline.pk),
                name=pipeline.name,
                status=template.status,
                trigger_type=run.trigger,
                build_time=build,
                start_time=header.get("startTime"),
                end_time=header.get("endTime"),
                canceled=bool(header.get("canceled")),
                parent_execution_id="",
                started_by=user,
                header=header,
                version=template.version,
            )
        )
        for number, (position, ref, kind, status, _, data) in enumerate(template.stages):
            # In StageExecution's column order; the document is the JSON text the field
            # would write (it never goes through Python objects: most of the time saved).
            out["stages"].append(
                (
                    values[f"stage{number}"],
                    execution_id,
                    position,
                    ref,
                    kind,
                    status,
                    data.format_map(values),
                )
            )
        self.counts[template.status] += 1
        self.counts[f"trigger:{run.trigger}"] += 1
        return out


def _stage_insert() -> str:
    """INSERT of a StageExecution row, columns from the model (730,000 of them go in: bulk_create
    would spend most of the population compiling them one field at a time)."""
    from django.db import connection

    from apps.executions.models import StageExecution

    quote = connection.ops.quote_name
    columns = [f.column for f in StageExecution._meta.concrete_fields]
    if columns != ["id", "execution_id", "position", "ref_id", "type", "status", "data"]:
        raise RuntimeError(f"StageExecution's columns changed: {columns}; update _Writer.rows")
    return (
        f"INSERT INTO {quote(StageExecution._meta.db_table)} "
        f"({', '.join(quote(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    )


def _insert(runs: list[_Run], writer: _Writer, triggers: dict[Any, dict[str, Any]]) -> None:
    from django.db import connection, transaction

    from apps.executions.models import Execution, ReleaseOrder
    from apps.triggers.models import DeliveryOutcome, TriggerDelivery

    models = (
        ("executions", Execution),
        ("orders", ReleaseOrder),
        ("deliveries", TriggerDelivery),
        ("outcomes", DeliveryOutcome),
    )
    insert_stage = _stage_insert()
    batch = 1000
    for start in range(0, len(runs), batch):
        rows: dict[str, list[Any]] = defaultdict(list)
        for run in runs[start : start + batch]:
            trigger_row = None
            if run.trigger != "manual":
                trigger_row = triggers[run.pipeline.pk][run.trigger]
            for key, found in writer.rows(run, trigger_row).items():
                rows[key].extend(found)
        with transaction.atomic():
            for key, model in models:
                model.objects.bulk_create(rows[key], batch_size=500)
                writer.counts[key] += len(rows[key])
            with connection.cursor() as cursor:
                cursor.executemany(insert_stage, rows["stages"])
            writer.counts["stages"] += len(rows["stages"])
        if start // batch % 10 == 9:
            print(f"    {start + batch:,} runs", flush=True)


def _unmatched_deliveries(team: Any, count: int, now: datetime, rng: random.Random) -> None:
    """Deliveries nobody's trigger wanted (a webhook log always has some)."""
    from ulid import ULID

    from apps.triggers.models import TriggerDelivery

    rows = []
    for _ in range(count):
        moment = now - timedelta(seconds=rng.uniform(0, 180 * 86400))
        status = rng.choice(("no_match", "no_match", "rejected", "invalid", "duplicate"))
        rows.append(
            TriggerDelivery(
                id=str(ULID.from_datetime(moment)),
                team=team,
                kind="webhook",
                source=rng.choice(("legacy-ci", "docs-site", f"{BIG}-ci")),
                status=status,
                reason={"no_match": "no trigger matched", "rejected": "bad signature"}.get(
                    status, status
                ),
                headers={"content-type": "application/json"},
                payload={"hello": "world"} if status != "invalid" else None,
                received_at=moment,
                processed_at=moment,
            )
        )
    TriggerDelivery.objects.bulk_create(rows, batch_size=500)


def _check(team: Any, rng: random.Random) -> None:
    """Copies read back the way the engine and the pages read runs (ids, times, statuses)."""
    from apps.executions.models import Execution
    from apps.executions.selectors import execution_document

    ids = list(Execution.objects.filter(team=team).values_list("pk", flat=True))
    for execution in Execution.objects.filter(pk__in=rng.sample(ids, min(50, len(ids)))):
        document = execution_document(execution)
        build = execution.build_time
        stages = list(execution.stages.order_by("position").values_list("pk", "status"))
        if (
            document["id"] != execution.pk
            or document["status"] != execution.status
            or document["buildTime"] != execution.build_time
            or [(s["id"], s["status"]) for s in document["stages"]] != stages
            or any((s["startTime"] or build) < build for s in document["stages"])
        ):
            raise RuntimeError(f"copied run {execution.pk} does not read back as written")


# --------------------------------------------------------------------------- entry point


def populate(options: Options) -> Population:
    rng = random.Random(options.seed)
    timings: dict[str, float] = {}
    with _phase(timings, "team, members, projects, applications, cloud accounts"):
        team, owner, applications, users = _people(rng)
    big = applications[BIG]
    with _phase(timings, f"busy pipeline with {options.revisions} revisions"):
        busy = _busy_pipeline(big, owner, options.revisions)
    sandboxes = _sandboxes()
    try:
        return _runs_and_the_rest(
            options, rng, timings, team, owner, applications, users, busy, sandboxes
        )
    except BaseException:
        for sandbox in reversed(sandboxes):
            sandbox.stop()
        raise


def _runs_and_the_rest(
    options: Options,
    rng: random.Random,
    timings: dict[str, float],
    team: Any,
    owner: Any,
    applications: dict[str, Any],
    users: list[Any],
    busy: Any,
    sandboxes: tuple[Any, Any],
) -> Population:
    from django.utils import timezone

    from apps.executions.models import Execution, ReleaseOrder

    big = applications[BIG]
    with _phase(timings, "real runs on the sandbox cluster"):
        runs = _real_runs(busy, owner, sandboxes[0])
        templates = _templates(runs, busy)
    with _phase(timings, f"{options.pipelines - 1:,} more pipelines"):
        by_app = _pipeline_rows(options, applications, owner, busy, rng)
    with _phase(timings, "trigger index"):
        triggers = _index_triggers(by_app, busy)
    now_ms = int(time.time() * 1000)
    plan = _plan(options, by_app, triggers, busy, len(runs), now_ms, rng)
    projects: dict[int, list[Any]] = defaultdict(list)
    for application in applications.values():
        for project in application.projects.all():
            projects[application.pk].append(project)
    writer = _Writer(team, owner, users, projects, templates, rng)
    with _phase(timings, f"{len(plan):,} runs cloned with their stages"):
        _insert(plan, writer, triggers)
    _check(team, rng)
    with _phase(timings, "unmatched deliveries"):
        _unmatched_deliveries(team, 2000, timezone.now(), rng)
    small = applications[APPLICATIONS[min(options.applications, len(APPLICATIONS)) - 1]]
    population = Population(
        team=team,
        owner=owner,
        big=big,
        small=small,
        busy=busy,
        project=next(p for p in projects[big.pk] if p.slug == "web"),
        counts=writer.counts,
        timings=timings,
        sandboxes=list(sandboxes),
    )
    population.counts["executions total"] = Execution.objects.filter(team=team).count()
    population.ids = {
        "succeeded": runs["promote"]["row"].pk,
        "waiting": runs["waiting"]["row"].pk,
        "terminal": runs["broken"]["row"].pk,
        "order": str(
            ReleaseOrder.objects.filter(project=population.project).order_by("-id").first().pk
        ),
    }
    return population


def reload(options: Options) -> Population:
    """The population of an earlier run (`--reuse`), with fresh, empty sandboxes."""
    from apps.applications.models import Application
    from apps.executions.models import Execution, ReleaseOrder
    from apps.pipelines.models import Pipeline
    from apps.teams.models import Team
    from apps.users.models import User

    team = Team.objects.get(slug=TEAM_SLUG)
    applications = {a.name: a for a in Application.objects.filter(team=team)}
    big = applications[BIG]
    busy = Pipeline.objects.get(application=big, name="prod-web-release")
    newest = list(
        Execution.objects.filter(pipeline_config_id=str(busy.pk))
        .order_by("-build_time")
        .values_list("pk", flat=True)[: len(REAL_RUNS)]
    )
    real = dict(zip((kind for kind, _ in REAL_RUNS), reversed(newest), strict=True))
    project = team.projects.get(slug="web")
    population = Population(
        team=team,
        owner=User.objects.get(username=OWNER),
        big=big,
        small=applications[APPLICATIONS[min(options.applications, len(APPLICATIONS)) - 1]],
        busy=busy,
        project=project,
        sandboxes=list(_sandboxes()),
    )
    population.counts["executions total"] = Execution.objects.filter(team=team).count()
    population.ids = {
        "succeeded": real["promote"],
        "waiting": real["waiting"],
        "terminal": real["broken"],
        "order": str(ReleaseOrder.objects.filter(project=project).order_by("-id").first().pk),
    }
    return population
