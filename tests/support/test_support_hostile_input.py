"""What a careless or hostile client sent that once gave a 500: each now has a clear 4xx, and nothing is lost.

Found by fuzzing every endpoint and form (2026-12-04): a CSRF token beyond ASCII, a multipart body that does
not parse on the routes that take files, a NUL in a queue search, a signed link naming a ticket id past 64 bits.
"""

from __future__ import annotations

import httpx
import pytest
from itsdangerous import URLSafeSerializer
from support_harness import Live


def test_a_csrf_token_beyond_ascii_is_refused_as_a_wrong_one(live: Live) -> None:
    """``csrf_token=é`` in a form, or raw non-ASCII bytes in ``X-CSRF-Token``: 403, as for any wrong token."""
    with httpx.Client(base_url=live.url, timeout=10) as client:
        client.get("/support/login")
        answer = client.post("/support/login", data={"email": "a@example.com", "password": "b", "csrf_token": "é"})
        assert answer.status_code == 403
    agent = live.client()
    live.add_user("alex@example.com", "agent", "Alex Agent")
    agent.login("alex@example.com")
    answer = agent.post("/api/tickets", content=b'{"subject": "x"}',
                        headers={"content-type": "application/json", "x-csrf-token": "é".encode()})
    assert answer.status_code == 403


@pytest.mark.parametrize("body", [b"garbage", b"--BND\r\n\r\nx", b'--BND\r\nContent-Disposition: form-data\r\n\r\nx\r\n--BND--\r\n'])
def test_a_multipart_body_that_does_not_parse_is_a_400_on_the_routes_that_take_files(live: Live, body: bytes) -> None:
    """The ticket form and the private link's reply take files; a broken body there is a 400, and nothing is filed."""
    filed = live.file(subject="Has a private link")
    headers = {"content-type": "multipart/form-data; boundary=BND"}
    for path in ("/support/tickets/new", f"/support/t/{filed['token']}/reply", f"/api/t/{filed['token']}/attachments"):
        answer = httpx.post(live.url + path, content=body, headers=headers, timeout=10)
        assert answer.status_code in (400, 403), (path, answer.status_code, answer.text[:300])
    assert live.app.state.store.one("SELECT count(*) AS n FROM tickets")["n"] == 1


def test_a_nul_in_a_queue_search_finds_nothing_instead_of_failing(live: Live) -> None:
    """``q=a\\0b`` (three characters, so the trigram index would be asked): an empty page, no 500."""
    live.file(subject="Conveyor jammed at S07")
    live.add_user("alex@example.com", "agent", "Alex Agent")
    agent = live.client()
    agent.login("alex@example.com")
    answer = agent.get("/api/tickets", params={"q": "a\x00b", "status": "all"})
    assert answer.status_code in (200, 400, 422) and answer.status_code != 500
    if answer.status_code == 200:
        assert answer.json()["total"] == 0
    assert agent.get("/support/queue", params={"q": "S07\x00"}).status_code in (200, 400, 422)


@pytest.mark.parametrize("salt,path", [("satisfaction-rating", "/support/rate/{}"), ("address-proof", "/support/prove/{}"),
                                       ("ticket-mail-link", "/support/t/{}")])
def test_a_signed_link_naming_a_ticket_past_64_bits_is_not_found(live: Live, salt: str, path: str) -> None:
    """A correctly signed link (an old key's, or a leaked placeholder's) whose ticket id no database can hold: 404, not 500."""
    secret = live.app.state.settings.secret_key.get_secret_value()
    payload = {"satisfaction-rating": [2**64, "2026-12-01T00:00:00+00:00"], "address-proof": [2**64, "a@example.com", 1],
               "ticket-mail-link": [2**64, "abcdef0123456789"]}[salt]
    token = URLSafeSerializer(secret, salt=salt).dumps(payload)
    answer = httpx.get(live.url + path.format(token), timeout=10)
    assert 400 <= answer.status_code < 500, (path, answer.status_code)
