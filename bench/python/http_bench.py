"""N GETs at most 10 at once (the notes' Semaphore(10) and asyncio.gather), against a local server in a child process:
the Python side of HttpBenchmark. The client and the server are mini_http.py's (standard library only; the notes use
aiohttp, which is not), so the ratio to AsyncNotes is indicative: it compares two stacks, not two fan-outs.

  http   N GETs of /items/{i}, each `async with sem:`, gathered

Run: python3 bench/python/http_bench.py [--quick]   (standard library only; JSON on stdout; 127.0.0.1 only)
"""
import asyncio
import subprocess
import sys

from harness import Sizes, Workload, run
from mini_http import Client, serve

HTTP_LIMIT = 10


async def connect(port):
    client = Client(port)
    await fan_out(client, HTTP_LIMIT)  # opens the connections before the clock starts, as the C# side's warm-up does
    return (client,)


async def fan_out(client, n):
    sem = asyncio.Semaphore(HTTP_LIMIT)

    async def fetch(i):
        async with sem:
            return await client.get_text(f"/items/{i}")

    assert len(await asyncio.gather(*(fetch(i) for i in range(n)))) == n


def workloads(size: Sizes, port: int):
    n = size(1_000)
    return [Workload("http", f"Semaphore({HTTP_LIMIT}) + gather, N GETs, kept-alive connections", n,
                     lambda client: fan_out(client, n), setup=lambda: connect(port),
                     teardown=lambda client: client.aclose())]


def main():
    if sys.argv[1:] == ["--serve"]:
        asyncio.run(serve(lambda port: print(port, flush=True)))
        return
    with subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True) as server:
        try:
            port = int(server.stdout.readline())
            run("http_bench.py", lambda size: workloads(size, port))
        finally:
            server.terminate()


if __name__ == "__main__":
    main()
