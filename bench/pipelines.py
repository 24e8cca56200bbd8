"""`python -m bench pipelines`: pipeline API latency with 5,000 pipelines and 200 revisions.

Everything goes through the REST API (token auth, access checks, serialisation) on the
embedded default database (SQLite), as a user would hit it.
"""

from __future__ import annotations

import argparse
import gc
import random
import uuid
from typing import Any

from bench.common import print_table, setup_django, summarize_ms, time_calls

TARGETS_MS = {"list": 30.0, "detail": 30.0, "update": 60.0, "diff": 60.0}


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench pipelines")
    parser.add_argument("--pipelines", type=int, default=5000)
    parser.add_argument("--revisions", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=200, help="samples per operation")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def _world() -> tuple[Any, Any, str]:
    from apps.applications.services import application_create
    from apps.teams.services import team_create
    from apps.users.services import token_create, user_create

    user = user_create(username="bench-admin", password=None)
    team = team_create(creator=user, slug="bench", name="Bench")
    application = application_create(team=team, name="shop")
    key = token_create(user=user, name="bench", scopes=None).key
    return user, application, key


def _populate(application: Any, user: Any, count: int) -> list[str]:
    """`count` pipelines shaped like the Kubernetes template, each with its first revision."""
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from apps.pipelines import templates
    from apps.pipelines.documents import epoch_ms, stage_type_summary, stored_config
    from apps.pipelines.models import Pipeline

    now = timezone.now()
    rows = []
    for index in range(count):
        config = stored_config(
            templates.kubernetes(application=application.name, name=f"pipeline {index:05d}")
        )
        rows.append(
            Pipeline(
                id=uuid.uuid4(),
                application=application,
                name=f"pipeline {index:05d}",
                index=index,
                config=config,
                stage_types=stage_type_summary(config),
                last_modified_by=user.username,
                created_at=now,
                updated_at=now,
                update_ts=epoch_ms(now),
            )
        )
    bulk_create_with_history(rows, Pipeline, batch_size=500, default_user=user)
    return [str(row.id) for row in rows]


def _add_revisions(pipeline_id: str, user: Any, count: int) -> None:
    from apps.pipelines.models import Pipeline
    from apps.pipelines.services import pipeline_patch

    pipeline = Pipeline.objects.select_related("application__team").get(pk=pipeline_id)
    for number in range(count - 1):
        pipeline = pipeline_patch(
            pipeline=pipeline,
            patch={"description": f"revision {number + 2}", "stages": _stages_variant(number)},
            actor=user,
            source="api",
        )


def _stages_variant(number: int) -> list[dict[str, Any]]:
    from apps.pipelines import templates

    stages = templates.kubernetes(application="shop", name="x")["stages"]
    stages[2]["stageTimeoutMs"] = 3_600_000 + number
    stages[0]["manifests"][0]["spec"]["ports"][0]["port"] = 80 + number % 50
    return stages


def main(argv: list[str]) -> int:
    options = _parse(argv)
    setup_django()
    from rest_framework.test import APIClient

    rng = random.Random(options.seed)
    user, application, key = _world()
    print(f"populating {options.pipelines} pipelines ...", flush=True)
    ids = _populate(application, user, options.pipelines)
    busy = ids[len(ids) // 2]
    print(f"adding {options.revisions} revisions to one pipeline ...", flush=True)
    _add_revisions(busy, user, options.revisions)

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    base = f"/api/v1/teams/bench/applications/{application.name}/pipelines/?limit=50"
    # The first 20 pages (cursor links), so deep pages are measured too.
    pages = [base]
    page = client.get(base).json()
    while page.get("next") and len(pages) < 20:
        pages.append(page["next"])
        page = client.get(page["next"]).json()

    def check(response: Any) -> Any:
        assert response.status_code < 300, (response.status_code, response.content[:300])
        return response

    def list_page() -> None:
        check(client.get(rng.choice(pages)))

    def detail() -> None:
        check(client.get(f"/api/v1/pipelines/{rng.choice(ids)}/"))

    def update() -> None:
        pipeline_id = rng.choice(ids)
        check(
            client.patch(
                f"/api/v1/pipelines/{pipeline_id}/",
                {"description": f"bench {rng.random()}"},
                format="json",
            )
        )

    def revisions() -> None:
        check(client.get(f"/api/v1/pipelines/{busy}/revisions/?limit=50"))

    def diff() -> None:
        older = rng.randint(1, options.revisions)
        check(client.get(f"/api/v1/pipelines/{busy}/revisions/diff?from={older}&to=current"))

    operations = [
        ("list (page of 50)", list_page),
        ("detail", detail),
        ("update (merge patch)", update),
        ("revision list (page of 50)", revisions),
        ("diff (revision vs current)", diff),
    ]
    for _, warm in operations:
        warm()
    gc.collect()  # the set-up's garbage, not the requests', should pay for collections
    # Round-robin, so a burst of load on a shared machine hits every operation alike.
    samples: dict[str, list[float]] = {name: [] for name, _ in operations}
    for _ in range(options.repeat):
        for name, operation in operations:
            samples[name].extend(time_calls(operation, 1))
    results = [(name, summarize_ms(samples[name])) for name, _ in operations]
    print_table(
        f"pipelines: {options.pipelines} pipelines, {options.revisions} revisions on one "
        f"(SQLite, through the REST API)",
        results,
    )
    verdicts = {
        "list": results[0][1]["p95"],
        "detail": results[1][1]["p95"],
        "update": results[2][1]["p95"],
        "diff": results[4][1]["p95"],
    }
    for name, p95 in verdicts.items():
        status = "ok" if p95 < TARGETS_MS[name] else "OVER TARGET"
        print(f"  target p95 {name:<7} < {TARGETS_MS[name]:.0f} ms: {p95:.2f} ms {status}")
    return 0
