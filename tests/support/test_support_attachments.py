"""Attachments: filed with the form, added through the API, by agents and by mail; limits, types, who may fetch, backup."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from support_harness import PASSWORD, Live, form_id_from, start_server, stop_server
from test_mail_in import read_all
from test_support_cli import run

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
LIMITS = {"attachment_max_bytes": 64 * 1024, "attachment_ticket_max_bytes": 100 * 1024,
          "attachment_types": "png,txt,log,svg", "mail_in_seconds": 0.05}


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Live]:
    """A backend whose attachment limits are small (64 kB a file, 100 kB a ticket) and that allows SVG."""
    server, thread, running = start_server(tmp_path, **LIMITS)
    yield running
    stop_server(server, thread, running)


def file_form(live: Live, files: list[tuple[str, bytes]], subject: str = "Scanner shows E-17"):
    """Post the ticket form with ``files`` as its attachments (anonymously); the response."""
    client = live.client()
    page = client.get("/support/tickets/new")
    data = {"csrf_token": client.csrf(), "form_id": form_id_from(page.text), "subject": subject, "action": "file",
            "description": "The scanner at gate 2 beeps twice and shows E-17.", "requester_email": "olga@example.com",
            "category": "Problem", "priority": "P3"}
    return client, client.post("/support/tickets/new", data=data, files=[("attachments", f) for f in files])


def tickets(live: Live) -> int:
    return live.app.state.store.one("SELECT COUNT(*) AS n FROM tickets")["n"]


def test_access_matrix_of_a_file_filed_with_the_form(small: Live) -> None:
    """The requester (private link or account) and agents get the file as a sandboxed download; another requester and
    anonymous callers do not."""
    small.add_user("olga@example.com", "requester", "Olga")
    small.add_user("peter@example.com", "requester", "Peter")
    small.add_user("alex@example.com", "agent", "Alex")
    owner, filed = file_form(small, [("../../etc/<shot>.png", PNG), ("scan.log", b"E-17 at 08:00\n")])
    assert filed.status_code == 303, filed.text
    private = owner.get(filed.headers["location"]).text
    assert "etc/" not in private and "shot_.png" in private
    token = filed.headers["location"].rsplit("/", 1)[1]
    [png, log] = small.app.state.store.all("SELECT * FROM attachments ORDER BY id")
    assert (png["name"], log["name"], png["size"]) == ("shot_.png", "scan.log", len(PNG))
    got = owner.get(f"/support/t/{token}/files/{png['id']}/x")
    assert (got.status_code, got.content, got.headers["content-type"]) == (200, PNG, "image/png")
    assert got.headers["content-disposition"].startswith('attachment; filename="shot_.png"')
    assert (got.headers["x-content-type-options"], got.headers["content-security-policy"]) == ("nosniff", "default-src 'none'; sandbox")
    ticket_id = png["ticket_id"]
    agent, other, olga = small.client(), small.client(), small.client()
    agent.login("alex@example.com")
    other.login("peter@example.com")
    olga.login("olga@example.com")
    assert olga.form(f"/support/t/{token}/claim").status_code == 303
    url = f"/support/tickets/{ticket_id}/files/{log['id']}/scan.log"
    assert agent.get(url).content == b"E-17 at 08:00\n"
    assert olga.get(url).content == b"E-17 at 08:00\n"
    assert other.get(url).status_code == 404
    assert small.client().get(url).status_code == 303  # anonymous: to the login page
    assert small.client().get(f"/support/t/{token}/files/{log['id']}/x").status_code == 404  # the link changed when claimed
    assert other.get(f"/support/tickets/{ticket_id + 1}/files/{log['id']}/x").status_code == 404


def test_limits_and_types_are_refused_naming_the_field_and_nothing_is_filed(small: Live) -> None:
    """Too large a file (413), too much for a ticket (413), a type not allowed, an HTML page named .png (422): the form
    comes back with the text kept and the error beside the file field; no ticket is filed."""
    cases = [([("big.png", PNG + b"x" * 70_000)], 413, "big.png is larger than 64 kB, the limit per file"),
             ([("a.png", PNG + b"a" * 60_000), ("b.png", PNG + b"b" * 60_000)], 413, "the limit per ticket is 100 kB"),
             ([("tool.exe", b"MZ....")], 422, "tool.exe cannot be attached: the types allowed are png, txt, log, svg"),
             ([("shot.png", b"<html><script>alert(1)</script></html>")], 422, "shot.png is not a PNG image"),
             ([("empty.txt", b"")], 422, "empty.txt is empty")]
    for files, status, message in cases:
        _, response = file_form(small, files)
        assert response.status_code == status, (files[0][0], response.text)
        assert 'id="attachments-error">' in response.text and message in response.text
        assert "Scanner shows E-17" in response.text
    assert tickets(small) == 0


def test_api_uploads_by_token_and_by_session_count_toward_the_ticket_limit(small: Live) -> None:
    """Multipart ``file`` parts attach to a ticket through its token or a signed-in session; past the limit, a JSON 413."""
    filed = small.file()
    client = small.client()
    url = f"/api/t/{filed['token']}/attachments"
    added = client.post(url, data={"csrf_token": client.csrf()}, files=[("file", ("notes.txt", b"a" * 60_000))])
    assert added.status_code == 201 and [a["name"] for a in added.json()] == ["notes.txt"]
    refused = client.post(url, data={"csrf_token": client.csrf()}, files=[("file", ("more.txt", b"b" * 60_000))])
    assert refused.status_code == 413
    assert refused.json() == {"detail": "file: more.txt would bring the ticket's attachments to 117 kB; the limit per ticket is 100 kB"}
    assert client.post(url, files=[("file", ("x.txt", b"x"))]).status_code == 403  # no CSRF token
    assert client.post(url, data={"csrf_token": client.csrf()}).json()["detail"].startswith("file: no file was sent")
    small.add_user("alex@example.com", "agent", "Alex")
    agent = small.client()
    agent.login("alex@example.com")
    ticket = agent.get(f"/api/tickets/{filed['ticket']['id']}").json()
    assert [a["name"] for a in ticket["attachments"]] == ["notes.txt"]
    assert any(h["field"] == "attachment" for h in ticket["history"])


def test_agent_reply_attaches_a_file_that_an_internal_note_keeps_from_the_requester(small: Live) -> None:
    """An agent's reply carries its file to the requester's view; a file on an internal note stays with the agents."""
    filed = small.file()
    small.add_user("alex@example.com", "agent", "Alex")
    agent = small.client()
    agent.login("alex@example.com")
    ticket_id = filed["ticket"]["id"]
    for body, internal, name in (("Try this setting.", None, "fix.txt"), ("Looks like a known fault.", "on", "secret.log")):
        data = {"csrf_token": agent.csrf(), "body": body, **({"internal": internal} if internal else {})}
        assert agent.post(f"/support/tickets/{ticket_id}/reply", data=data, files=[("attachments", (name, b"data"))]).status_code == 303
    view = small.client().get(f"/api/t/{filed['token']}").json()
    assert [a["name"] for a in view["attachments"]] == ["fix.txt"]
    [secret] = small.app.state.store.all("SELECT id FROM attachments WHERE name = 'secret.log'")
    assert small.client().get(f"/support/t/{filed['token']}/files/{secret['id']}/x").status_code == 404


@pytest.mark.sqlite_only
def test_backup_carries_the_files_and_restore_puts_them_back(small: Live, tmp_path: Path) -> None:
    """``portal backup`` copies the attached files into the backup; ``portal restore`` writes them to the attachment folder."""
    _, filed = file_form(small, [("shot.png", PNG)])
    assert filed.status_code == 303
    copy = tmp_path / "backup.db"
    result = run("backup", str(copy), "--data-dir", str(small.data_dir))
    assert "and 1 attached file(s)" in result.output
    shutil.rmtree(small.data_dir / "attachments")
    restored = run("restore", str(copy), "--data-dir", str(small.data_dir))
    assert restored.exit_code == 0 and "1 attached file(s) written" in restored.output
    [row] = small.app.state.store.all("SELECT * FROM attachments")
    assert (small.data_dir / "attachments" / row["sha256"][:2] / row["sha256"]).read_bytes() == PNG


def test_mail_in_stores_the_attached_files_and_notes_those_refused(small: Live) -> None:
    """A mailed photo and log are attached to the ticket the mail opens; a refused type is named in its text."""
    from email.message import EmailMessage
    import time
    import uuid
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "olga@example.com", "support@plant.example", "Label printer jam"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@mail.example.com>"
    message.set_content("The label printer jams on every third label; photo and log attached.")
    message.add_attachment(PNG, maintype="image", subtype="png", filename="jam.png")
    message.add_attachment(b"jam at 08:01\n", maintype="text", subtype="plain", filename="printer.log")
    message.add_attachment(b"MZ", maintype="application", subtype="octet-stream", filename="driver.exe")
    inbox = small.data_dir / "inbox"
    for part in ("tmp", "new", "cur"):
        (inbox / part).mkdir(parents=True, exist_ok=True)
    name = f"{time.time():.6f}.{uuid.uuid4().hex}.test"
    (inbox / "tmp" / name).write_bytes(message.as_bytes())
    (inbox / "tmp" / name).rename(inbox / "new" / name)
    [row] = read_all(small, 1)
    files = small.app.state.store.all("SELECT name FROM attachments WHERE ticket_id = ?", [row["ticket_id"]])
    assert [f["name"] for f in files] == ["jam.png", "printer.log"]
    description = small.app.state.store.one("SELECT description FROM tickets WHERE id = ?", [row["ticket_id"]])["description"]
    assert "(attachment not kept: driver.exe cannot be attached" in description
