"""deploy/nginx/portal.conf as the guide ships it, run by Debian's nginx in front of a real backend on 127.0.0.1.

The test's requests leave from 127.0.0.2 and 127.0.0.3 (all of 127/8 is the loopback), so the client nginx
sees differs from nginx's own address, which is what the backend sees as its peer.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from support_harness import PASSWORD, Live, free_port, start_server, stop_server
from test_support_accesslog import lines_within

from support.web.accesslog import AccessLog
from support.web.security import SITE_CSP

NGINX = Path("/usr/sbin/nginx")
CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "portal.conf"
pytestmark = pytest.mark.skipif(not NGINX.exists(), reason="Debian's nginx is not installed (bash scripts/test-deps.sh)")

MAIN = """worker_processes 1;
{user}pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    include {dir}/portal.conf;
}}
"""


@dataclass
class Proxied:
    """nginx in front of a backend."""

    live: Live
    url: str
    folder: Path
    backend_log: io.StringIO

    def client(self, source: str = "127.0.0.2") -> httpx.Client:
        """A client whose connections leave from ``source``."""
        return httpx.Client(base_url=self.url, transport=httpx.HTTPTransport(local_address=source), timeout=10)


def nginx_config(folder: Path, site: Path, nginx_port: int, backend_port: int) -> Path:
    """The shipped server block with the test's paths and ports, inside a minimal main configuration."""
    text = CONF.read_text(encoding="utf-8")
    for shipped, here in (("listen 80;", f"listen 127.0.0.1:{nginx_port};"), ("root /srv/portal/site;", f"root {site};"),
                          ("server 127.0.0.1:8000;", f"server 127.0.0.1:{backend_port};"),
                          ("/var/log/nginx/portal.access.log", f"{folder}/access.log")):
        assert shipped in text, shipped
        text = text.replace(shipped, here)
    (folder / "portal.conf").write_text(text, encoding="utf-8")
    (folder / "tmp").mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""  # the workers must read the test's private temporary folder
    (folder / "nginx.conf").write_text(MAIN.format(dir=folder, user=user), encoding="utf-8")
    return folder / "nginx.conf"


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[Proxied]:
    """The backend (trusting 127.0.0.1, JSON access lines) and nginx with the shipped configuration in front of it."""
    out = io.StringIO()
    server, thread, live = start_server(tmp_path / "backend", wrap=lambda app: AccessLog(app, stream=out, json_lines=True),
                                        trusted_proxies="127.0.0.1")
    (live.site_dir / "404.html").write_text("<!doctype html><title>Not found</title><h1>Page not found</h1>")
    folder, port = tmp_path / "nginx", free_port()
    folder.mkdir()
    conf = nginx_config(folder, live.site_dir, port, int(live.url.rsplit(":", 1)[1]))
    checked = subprocess.run([NGINX, "-t", "-p", folder, "-c", conf], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    with open(folder / "stderr.log", "w") as stderr:
        nginx = subprocess.Popen([NGINX, "-p", folder, "-c", conf, "-g", "daemon off;"], stderr=stderr)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", nginx, folder / "stderr.log")
        yield Proxied(live, f"http://127.0.0.1:{port}", folder, out)
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        stop_server(server, thread, live)


def wait_for(url: str, process: subprocess.Popen, stderr: Path) -> None:
    """Until ``url`` answers, or fail with nginx's own words."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx stopped: {stderr.read_text()}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    pytest.fail("nginx did not answer within 10 s")


def test_nginx_serves_the_site_with_its_headers_and_proxies_support_and_api(proxied: Proxied) -> None:
    """/ from disk (the site's CSP and no framing), /support pages and /api JSON from the backend, /metrics not at all."""
    with proxied.client() as client:
        home = client.get("/")
        assert (home.status_code, home.headers["content-security-policy"], home.headers["x-frame-options"]) == (200, SITE_CSP, "DENY")
        assert "Line 4 portal" in home.text and "server" not in {k for k in home.headers if home.headers[k].startswith("nginx/")}
        missing = client.get("/no/such/page/")
        assert (missing.status_code, "Page not found" in missing.text) == (404, True)
        login = client.get("/support/login")
        assert login.status_code == 200 and 'name="password"' in login.text
        assert login.headers["cache-control"] == "no-store"  # the backend's headers, passed through
        session = client.get("/api/session")
        assert session.status_code == 200 and "csrf_token" in session.json()
        filed = client.post("/api/tickets", json={"subject": "Conveyor jammed at station 3", "requester_email": "olga@example.com",
                                                  "description": "The conveyor stopped with alarm E-204 and will not restart."})
        assert filed.status_code == 201, filed.text
        assert client.get("/readyz").json()["status"] == "ready"
        assert client.get("/metrics").status_code == 404


def test_the_backend_logs_the_real_client_and_nginx_request_id(proxied: Proxied) -> None:
    """The JSON access line names the address nginx saw, not nginx's, and the same request id nginx logged and sent back."""
    with proxied.client("127.0.0.3") as client:
        response = client.get("/api/session", headers={"X-Forwarded-For": "198.51.100.9"})  # a client's own claim: replaced
    line = json.loads(lines_within(proxied.backend_log, 1)[-1])
    assert (line["client"], line["route"], line["request_id"]) == ("127.0.0.3", "/api/session", response.headers["x-request-id"])
    time.sleep(0.2)  # nginx writes its access line after the answer
    nginx_line = (proxied.folder / "access.log").read_text().splitlines()[-1]
    assert nginx_line.startswith("127.0.0.3 ") and f"rid={response.headers['x-request-id']}" in nginx_line


def test_the_sign_in_throttle_sees_each_client_behind_nginx(proxied: Proxied) -> None:
    """Failed sign-ins from one client lock that client out, not everyone behind the proxy; a forged header changes nothing."""
    proxied.live.add_user("olga@example.com", "requester")

    def attempt(client: httpx.Client, password: str = "wrong password!", **headers: str) -> int:
        token = client.get("/api/session").json()["csrf_token"]
        form = {"email": "olga@example.com", "password": password, "csrf_token": token}
        return client.post("/support/login", data=form, headers=headers).status_code

    with proxied.client("127.0.0.2") as first, proxied.client("127.0.0.3") as second:
        statuses = [attempt(first) for _ in range(7)]
        assert statuses[:5] == [401] * 5 and statuses[-1] == 429
        assert attempt(first, **{"X-Forwarded-For": "203.0.113.50"}) == 429
        assert attempt(second, PASSWORD, Origin=proxied.url) == 303  # signed in: the origin check sees nginx's Host, port and all
