"""The worker's broker consumer, reconnecting to Redis quickly after an outage.

Celery's consumer reconnects with kombu's default back-off (2 s, then 4, 6, ... up to 30 s
between attempts), so after a 30-second Redis outage the worker could wait another 12 s or
more before it saw a message again. Here it tries every RECONNECT_MAX seconds at most: a
connection attempt is cheap, and the read models catch up within seconds of Redis returning.
"""

from __future__ import annotations

import functools
from typing import Any

from celery.worker.consumer import Consumer as CeleryConsumer

RECONNECT_START, RECONNECT_STEP, RECONNECT_MAX = 0.5, 0.5, 2.0


class Consumer(CeleryConsumer):  # type: ignore[misc]
    def ensure_connected(self, conn: Any) -> Any:
        conn.ensure_connection = functools.partial(
            conn.ensure_connection,
            interval_start=RECONNECT_START,
            interval_step=RECONNECT_STEP,
            interval_max=RECONNECT_MAX,
        )
        return super().ensure_connected(conn)
