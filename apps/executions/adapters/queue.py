"""MessageQueue on the database: a push is a row (in the caller's transaction), and the
transport is told after commit so it can deliver it (local worker thread or Celery)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from apps.executions.adapters import sql
from engine.messages import Message, StartWaitingExecutions, execution_id_of, message_to_dict
from engine.ports import Clock

Notifier = Callable[[str, int, int], None]  # (key, due_at_ms, row id)


def message_key(message: Message) -> str:
    execution_id = execution_id_of(message)
    if execution_id is not None:
        return execution_id
    if isinstance(message, StartWaitingExecutions):
        return f"pipeline:{message.pipeline_config_id}"
    return "engine"


class FollowUps:
    """The in-memory part of a batch: FIFO, and a message already waiting is not queued twice
    (handlers are idempotent; a join reached from ten branches needs one StartStage, not ten)."""

    def __init__(self) -> None:
        self._queue: deque[Message] = deque()
        self._waiting: set[Message] = set()

    def append(self, message: Message) -> None:
        if message not in self._waiting:
            self._waiting.add(message)
            self._queue.append(message)

    def popleft(self) -> Message:
        message = self._queue.popleft()
        self._waiting.discard(message)
        return message

    def __getitem__(self, index: int) -> Message:
        return self._queue[index]

    def __bool__(self) -> bool:
        return bool(self._queue)

    def __iter__(self) -> Iterator[Message]:
        return iter(self._queue)


class DatabaseMessageQueue:
    """Implements `engine.ports.MessageQueue`; at-least-once, durable across restarts.

    Inside `batch(key)`, zero-delay messages for that same key stay in memory: the caller
    handles them in the same transaction, so they are never written at all (a rollback
    undoes them together with the message that produced them).
    """

    def __init__(self, *, clock: Clock, notify: Notifier | None = None) -> None:
        self._clock = clock
        self._notify = notify
        self._batch_key: str | None = None
        self._local = FollowUps()

    @contextmanager
    def batch(self, key: str) -> Iterator[FollowUps]:
        self._batch_key, self._local = key, FollowUps()
        try:
            yield self._local
        finally:
            leftover, self._batch_key, self._local = self._local, None, FollowUps()
        for message in leftover:  # not handled in this batch: they must be durable
            self.push(message)

    def push(self, message: Message, delay_ms: int = 0) -> None:
        key = message_key(message)
        if delay_ms <= 0 and key == self._batch_key:
            self._local.append(message)
            return
        due_at = self._clock.now_ms() + max(0, int(delay_ms))
        with connection.cursor() as cursor:
            cursor.execute(*_insert(key, due_at, message))
            row_id = cursor.lastrowid if connection.vendor != "postgresql" else 0
        if self._notify is not None:
            notify = self._notify
            transaction.on_commit(lambda: notify(key, due_at, row_id), robust=True)


def _insert(key: str, due_at: int, message: Message) -> tuple[str, list[Any]]:
    statement = sql._sql("insert_message", connection.vendor)
    return statement, [key, due_at, sql.dumps(message_to_dict(message)), timezone.now()]
