"""N trivial functions sent to threads with asyncio.to_thread and gathered: the Python side of ExecutorBenchmark.

Run: python3 bench/python/executor_bench.py [--quick]   (standard library only; JSON on stdout)
"""
import asyncio

from harness import Sizes, Workload, run


def identity(value):
    return value


async def to_thread(n):
    assert len(await asyncio.gather(*(asyncio.to_thread(identity, i) for i in range(n)))) == n


def workloads(size: Sizes):
    n = size(10_000)
    return [Workload("to_thread", "asyncio.to_thread x N, gathered", n, lambda: to_thread(n))]


if __name__ == "__main__":
    run("executor_bench.py", workloads)
