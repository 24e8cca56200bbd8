"""`python -m bench console`: server time and queries of every console page in a big team.

One team with 5,000 pipelines in 20 applications (one holds 40% of them) and 100,000 runs
(see bench/_console_data.py for how they are made), on the embedded default database
(SQLite in a throwaway data directory), with the sandboxes `make run` starts. A team owner,
logged in with Django's test client, requests every page round-robin; each row of the report
is one URL: p50/p95/max time in the server (middleware to rendered response) and the SQL
statements of one request. Full garbage collections during the run are counted: their
pauses land in whichever request triggered them.

    python -m bench console [--repeat 30] [--pipelines 5000] [--executions 100000]
                            [--keep | --reuse DIR] [--only TEXT] [--gc-freeze]

It runs in a child process of its own, so `python -m bench all` and the user's data are
never mixed with its database, which is deleted afterwards (unless --keep).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import percentile

TARGET_MS = 200.0
# A statement (literals stripped) run this many times in one request is an N+1 suspect.
REPEAT_SUSPECT = 5
CHILD = "CDP_BENCH_CONSOLE_CHILD"
LIVE = (
    "reads the sandbox Kubernetes cluster and Tencent Cloud started in this process, over "
    "loopback HTTP (their threads share the GIL; a remote cluster's latency is not in it)"
)
ROOT = Path(__file__).resolve().parent.parent


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench console")
    parser.add_argument("--pipelines", type=int, default=5000)
    parser.add_argument("--executions", type=int, default=100_000)
    parser.add_argument("--applications", type=int, default=20, choices=range(2, 21))
    parser.add_argument("--busy-runs", type=int, default=2000, help="runs of the pipeline measured")
    parser.add_argument("--revisions", type=int, default=50, help="revisions of that pipeline")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument(
        "--reuse",
        metavar="DIR",
        help="measure the data a --keep run left in DIR (its sandbox cluster starts empty)",
    )
    parser.add_argument("--only", default="", help="measure only pages whose name contains this")
    parser.add_argument(
        "--gc-freeze",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="gc.freeze() before the first request, as the server does once it has loaded "
        "(cdplatform/asgi.py); --no-gc-freeze shows the full collections without it",
    )
    return parser.parse_args(argv)


@dataclass
class Page:
    name: str
    url: str
    status: int = 200
    anonymous: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    note: str = ""
    samples: list[float] = field(default_factory=list)
    failure: str = ""
    queries: int = 0
    repeat: int = 0
    repeated: str = ""


def _pages(population: Any) -> list[Page]:
    from django.db.models import Count

    from apps.executions.models import Execution

    team = f"/t/{population.team.slug}"
    big, small, busy = population.big.name, population.small.name, population.busy.pk
    project = population.project.slug
    ids = population.ids
    newest = Execution.objects.filter(application=population.big).order_by("-build_time", "-id")
    cursor = [f"{row.build_time}:{row.pk}" for row in (newest[24], newest[1000])]
    small_pipeline = population.small.pipelines.order_by("index").first().pk
    busy_runs = Execution.objects.filter(pipeline_config_id=str(busy)).count()
    # The big application's pipeline with the fewest runs (its list must not scan the rest).
    live = population.big.pipelines.filter(deleted_at__isnull=True).values_list("pk", flat=True)
    rare = (
        Execution.objects.filter(
            application=population.big, pipeline_config_id__in=[str(pk) for pk in live]
        )
        .values("pipeline_config_id")
        .annotate(runs=Count("id"))
        .order_by("runs", "pipeline_config_id")
        .first()
    )
    htmx = {"HTTP_HX_REQUEST": "true"}
    app, small_app = f"{team}/applications/{big}", f"{team}/applications/{small}"
    pipeline, orders = f"{team}/pipelines/{busy}", f"{team}/projects/{project}/release-orders"
    picked = f"application={big}&pipeline={busy}"
    return [
        Page("login page (anonymous)", "/login/", anonymous=True),
        Page("/ (one team: redirect)", "/", status=302),
        Page("team home (application cards)", f"{team}/"),
        Page("team home search (htmx)", f"{team}/?q=pay", headers=htmx),
        Page(f"pipelines: {big}", f"{app}/pipelines/"),
        Page(f"pipelines: {big} ?q=prod", f"{app}/pipelines/?q=prod"),
        Page(f"pipelines: {big} deleted", f"{app}/pipelines/?deleted=1"),
        Page(f"pipelines: {small}", f"{small_app}/pipelines/"),
        Page("pipeline search (copy from)", f"{team}/pipeline-search?q=web"),
        Page(f"runs: {big}", f"{app}/executions/"),
        Page(f"runs: {big} page 2 (htmx)", f"{app}/executions/?before={cursor[0]}", headers=htmx),
        Page(f"runs: {big} page 41 (htmx)", f"{app}/executions/?before={cursor[1]}", headers=htmx),
        Page(f"runs: {big} TERMINAL", f"{app}/executions/?status=TERMINAL"),
        Page(f"runs: {big} webhook", f"{app}/executions/?trigger=webhook"),
        Page(f"runs: {big} SUSPENDED (none)", f"{app}/executions/?status=SUSPENDED"),
        Page(f"runs: {small}", f"{small_app}/executions/"),
        Page("editor (busy pipeline)", f"{pipeline}/"),
        Page("editor (small app pipeline)", f"{team}/pipelines/{small_pipeline}/"),
        Page("pipeline document (json)", f"{pipeline}/document"),
        Page("catalog.json", f"{team}/catalog.json"),
        Page(f"revisions ({population.busy.revision})", f"{pipeline}/revisions/"),
        Page("diff rev 1 -> current", f"{pipeline}/revisions/diff?from=1&to=current"),
        Page("triggers + deliveries", f"{pipeline}/triggers/"),
        Page(f"pipeline runs ({busy_runs:,})", f"{pipeline}/executions/"),
        Page("pipeline runs, TERMINAL filter", f"{pipeline}/executions/?status=TERMINAL"),
        Page(
            f"pipeline runs ({rare['runs']}, in {big})",
            f"{team}/pipelines/{rare['pipeline_config_id']}/executions/",
        ),
        Page("start dialog", f"{pipeline}/run"),
        Page("run: succeeded", f"{team}/executions/{ids['succeeded']}/"),
        Page("run: waiting judgment", f"{team}/executions/{ids['waiting']}/"),
        Page("run: terminal", f"{team}/executions/{ids['terminal']}/"),
        Page("run data (json)", f"{team}/executions/{ids['waiting']}/data"),
        Page("run source (json)", f"{team}/executions/{ids['succeeded']}/source"),
        Page("projects", f"{team}/projects/"),
        Page(f"project {project} (orders)", f"{team}/projects/{project}/"),
        Page("new release order", f"{orders}/new"),
        Page("new release order, picked", f"{orders}/new?{picked}"),
        Page(
            "order: pipeline picker (htmx)", f"{orders}/pipelines?application={big}", headers=htmx
        ),
        Page("order: parameters (htmx)", f"{orders}/parameters?{picked}", headers=htmx),
        Page("release order detail", f"{orders}/{ids['order']}/"),
        Page("workbench", f"{team}/workbench/"),
        Page("cloud accounts", f"{team}/cloud-accounts/"),
        Page("cloud account new", f"{team}/cloud-accounts/new"),
        Page("cloud account edit", f"{team}/cloud-accounts/prod-gz/edit"),
        Page(f"infrastructure: {big}", f"{app}/infrastructure/", note=LIVE),
        Page(f"infrastructure: {small} (empty)", f"{small_app}/infrastructure/", note=LIVE),
        Page("team settings", f"{team}/settings/"),
    ]


_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
_LISTS = re.compile(r"\((?:\s*\?\s*,)+\s*\?\s*\)")


def _shape(sql: str) -> str:
    return _LISTS.sub("(?)", _LITERALS.sub("?", sql))


def _probe(page: Page, client: Any) -> None:
    """One request with its statements captured: their count and the most repeated shape."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.url, **page.headers)
    if response.status_code != page.status:
        page.failure = f"{page.url} answered {response.status_code}, not {page.status}"
        return
    shapes = Counter(_shape(query["sql"]) for query in captured.captured_queries)
    page.queries = len(captured)
    if shapes:
        page.repeated, page.repeat = shapes.most_common(1)[0]


