"""A rolling restart behind nginx: two instances on one PostgreSQL database, each drained, restarted and put back
in turn while tickets are filed through nginx: no request fails and every acknowledged ticket is in the database."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
from support_harness import free_port, make_site
from test_deployment_nginx import NGINX, nginx_config, wait_for
from test_several_instances import start_backend

from support.migrations import open_portal_store

pytestmark = [pytest.mark.postgresql_only, pytest.mark.skipif(not NGINX.exists(), reason="Debian's nginx is not installed")]
FILERS = 4


def upstream(conf: Path, ports: list[int], down: int | None) -> None:
    """Point the shipped upstream at both instances, one of them marked ``down`` (drained), and keep the rest."""
    text = conf.read_text(encoding="utf-8")
    start = text.index("upstream portal_backend {")
    end = text.index("}", start)
    servers = "".join(f"    server 127.0.0.1:{p}{' down' if p == down else ''};\n" for p in ports)
    conf.write_text(text[:start] + "upstream portal_backend {\n" + servers + "    keepalive 16;\n" + text[end:], encoding="utf-8")


def test_instances_restarted_one_after_the_other_lose_nothing(tmp_path: Path, database: str) -> None:
    """Drain A in nginx, restart it, put it back; then B: every filing answers 201 and is found afterwards."""
    site = make_site(tmp_path)
    ports = [free_port(), free_port()]
    instances = [start_backend(tmp_path, name, database, site, port)[0] for name, port in zip("ab", ports)]
    folder, port = tmp_path / "nginx", free_port()
    folder.mkdir()
    conf = nginx_config(folder, site, port, ports[0])
    upstream(folder / "portal.conf", ports, None)
    with open(folder / "stderr.log", "w") as stderr:
        nginx = subprocess.Popen([NGINX, "-p", folder, "-c", conf, "-g", "daemon off;"], stderr=stderr)
    acknowledged: list[int] = []
    failures: list[str] = []
    stop = threading.Event()

    def file() -> None:
        body = {"subject": "Conveyor jammed at station 3", "description": "It stopped with alarm E-204.",
                "requester_email": "olga@example.com", "requester_name": "Olga Operator"}
        # a connection per request: a reload closes nginx's own idle client connections, and a request sent on one
        # just as it closes gets no answer; browsers send it again, httpx does not (nginx's part, not the instances')
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30, headers={"Connection": "close"}) as client:
            while not stop.is_set():
                try:
                    response = client.post("/api/tickets", json=body)
                except httpx.TransportError as exc:
                    failures.append(repr(exc))
                    continue
                if response.status_code == 201:
                    acknowledged.append(response.json()["ticket"]["id"])
                else:
                    failures.append(f"{response.status_code} {response.text[:200]}")

    filers = [threading.Thread(target=file) for _ in range(FILERS)]
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", nginx, folder / "stderr.log")
        for filer in filers:
            filer.start()
        time.sleep(1)
        for n, name in enumerate("ab"):
            upstream(folder / "portal.conf", ports, down=ports[n])  # blue-green: take it out of nginx first
            nginx.send_signal(signal.SIGHUP)  # a reload: old workers finish their requests, new ones skip the instance
            time.sleep(1)
            instances[n].send_signal(signal.SIGTERM)
            instances[n].wait(timeout=30)
            instances[n] = start_backend(tmp_path, name, database, site, ports[n])[0]
            upstream(folder / "portal.conf", ports, None)
            nginx.send_signal(signal.SIGHUP)
            time.sleep(1)
    finally:
        stop.set()
        for filer in filers:
            filer.join(timeout=30)
        nginx.terminate()
        nginx.wait(timeout=10)
    store = open_portal_store(database)
    try:
        ids = {r["id"] for r in store.all("SELECT id FROM tickets")}
    finally:
        store.close()
        for process in instances:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    assert failures == []
    assert len(acknowledged) > 100 and set(acknowledged) <= ids and len(set(acknowledged)) == len(acknowledged)
