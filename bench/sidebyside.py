"""Two checkouts' backends side by side: ticket filing and quiz submission, rounds alternating.

``python -m bench.sidebyside BEFORE AFTER [--rounds N]``: each of BEFORE and AFTER is a checkout with
its own ``.venv`` (``make venv``); for example ``git worktree add ../before REV && make -C ../before venv``.
Each checkout prepares its own learners and attempts with its own code and serves them with its own
``bench.server``; one load generator (this checkout's) drives both, alternating which goes first in
each round, so a slow moment of the shared machine falls on both sides. Prints each round and the
medians, after / before.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import kbcorpus, quizbench, runner, synth
from bench.backend import ticket_requests
from bench.reload import fetch, free_port, wait_for

FILINGS, SUBMITS, WARMUP = 3000, 2000, 100


def _load(work: Path, port: int, requests: list[dict], count: int) -> dict:
    spec = work / "spec.json"
    spec.write_text(json.dumps({"host": "127.0.0.1", "port": port, "connections": 20, "count": count, "warmup": WARMUP,
                                "requests": requests, "keep_bodies": False, "interval_ms": 0}))
    out = runner.run([sys.executable, "-m", "bench.load", str(spec)], cwd=Path(__file__).parents[1])
    return json.loads(out.output.strip().splitlines()[-1])


def _prepare(root: Path, data: Path, portal_dir: Path, count: int, env: dict[str, str]) -> list[dict]:
    code = ("import json; from pathlib import Path; from bench import quizbench; "
            f"print(json.dumps(quizbench.prepare(Path({str(data)!r}), Path({str(portal_dir)!r}), {count})))")
    out = subprocess.run([str(root / ".venv/bin/python"), "-c", code], cwd=root, capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _failed(result: dict) -> int:
    return result["failures"] + sum(n for status, n in result["statuses"].items() if int(status) >= 400)


def main() -> None:
    """Prepare, start both servers, alternate the loads, print the ratios."""
    parser = argparse.ArgumentParser(prog="python -m bench.sidebyside", description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="portal-sidebyside-"))
    portal_dir = synth.make_portal(work / "portal-100", 100)
    pages = kbcorpus.kb_pages(2000)
    kbcorpus.write_export(work / "kb-site", pages)
    env = runner.env(PORTAL_SECRET_KEY=quizbench.SECRET, PORTAL_TODAY="2026-06-01")
    sides = {"before": args.before.resolve(), "after": args.after.resolve()}
    servers: dict[str, tuple[int, subprocess.Popen]] = {}
    submits: dict[str, list[dict]] = {}
    results: dict[str, dict[str, list[dict]]] = {name: {"filing": [], "quiz": []} for name in sides}
    try:
        for name, root in sides.items():
            data = work / f"data-{name}"
            data.mkdir()
            submits[name] = _prepare(root, data, portal_dir, args.rounds * (SUBMITS + WARMUP), env)
            port = free_port()
            log = (work / f"{name}.log").open("w")
            servers[name] = (port, subprocess.Popen(
                [str(root / ".venv/bin/python"), "-m", "bench.server", "portal", str(data), str(work / "kb-site"), str(portal_dir), str(port)],
                cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT))
            wait_for(lambda: fetch(f"http://127.0.0.1:{port}/api/openapi.json") is not None, 240, 0.2)
        size = SUBMITS + WARMUP
        for r in range(args.rounds):
            for name in (list(sides) if r % 2 == 0 else list(sides)[::-1]):
                port = servers[name][0]
                filing = _load(work, port, ticket_requests(pages[0]["id"]), FILINGS)
                quiz = _load(work, port, submits[name][r * size:(r + 1) * size], SUBMITS)
                results[name]["filing"].append(filing)
                results[name]["quiz"].append(quiz)
                print(f"round {r} {name:6s} filing {filing['rps']:7.0f}/s p99 {filing['p99_ms']:6.1f} ms   "
                      f"quiz {quiz['rps']:6.0f}/s p99 {quiz['p99_ms']:6.1f} ms   failed {_failed(filing)}/{_failed(quiz)}   "
                      f"load {os.getloadavg()[0]:.2f}", flush=True)
    finally:
        for _, proc in servers.values():
            proc.send_signal(signal.SIGINT)
            proc.wait(30)
    for kind in ("filing", "quiz"):
        for key in ("rps", "p99_ms"):
            before = statistics.median(r[key] for r in results["before"][kind])
            after = statistics.median(r[key] for r in results["after"][kind])
            print(f"{kind:6s} {key:6s} before {before:8.1f}  after {after:8.1f}  after/before {after / before:.3f}")


if __name__ == "__main__":
    main()
