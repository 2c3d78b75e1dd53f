"""Run in a subprocess by part 2, so that its peak memory is its own: either a full rebuild of
every read model (the product's projectors, as the worker runs them) or a bare read of the
same events through the library. Prints one JSON line.

    python -m bench._rebuild rebuild|read --database NAME [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._db import BenchDatabase

READ_BATCH = 1000  # the projector's batch size


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def rebuild(runtime: Any) -> dict[str, Any]:
    """Empty every read model, then catch each up from position 0, one after another."""
    per: dict[str, float] = {}
    for projector in runtime.projectors:
        projector.reset()
    for projector in runtime.projectors:
        started = time.perf_counter()
        projector.catch_up()
        per[projector.name] = time.perf_counter() - started
    return {"per_projection": per}


def bare_read(runtime: Any) -> dict[str, Any]:
    """Every notification in batches, each state JSON-decoded by the library's transcoder."""
    recorder, transcoder = runtime.app.recorder, runtime.app.mapper.transcoder
    position, read = 0, 0
    while True:
        batch = recorder.select_notifications(position, READ_BATCH, inclusive_of_start=False)
        if not batch:
            return {"read": read}
        for notification in batch:
            transcoder.decode(notification.state)
        read += len(batch)
        position = batch[-1].id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("rebuild", "read"))
    parser.add_argument("--database", required=True)
    parser.add_argument("--profile", action="store_true", help="cProfile top 25 to stderr")
    args = parser.parse_args(argv)
    from bench._seeded import open_runtime

    with tempfile.TemporaryDirectory() as tmp:
        runtime = open_runtime(BenchDatabase(args.database), tmp)
        events, before = runtime.app.log_position(), rss_mb()
        step = rebuild if args.mode == "rebuild" else bare_read
        profile = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        found = profile.runcall(step, runtime) if profile else step(runtime)
        seconds = time.perf_counter() - started
        runtime.close()
    if profile:
        pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    result = {"events": events, "seconds": seconds, "rss_before_mb": before, "peak_mb": peak_mb()}
    print(json.dumps({**result, **found}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
