"""The Celery app: a catch-up task per projection, swept on a beat schedule, and the daily
retention run."""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_init, worker_process_shutdown

from workers.settings import Settings

log = logging.getLogger("lac.worker")

# How many rounds (a batch per projection, in turn) one task runs before re-queuing itself, so
# a long catch-up shares the worker fairly and a killed worker loses at most one batch of work.
BATCHES_PER_TASK = 20


def make_celery(settings: Settings) -> Celery:
    celery = Celery("lac", broker=settings.redis_url or "memory://")
    celery.conf.update(
        task_default_queue=settings.queue,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        # Reconnect to Redis every 2 s at most, for as long as it takes (workers/consumer.py).
        worker_consumer="workers.consumer:Consumer",
        broker_connection_max_retries=None,
        task_publish_retry=False,
        broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5},
        broker_connection_timeout=2,
        beat_schedule={
            "sweep": {"task": "lac.catch_up", "schedule": settings.sweep_seconds},
            # Daily, at a quiet hour (UTC): erase people past the retention period.
            "retention": {"task": "lac.retention", "schedule": crontab(hour=2, minute=30)},
        },
        beat_schedule_filename=str(settings.data_dir / "celerybeat-schedule"),
    )
    return celery


celery = make_celery(Settings())
_runtime: Any = None


def runtime() -> Any:
    """This process's runtime, built on first use (after the prefork fork)."""
    global _runtime
    if _runtime is None:
        from workers.runtime import Runtime

        _runtime = Runtime(Settings())
    return _runtime


_pending_client: Any = None


def pending_client() -> Any:
    """This process's Redis client for the nudges' pending flag (None without Redis)."""
    global _pending_client
    if _pending_client is None and runtime().settings.redis_url:
        from workers.nudge import redis_client

        _pending_client = redis_client(runtime().settings)
    return _pending_client


@worker_process_init.connect
def _fresh_runtime_after_fork(**_: Any) -> None:
    global _runtime, _pending_client
    _runtime = None
    _pending_client = None


@worker_process_shutdown.connect
def _close_runtime(**_: Any) -> None:
    if _runtime is not None:
        _runtime.close()


@celery.task(name="lac.catch_up")
def catch_up(name: str | None = None) -> int:
    """Apply new events to the read models; re-queue when there is more to do."""
    from workers.nudge import clear_pending
    from workers.runtime import take_turns

    rt = runtime()
    if name is None:  # a nudge's task: from now on, a new commit may send another
        clear_pending(rt.settings, pending_client())
    projectors = [rt.projector(name)] if name else rt.projectors
    failures: dict[str, str] = {}
    applied, _ = take_turns(projectors, failures, max_rounds=BATCHES_PER_TASK)
    for projector in projectors:  # one failing projection must not hold the others back
        if projector.name not in failures and not projector.is_caught_up():
            catch_up.delay(projector.name)
    return applied


@celery.task(name="lac.retention")
def retention() -> dict[str, Any]:
    """Erase everyone past the retention period; the report holds counts and ids only."""
    from domain.erasure import RETENTION_ACTOR
    from workers.retention import run_retention

    report = run_retention(runtime(), RETENTION_ACTOR)
    log.info(
        "retention run: %d erased, %d kept, %d left for the next run",
        len(report.erased),
        sum(report.kept.values()),
        report.remaining,
    )
    catch_up.delay()
    return report.as_dict()
