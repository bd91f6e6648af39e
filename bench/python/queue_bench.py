"""asyncio.Queue, N items, bounded at 100 or unbounded (maxsize 0), one producer and one consumer or four of each: the
Python side of QueueBenchmark. Each producer puts N / producers items; the consumers stop at the queue's shutdown
(Python 3.13+) or at a sentinel per consumer (before 3.13).

  queue/{maxsize}/{producers}   e.g. queue/100/1, queue/0/4

Run: python3 bench/python/queue_bench.py [--quick]   (standard library only; JSON on stdout)
"""
import asyncio

from harness import Sizes, Workload, run

_DONE = object()


async def through_queue(items, maxsize, producers):
    q = asyncio.Queue(maxsize)
    shutdown = getattr(q, "shutdown", None)

    async def producer(first):
        for i in range(first, items, producers):
            await q.put(i)

    async def consumer():
        total = 0
        while True:
            try:
                item = await q.get()
            except getattr(asyncio, "QueueShutDown", ()):
                return total
            if item is _DONE:
                return total
            total += item

    consumers = [asyncio.create_task(consumer()) for _ in range(producers)]
    await asyncio.gather(*(producer(p) for p in range(producers)))
    if shutdown:
        shutdown()
    else:
        for _ in consumers:
            await q.put(_DONE)
    assert sum(await asyncio.gather(*consumers)) == items * (items - 1) // 2


def workloads(size: Sizes):
    n = size(1_000_000)
    return [
        Workload(f"queue/{maxsize}/{producers}",
                 f"Queue({maxsize}), {producers} producer(s), {producers} consumer(s), N items", n,
                 lambda maxsize=maxsize, producers=producers: through_queue(n, maxsize, producers))
        for maxsize in (100, 0) for producers in (1, 4)
    ]


if __name__ == "__main__":
    run("queue_bench.py", workloads)
