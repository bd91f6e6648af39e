"""What the asyncio twins of bench/AsyncNotes.Benchmarks share: the workload sizes, the timing, and the JSON they print.

Each *_bench.py script lists its workloads and calls run(). A workload runs `repeats` times, each time on a fresh event
loop (an asyncio.Runner), after one warm-up run; the median counts, as BenchmarkDotNet's ShortRun reports one over 3
iterations. A last run under tracemalloc gives the peak of Python memory traced during the run, per item: memory held at
once, not BenchmarkDotNet's total allocated bytes (CPython counts no such total), so it is comparable only to itself.

The JSON goes to stdout (bench/compare.py reads it), a line per workload to stderr. Standard library only; Python 3.11+.
"""
import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

LIMIT = 100  # the limit on concurrency wherever a workload has one, as in the C# benchmarks


@dataclass
class Workload:
    """One measured workload. `work(*prepared)` is timed; `setup()` (untimed, same loop) returns `prepared`."""
    id: str
    title: str
    n: int
    work: Callable[..., Awaitable[Any]]
    setup: Callable[[], Awaitable[tuple]] | None = None
    teardown: Callable[..., Awaitable[None]] | None = None
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None


class Sizes:
    """The issue's sizes, or a hundredth of each with --quick (as ASYNCNOTES_BENCH_QUICK=1 does for the C# side)."""

    def __init__(self, quick: bool):
        self.quick = quick

    def __call__(self, full: int) -> int:
        return max(1, full // 100) if self.quick else full


def _once(workload: Workload, trace: bool) -> tuple[float, int]:
    """Runs the workload once on a fresh loop; its wall time in seconds and, when traced, the peak traced bytes."""
    with asyncio.Runner(loop_factory=workload.loop_factory) as runner:
        prepared = runner.run(workload.setup()) if workload.setup else ()
        if trace:
            tracemalloc.start()
        try:
            start = time.perf_counter()
            runner.run(workload.work(*prepared))
            elapsed = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1] if trace else 0
        finally:
            if trace:
                tracemalloc.stop()
        if workload.teardown:
            runner.run(workload.teardown(*prepared))
    return elapsed, peak


def measure(workload: Workload, repeats: int, warmup: int) -> dict:
    for _ in range(warmup):
        _once(workload, trace=False)
    runs = [_once(workload, trace=False)[0] for _ in range(repeats)]
    _, peak = _once(workload, trace=True)
    result = {
        "id": workload.id,
        "title": workload.title,
        "n": workload.n,
        "median_s": statistics.median(runs),
        "runs_s": runs,
        "peak_bytes_per_item": peak / workload.n,
    }
    print(f"  {workload.title:<60} n={workload.n:>9,}  median {result['median_s'] * 1000:9.1f} ms  "
          f"peak {result['peak_bytes_per_item']:8.1f} B/item", file=sys.stderr)
    return result


def machine() -> dict:
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
    }


def run(script: str, workloads: Callable[[Sizes], list[Workload]]) -> None:
    """Parses --quick/--repeats, measures every workload, prints the JSON document."""
    parser = argparse.ArgumentParser(description=script)
    parser.add_argument("--quick", action="store_true", help="every size a hundredth, one run: checks the pipeline only")
    parser.add_argument("--repeats", type=int, help="measured runs per workload (default 3; 1 with --quick)")
    args = parser.parse_args()
    repeats = args.repeats or (1 if args.quick else 3)
    warmup = 0 if args.quick else 1
    print(f"{script}: Python {platform.python_version()}, {'quick, ' if args.quick else ''}median of {repeats}",
          file=sys.stderr)
    results = [measure(w, repeats, warmup) for w in workloads(Sizes(args.quick))]
    document = {"script": script, "quick": args.quick, "repeats": repeats, "warmup": warmup, "machine": machine(),
                "results": results}
    json.dump(document, sys.stdout, indent=1)
    print()
