"""The event loop itself: the Python side of EventLoopBenchmark.

  loop/yield    asyncio.gather of N sleep(0): N tasks that each yield once
  loop/sleeps   N concurrent one-hour sleeps on a virtual clock (virtual_clock.py), which end at exactly one hour

(EventLoopBenchmark's gather over N loop tasks is gather/tasks in gather_bench.py.)

Run: python3 bench/python/loop_bench.py [--quick]   (standard library only; JSON on stdout)
"""
import asyncio

from harness import Sizes, Workload, run
from virtual_clock import VirtualClockLoop

HOUR = 3600.0


async def yields(n):
    await asyncio.gather(*(asyncio.sleep(0) for _ in range(n)))


async def sleeps(n):
    loop = asyncio.get_running_loop()
    await asyncio.gather(*(asyncio.sleep(HOUR) for _ in range(n)))
    assert loop.time() == HOUR, loop.time()


def workloads(size: Sizes):
    n = size(100_000)
    return [
        Workload("loop/yield", "gather of N sleep(0)", n, lambda: yields(n)),
        Workload("loop/sleeps", "N one-hour sleeps, virtual clock", n, lambda: sleeps(n), loop_factory=VirtualClockLoop),
    ]


if __name__ == "__main__":
    run("loop_bench.py", workloads)
