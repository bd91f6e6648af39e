"""CPU-bound work from asyncio, four ways: the Python side of sample 08 (samples/08-RunningSyncCode).

The work is 8 chunks of a pure-Python loop (the sum of i * i % 1,000,003 over 2,500,000 numbers each). It runs
sequentially, then on threads (asyncio.to_thread, and loop.run_in_executor with a ThreadPoolExecutor), then in processes
(loop.run_in_executor with a ProcessPoolExecutor). Under the GIL only one thread runs Python code at a time, so threads
give no speed-up (they add switching); processes do, at the price of starting interpreters and pickling arguments.

Each way runs three times, round after round, and its best time is printed (other load on the machine only ever adds
time).

Run: python3 bench/python/cpu_bench.py   (standard library only)
"""
import asyncio
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

CHUNKS = 8
CHUNK_SIZE = 2_500_000
REPEATS = 3  # each way runs this many times and its best time counts, as with timeit
MODULUS = 1_000_003


def cpu_heavy_fn(chunk):
    """One chunk of the work: pure Python, so it holds the GIL the whole time."""
    total = 0
    for i in range(chunk * CHUNK_SIZE, (chunk + 1) * CHUNK_SIZE):
        total += i * i % MODULUS
    return total


async def sequential():
    return sum(cpu_heavy_fn(chunk) for chunk in range(CHUNKS))


async def to_thread():
    results = await asyncio.gather(*(asyncio.to_thread(cpu_heavy_fn, chunk) for chunk in range(CHUNKS)))
    return sum(results)


async def thread_pool():
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        results = await asyncio.gather(*(loop.run_in_executor(pool, cpu_heavy_fn, chunk) for chunk in range(CHUNKS)))
    return sum(results)


async def process_pool():
    # The notes' compute(): a process pool, created (and its workers started) inside the measured time.
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        results = await asyncio.gather(*(loop.run_in_executor(pool, cpu_heavy_fn, chunk) for chunk in range(CHUNKS)))
    return sum(results)


WAYS = [
    ("sequential, on the loop", sequential),
    (f"{CHUNKS} x asyncio.to_thread, gathered", to_thread),
    (f"{CHUNKS} x run_in_executor(ThreadPoolExecutor({os.cpu_count()}))", thread_pool),
    (f"{CHUNKS} x run_in_executor(ProcessPoolExecutor({os.cpu_count()}))", process_pool),
]


async def main():
    print(f"Python {platform.python_version()} ({sys.implementation.name}), {os.cpu_count()} cores: "
          f"{CHUNKS} chunks of {CHUNK_SIZE:,} iterations, best of {REPEATS}")
    best = {name: float("inf") for name, _ in WAYS}
    totals = set()
    for _ in range(REPEATS):
        for name, way in WAYS:  # round after round, so that a burst of other load does not fall on one way only
            start = time.perf_counter()
            totals.add(await way())
            best[name] = min(best[name], time.perf_counter() - start)
    assert len(totals) == 1, totals
    baseline = best[WAYS[0][0]]
    for name, elapsed in best.items():
        print(f"  {name:<48} {elapsed * 1000:6.0f} ms  {baseline / elapsed:4.2f}x")
    print(f"  every way computed the same total: {totals.pop():,}")


if __name__ == "__main__":  # the guard a ProcessPoolExecutor needs: its workers import this module
    asyncio.run(main())
