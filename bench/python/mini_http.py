"""Just enough HTTP/1.1 on asyncio streams for http_bench.py, standard library only (asyncio has no HTTP client, and
aiohttp is not in the standard library): a keep-alive server answering GET /items/{id} with the small JSON body
LocalServer.cs answers, and a client that keeps its connections open and reuses them (what an aiohttp session does).
Both speak only what they need: GET, Content-Length bodies, no chunking, no TLS. 127.0.0.1 only.
"""
import asyncio


async def _serve_connection(reader, writer):
    try:
        while request_line := await reader.readline():
            while await reader.readline() not in (b"\r\n", b"\n", b""):
                pass  # headers: none matters here
            item = request_line.split()[1].rsplit(b"/", 1)[1].decode()
            body = f'{{"id":{item},"name":"item {item}"}}'.encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                         % (len(body), body))
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def serve(announce):
    """Serves on 127.0.0.1 and a port the system picks, calls announce(port), then serves until cancelled."""
    server = await asyncio.start_server(_serve_connection, "127.0.0.1", 0)
    announce(server.sockets[0].getsockname()[1])
    async with server:
        await server.serve_forever()


class Client:
    """GETs from one host:port over kept-alive connections: one is taken (or opened) per request and given back."""

    def __init__(self, port):
        self._port = port
        self._idle = []

    async def get_text(self, path):
        reader, writer = self._idle.pop() if self._idle else await asyncio.open_connection("127.0.0.1", self._port)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self._port}\r\n\r\n".encode())
        status = await reader.readline()
        if status.split()[1:2] != [b"200"]:
            writer.close()
            raise ConnectionError(f"GET {path}: {status!r}")
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = await reader.readexactly(length)
        self._idle.append((reader, writer))
        return body.decode()

    async def aclose(self):
        for _, writer in self._idle:
            writer.close()
            await writer.wait_closed()
        self._idle.clear()
