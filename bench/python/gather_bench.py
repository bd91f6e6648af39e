"""asyncio.gather, N children: the Python side of GatherBenchmark (and of EventLoopBenchmark's gather on the loop).

  gather/ready      gather over N futures already done (made before the clock starts)
  gather/tasks      gather over N tasks (create_task) that each yield once (sleep(0)) and return their index
  gather/delegates  gather over N coroutines (gather wraps each in a task): the delegate form
  gather/limited    the same, each under one Semaphore(100): the notes' bounded fan-out

Run: python3 bench/python/gather_bench.py [--quick]   (standard library only; JSON on stdout)
"""
import asyncio

from harness import LIMIT, Sizes, Workload, run


async def child(value):
    await asyncio.sleep(0)
    return value


async def ready_futures(n):
    loop = asyncio.get_running_loop()
    futures = [loop.create_future() for _ in range(n)]
    for i, future in enumerate(futures):
        future.set_result(i)
    return (futures,)


async def gather_ready(futures):
    assert len(await asyncio.gather(*futures)) == len(futures)


async def gather_tasks(n):
    tasks = [asyncio.create_task(child(i)) for i in range(n)]
    assert len(await asyncio.gather(*tasks)) == n


async def gather_delegates(n):
    assert len(await asyncio.gather(*(child(i) for i in range(n)))) == n


async def gather_limited(n):
    sem = asyncio.Semaphore(LIMIT)

    async def limited(value):
        async with sem:
            return await child(value)

    assert len(await asyncio.gather(*(limited(i) for i in range(n)))) == n


def workloads(size: Sizes):
    n = size(100_000)
    return [
        Workload("gather/ready", "gather, N ready futures", n, gather_ready, setup=lambda: ready_futures(n)),
        Workload("gather/tasks", "gather, N tasks that yield once", n, lambda: gather_tasks(n)),
        Workload("gather/delegates", "gather, N coroutines that yield once", n, lambda: gather_delegates(n)),
        Workload("gather/limited", f"gather, N coroutines under Semaphore({LIMIT})", n, lambda: gather_limited(n)),
    ]


if __name__ == "__main__":
    run("gather_bench.py", workloads)
