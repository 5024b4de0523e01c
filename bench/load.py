"""A small HTTP/1.1 load generator: N keep-alive connections, a bounded number of requests.

Run in its own process so the server under test gets its own core's worth of time:
``python -m bench.load SPEC.json`` where the spec holds ``host``, ``port``, ``connections``,
``count``, ``warmup`` and ``requests`` (a list of ``{method, path, headers, body}`` cycled in
order; ``{i}`` in a path or body becomes the request number, counted on from the warm-up, so
no request is sent twice). It prints one JSON line:
throughput, latency percentiles (ms), status counts and failures.

By default each connection sends its next request as soon as the last one is answered: the
server is kept busy, which measures throughput. With ``interval_ms`` each connection is a user
who sends one request per interval (from a random phase), which measures the latency people see
while others use the server too. A request sent late because the previous one was slow is timed
from when it was due, so a slow server cannot hide its queue by slowing the load down.

It speaks raw HTTP over asyncio streams instead of using an HTTP client library, so that on a
two-core machine the client's own overhead takes as little CPU from the server as possible.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections import Counter
from typing import Any


def _encode(spec: dict[str, Any], request: dict[str, Any], i: int) -> bytes:
    body = request.get("body")
    data = b"" if body is None else (body if isinstance(body, str) else json.dumps(body)).replace("{i}", str(i)).encode()
    headers = {"Host": f"{spec['host']}:{spec['port']}", "Connection": "keep-alive", **request.get("headers", {})}
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
        headers["Content-Length"] = str(len(data))
    head = f"{request.get('method', 'GET')} {request['path'].replace('{i}', str(i))} HTTP/1.1\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode() + b"\r\n" + data


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if fields.get("transfer-encoding") == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                return status, body
            body += chunk[:-2]
    return status, await reader.readexactly(int(fields.get("content-length", 0)))


class Load:
    """Shared state of one run: the next request number and what came back."""

    def __init__(self, spec: dict[str, Any]):
        self.spec = spec
        self.next = 0
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.failures: list[str] = []
        self.bodies: dict[int, bytes] = {}

    async def worker(self, total: int, record: bool) -> None:
        reader = writer = None
        interval = self.spec.get("interval_ms", 0) / 1000
        due = time.perf_counter() + random.uniform(0, interval)
        while self.next < total:
            if interval:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                if self.next >= total:
                    break
            i, self.next = self.next, self.next + 1
            request = self.spec["requests"][i % len(self.spec["requests"])]
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(self.spec["host"], self.spec["port"])
                started = min(time.perf_counter(), due) if interval else time.perf_counter()
                due += interval
                writer.write(_encode(self.spec, request, i))
                status, body = await _response(reader)
                elapsed = time.perf_counter() - started
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                self.failures.append(f"{type(exc).__name__}: {exc}"[:200])
                writer = None
                continue
            if record:
                self.latencies.append(elapsed)
                self.statuses[status] += 1
                if self.spec.get("keep_bodies"):
                    self.bodies[i] = body
        if writer is not None:
            writer.close()


def _pct(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))], 2)


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    """Warm up, then send ``count`` requests over ``connections`` connections; the measured figures."""
    load = Load(spec)
    connections, warmup = spec.get("connections", 20), spec.get("warmup", 0)
    await asyncio.gather(*(load.worker(warmup, False) for _ in range(connections)))
    started = time.perf_counter()
    await asyncio.gather(*(load.worker(warmup + spec["count"], True) for _ in range(connections)))
    seconds = time.perf_counter() - started
    ok = sum(n for status, n in load.statuses.items() if status < 400)
    return {
        "requests": len(load.latencies), "seconds": round(seconds, 3), "rps": round(len(load.latencies) / seconds, 1),
        "p50_ms": _pct(load.latencies, 50), "p95_ms": _pct(load.latencies, 95), "p99_ms": _pct(load.latencies, 99),
        "max_ms": _pct(load.latencies, 100), "ok": ok, "statuses": {str(k): v for k, v in load.statuses.items()},
        "failures": len(load.failures), "failure_samples": load.failures[:3],
        "bodies": {str(k): v.decode("utf-8", "replace") for k, v in load.bodies.items()},
    }


def main() -> None:
    """``python -m bench.load SPEC.json``: print the results as one JSON line."""
    with open(sys.argv[1], encoding="utf-8") as file:
        spec = json.load(file)
    print(json.dumps(asyncio.run(run(spec))))


if __name__ == "__main__":
    main()
