"""asyncio's Queue(100), one producer and one consumer, 1,000,000 items: the Python side of QueueBenchmark.

Run: python3 bench/python/queue_bench.py   (standard library only)
"""
import asyncio
import time

ITEMS = 1_000_000


async def main():
    q = asyncio.Queue(100)

    async def producer():
        for i in range(ITEMS):
            await q.put(i)
        q.shutdown() if hasattr(q, "shutdown") else await q.put(None)

    async def consumer():
        total = 0
        while True:
            try:
                item = await q.get()
            except getattr(asyncio, "QueueShutDown", ()):
                return total
            if item is None:
                return total
            total += item

    start = time.perf_counter()
    _, total = await asyncio.gather(producer(), consumer())
    elapsed = time.perf_counter() - start
    assert total == ITEMS * (ITEMS - 1) // 2
    print(f"asyncio Queue(100), 1 producer, 1 consumer, {ITEMS:,} items: {elapsed:.3f} s")


asyncio.run(main())