class _FullCollections:
    """Full (generation 2) garbage collections while requests run: their pauses land in
    whichever request triggered them, so they show in the tail."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._start = 0.0
        self.tracked = len(gc.get_objects())

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._start)


def _measure(
    pages: list[Page], owner: Any, repeat: int, *, freeze: bool, seed: int
) -> _FullCollections:
    from django.test import Client

    if freeze:
        gc.collect()
        gc.freeze()
    user_client = Client()
    user_client.force_login(owner)
    anonymous = Client()
    for page in pages:
        client = anonymous if page.anonymous else user_client
        client.get(page.url, **page.headers)  # the first request of a session costs more
        _probe(page, client)
    pages[:] = [page for page in pages if not page.failure]
    gc.collect()
    collections = _FullCollections()
    gc.callbacks.append(collections)
    # Every page once per round, so a burst of load on a shared machine hits them alike; in
    # a new order each round, so a full collection does not keep landing on the same page.
    order, rng = list(pages), random.Random(seed)
    try:
        for _ in range(repeat):
            rng.shuffle(order)
            for page in order:
                client = anonymous if page.anonymous else user_client
                start = time.perf_counter()
                client.get(page.url, **page.headers)
                page.samples.append(time.perf_counter() - start)
    finally:
        gc.callbacks.remove(collections)
    return collections


def _report(pages: list[Page], title: str, collections: _FullCollections) -> None:
    print(f"\n{title}")
    print(
        f"  {'page':<36} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} "
        f"{'repeat':>7}  vs {TARGET_MS:.0f} ms"
    )
    over, suspects = [], []
    for page in pages:
        p50, p95 = percentile(page.samples, 0.5) * 1000, percentile(page.samples, 0.95) * 1000
        worst = max(page.samples) * 1000
        verdict = "ok" if p95 < TARGET_MS else "OVER"
        if p95 >= TARGET_MS:
            over.append(page)
        if page.repeat >= REPEAT_SUSPECT:
            verdict += " N+1?"
            suspects.append(page)
        print(
            f"  {page.name:<36} {p50:>8.1f} {p95:>8.1f} {worst:>8.1f} {page.queries:>8} "
            f"{page.repeat:>7}  {verdict}"
        )
    for note in dict.fromkeys(page.note for page in pages if page.note):
        print(f"  * {', '.join(p.name for p in pages if p.note == note)}: {note}")
    print(f"\n  target: every page p95 < {TARGET_MS:.0f} ms server time, no N+1 queries")
    print(f"  pages over {TARGET_MS:.0f} ms (p95): " + (", ".join(p.name for p in over) or "none"))
    print(
        f"  N+1 suspects (a statement repeated >= {REPEAT_SUSPECT}x in one request): "
        + (", ".join(p.name for p in suspects) or "none")
    )
    for page in suspects:
        print(f"    {page.name}: {page.repeat}x {page.repeated[:160]}")
    pauses = sorted(collections.pauses)
    requests = sum(len(page.samples) for page in pages)
    tracked = f"{collections.tracked:,} objects tracked when requests began"
    if pauses:
        print(
            f"  full garbage collections: {len(pauses)} in {requests} requests, "
            f"p50 {percentile(pauses, 0.5) * 1000:.0f} ms, max {pauses[-1] * 1000:.0f} ms each "
            f"({tracked})"
        )
    else:
        print(f"  full garbage collections: none in {requests} requests ({tracked})")


def _child(options: argparse.Namespace) -> int:
    from bench._console_data import Options, populate, reload
    from bench.common import setup_django

    setup_django(sqlite_path=os.environ["CDP_SQLITE_PATH"])
    settings = Options(
        pipelines=options.pipelines,
        executions=options.executions,
        applications=options.applications,
        busy_runs=options.busy_runs,
        revisions=options.revisions,
        seed=options.seed,
    )
    if options.reuse:
        population = reload(settings)
    else:
        print(
            f"populating one team: {settings.pipelines:,} pipelines in {settings.applications} "
            f"applications, {settings.executions:,} runs ...",
            flush=True,
        )
        start = time.perf_counter()
        population = populate(settings)
        took = time.perf_counter() - start
        for name, seconds in population.timings.items():
            print(f"    {seconds:7.1f} s  {name}")
        size = Path(os.environ["CDP_SQLITE_PATH"]).stat().st_size / 2**20
        print(f"  population took {took:.0f} s; database {size:,.0f} MiB")
        print("  " + ", ".join(f"{k} {v:,}" for k, v in sorted(population.counts.items())))
    try:
        wanted = [page for page in _pages(population) if options.only in page.name]
        print(f"requesting {len(wanted)} pages x {options.repeat} ...", flush=True)
        pages = list(wanted)
        collections = _measure(
            pages, population.owner, options.repeat, freeze=options.gc_freeze, seed=options.seed
        )
    finally:
        population.stop()
    for page in wanted:
        if page.failure:
            print(f"  skipped {page.name}: {page.failure}")
    _report(
        pages,
        f"console: {settings.pipelines:,} pipelines ({population.big.pipelines.count():,} in "
        f"{population.big.name}), {population.counts['executions total']:,} runs, "
        f"{options.repeat} requests per page (SQLite, Django test client, team owner"
        f"{', gc.freeze() first' if options.gc_freeze else ''})",
        collections,
    )
    return 0


def main(argv: list[str]) -> int:
    options = _parse(argv)
    if os.environ.get(CHILD) == "1":
        return _child(options)
    data_dir = options.reuse or tempfile.mkdtemp(prefix="cdp-bench-console-")
    env = {
        **os.environ,
        CHILD: "1",
        "CDP_DATA_DIR": data_dir,
        "CDP_SQLITE_PATH": os.path.join(data_dir, "bench.sqlite3"),
        "CDP_ENGINE": "inline",
    }
    env.pop("DATABASE_URL", None)  # always the embedded default, never the user's database
    try:
        return subprocess.call([sys.executable, "-m", "bench", "console", *argv], cwd=ROOT, env=env)
    finally:
        if options.keep or options.reuse:
            print(f"data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
