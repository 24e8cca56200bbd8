"""Assembles the engine for this process: dispatcher and operations over the Django adapters,
and the transport that delivers queued messages (local worker, Celery, or inline for tests)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from apps.core.conf import platform_settings
from apps.executions.adapters import sql
from apps.executions.adapters.events import ChannelsEventPublisher
from apps.executions.adapters.gate import DjangoConcurrencyGate
from apps.executions.adapters.queue import DatabaseMessageQueue
from apps.executions.adapters.repository import DjangoExecutionRepository
from apps.executions.models import EngineMessage
from apps.executions.registry import CLOCK as REGISTRY_CLOCK
from apps.executions.registry import pipeline_expressions, stage_registry
from engine.dispatcher import Dispatcher
from engine.messages import Message, RunTask, message_from_dict
from engine.operations import Operations

logger = logging.getLogger(__name__)

# A message whose handler keeps failing is retried with backoff, then dropped as dead.
MAX_ATTEMPTS = 12


CLOCK = REGISTRY_CLOCK

# -- transport notification ----------------------------------------------------------------

_notifier_lock = threading.Lock()
_notifier: Callable[[str, int, int], None] | None = None
_local = threading.local()


def set_notifier(notifier: Callable[[str, int, int], None] | None) -> None:
    """The transport's hook, told (after commit) about every message row written."""
    global _notifier
    with _notifier_lock:
        _notifier = notifier


def notify_transport(key: str, due_at: int, row_id: int) -> None:
    """Tells the transport about a message row (after commit); for adapters outside here."""
    _notify(key, due_at, row_id)


def _notify(key: str, due_at: int, row_id: int) -> None:
    # A drain already working on `key` picks up its own due messages: no broker round trip.
    if getattr(_local, "draining", None) == key and due_at <= CLOCK.now_ms():
        return
    notifier = _notifier
    if notifier is not None:
        notifier(key, due_at, row_id)


# -- engine assembly -----------------------------------------------------------------------


@dataclass
class EngineParts:
    repository: DjangoExecutionRepository
    queue: DatabaseMessageQueue
    dispatcher: Dispatcher
    operations: Operations


def build_engine(*, cache_size: int = 0) -> EngineParts:
    repository = DjangoExecutionRepository(cache_size=cache_size)
    queue = DatabaseMessageQueue(clock=CLOCK, notify=_notify)
    registry = stage_registry()
    events = ChannelsEventPublisher()
    dispatcher = Dispatcher(
        repository=repository,
        queue=queue,
        clock=CLOCK,
        registry=registry,
        expressions=pipeline_expressions(),
        gate=DjangoConcurrencyGate(),
        events=events,
    )
    operations = Operations(
        repository=repository, queue=queue, clock=CLOCK, registry=registry, events=events
    )
    return EngineParts(repository, queue, dispatcher, operations)


def operations() -> Operations:
    """Operations for a request thread (no cache: API threads read fresh rows)."""
    return build_engine().operations


# -- delivering messages -------------------------------------------------------------------


# Zero-delay follow-ups handled in the transaction of the message that produced them, at most
# this many and for at most this long, so the write lock is never held for long.
BATCH_MAX_MESSAGES = 1_000
BATCH_MAX_SECONDS = 0.05
# How long a worker holds a message whose task calls out: longer than a webhook's whole
# call (connect 5 s + read 20 s); a worker that dies mid-call leaves the row to be retried
# when it expires. A call that outlives it may be made twice; the first commit wins.
LEASE_MS = 30_000


def process_message(parts: EngineParts, row: EngineMessage) -> int:
    """Consumes one message row and the zero-delay messages it leads to for the same key.

    The delete of the row and every handler's writes commit together: a crash or an error
    rolls all of it back and the row is delivered again. A task with outside effects (HTTP
    calls, cloud APIs) is only ever the first message of a delivery and makes its call before
    the transaction opens, under a lease on the row (`_run_ahead`); a crash repeats at most
    that one call, with the state that led to it (the webhook stage's idempotency key)
    already committed. Returns how many messages were handled.
    """
    handled = 0
    try:
        message = message_from_dict(row.payload)
        ahead = None
        if isinstance(message, RunTask) and not transaction.get_connection().in_atomic_block:
            leased, ahead = _run_ahead(parts, row, message)
            if not leased:
                return 0  # another worker has it
        with transaction.atomic(), parts.repository.batch():
            if not sql.execute("delete_message", [row.pk]):
                return 0  # another worker took it
            with parts.queue.batch(row.key) as follow_ups:
                parts.dispatcher.handle(message, ahead=ahead)
                handled = 1
                deadline = time.monotonic() + BATCH_MAX_SECONDS
                while follow_ups and handled < BATCH_MAX_MESSAGES and time.monotonic() < deadline:
                    if _acts_outside(parts, follow_ups[0]):
                        # It gets a transaction of its own, as its first message: what led to
                        # it (e.g. the webhook's idempotency key) is committed before it acts.
                        break
                    parts.dispatcher.handle(follow_ups.popleft())
                    handled += 1
    except Exception:
        logger.exception("engine message %s (%s) failed", row.pk, row.payload.get("type"))
        _retry_later(row)
        return 0
    return handled


