"""asyncio.TaskGroup with N children that each yield once: the Python side of TaskGroupBenchmark.

Run: python3 bench/python/taskgroup_bench.py [--quick]   (standard library only; JSON on stdout)
"""
import asyncio

from harness import Sizes, Workload, run


async def child():
    await asyncio.sleep(0)


async def group(n):
    async with asyncio.TaskGroup() as tg:
        for _ in range(n):
            tg.create_task(child())


def workloads(size: Sizes):
    n = size(100_000)
    return [Workload("taskgroup", "TaskGroup, N children that yield once", n, lambda: group(n))]


if __name__ == "__main__":
    run("taskgroup_bench.py", workloads)
