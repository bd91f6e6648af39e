"""N tasks through asyncio.Semaphore(100), each yielding once: the Python side of SemaphoreBenchmark.

  semaphore          N tasks, each `async with sem:` around one yield, gathered (results in input order: also the
                     twin of MapAsync in input order; asyncio has no bounded map of its own)
  map/as_completed   the same tasks read with asyncio.as_completed: the twin of MapAsync in completion order

Run: python3 bench/python/semaphore_bench.py [--quick]   (standard library only; JSON on stdout)
"""
import asyncio

from harness import LIMIT, Sizes, Workload, run


async def work(sem, value):
    async with sem:
        await asyncio.sleep(0)
        return value


async def gathered(n):
    sem = asyncio.Semaphore(LIMIT)
    tasks = [asyncio.create_task(work(sem, i)) for i in range(n)]
    assert len(await asyncio.gather(*tasks)) == n


async def as_completed(n):
    sem = asyncio.Semaphore(LIMIT)
    tasks = [asyncio.create_task(work(sem, i)) for i in range(n)]
    count = 0
    for next_done in asyncio.as_completed(tasks):
        await next_done
        count += 1
    assert count == n


def workloads(size: Sizes):
    n = size(100_000)
    return [
        Workload("semaphore", f"Semaphore({LIMIT}), N tasks + gather", n, lambda: gathered(n)),
        Workload("map/as_completed", f"Semaphore({LIMIT}), N tasks + as_completed", n, lambda: as_completed(n)),
    ]


if __name__ == "__main__":
    run("semaphore_bench.py", workloads)