def _run_ahead(parts: EngineParts, row: EngineMessage, message: RunTask) -> tuple[bool, object]:
    """A task with outside effects runs before the transaction that records its outcome, so a
    slow webhook or cloud API holds neither SQLite's write lock nor the execution's row lock
    (other runs, API writes and a cancel of this run go on meanwhile). The row is leased for
    the call. Returns (whether this worker holds the row, the outcome for the handler)."""
    try:
        # Most tasks act only through the engine: tell them apart from the cached copy.
        stage = parts.repository.peek(message.execution_id).stage(message.stage_id)
        record = stage.task(message.task_id) if stage is not None else None
        if record is None or not _external(parts, record.implementing_class, unknown=False):
            return True, None
        execution = parts.repository.load_detached(message.execution_id)
    except Exception:  # the handler, in its transaction, reports whatever is wrong
        return True, None
    now = CLOCK.now_ms()
    if not sql.execute("lease_message", [now + LEASE_MS, row.pk, now]):
        return False, None
    return True, parts.dispatcher.run_ahead(message, execution)


def _external(parts: EngineParts, implementing_class: str, *, unknown: bool) -> bool:
    """Whether the task class acts outside the engine; `unknown` when it is not registered."""
    try:
        task = parts.dispatcher.registry.task(implementing_class)
    except Exception:
        return unknown
    return bool(getattr(task, "external_effects", True))


def _acts_outside(parts: EngineParts, message: Message) -> bool:
    """Whether handling `message` may run a task with outside effects (conservative)."""
    if not isinstance(message, RunTask):
        return False
    try:
        stage = parts.repository.retrieve(message.execution_id).stage(message.stage_id)
        record = stage.task(message.task_id) if stage is not None else None
    except Exception:  # unknown: assume the worst
        return True
    if record is None:
        return False  # the handler will drop it
    return _external(parts, record.implementing_class, unknown=True)


def _retry_later(row: EngineMessage) -> None:
    attempts = row.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        logger.error(
            "engine message %s dropped after %s attempts: %s", row.pk, attempts, row.payload
        )
        EngineMessage.objects.filter(pk=row.pk).delete()
        return
    backoff = min(60_000, 250 * 2**attempts)
    EngineMessage.objects.filter(pk=row.pk).update(
        attempts=attempts, due_at=CLOCK.now_ms() + backoff
    )
    _notify(row.key, CLOCK.now_ms() + backoff, row.pk)


def drain_key(parts: EngineParts, key: str, *, limit: int = 10_000) -> int:
    """Processes every due message of one unit-of-work key, oldest first; returns the count."""
    handled = 0
    previous, _local.draining = getattr(_local, "draining", None), key
    try:
        while handled < limit:
            # Peek without a lock: process_message claims by deleting (0 rows: lost the race).
            found = sql.fetchone("peek_message", [key, CLOCK.now_ms()])
            if found is None:
                break
            row = EngineMessage(
                pk=found[0],
                key=found[1],
                due_at=found[2],
                payload=sql.load_json(found[3]),
                attempts=found[4],
            )
            handled += process_message(parts, row)
    finally:
        _local.draining = previous
    if handled:
        # Messages that became due while draining, or were pushed for later, are told to
        # the transport again so nothing waits for the sweep.
        upcoming = (
            EngineMessage.objects.filter(key=key)
            .order_by("due_at")
            .values_list("due_at", "id")
            .first()
        )
        if upcoming is not None:
            _notify_now(key, *upcoming)
    return handled


def _notify_now(key: str, due_at: int, row_id: int) -> None:
    notifier = _notifier
    if notifier is not None:
        notifier(key, due_at, row_id)


def drain_all(parts: EngineParts | None = None, *, limit: int = 100_000) -> int:
    """Processes every due message of every key until none is due (tests, sweeps)."""
    parts = parts or build_engine()
    handled = 0
    while handled < limit:
        keys = list(
            EngineMessage.objects.filter(due_at__lte=CLOCK.now_ms())
            .order_by("due_at", "id")
            .values_list("key", flat=True)[:100]
        )
        if not keys:
            break
        for key in dict.fromkeys(keys):
            handled += drain_key(parts, key)
    return handled


def engine_mode() -> str:
    return str(platform_settings.ENGINE)
