"""Sessions end on the server, and sign-in is throttled without letting an attacker lock the owner out."""

from __future__ import annotations

import httpx
from support_harness import PASSWORD, Browser, Live

from support.accounts import throttle


def copy_of(live: Live, browser: Browser) -> Browser:
    """Another client holding a copy of ``browser``'s cookies (a stolen cookie)."""
    thief = live.client()
    for cookie in browser.cookies.jar:
        thief.cookies.set(cookie.name, cookie.value)
    return thief


def signed_in(live: Live, email: str = "olga@example.com", role: str = "requester") -> Browser:
    """A browser signed in to an account made for the test."""
    live.add_user(email, role)
    browser = live.client()
    browser.login(email)
    return browser


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(live: Live) -> None:
    """A cookie copied before signing out no longer signs anyone in afterwards."""
    olga = signed_in(live)
    thief = copy_of(live, olga)
    assert thief.get("/support/my").status_code == 200
    assert olga.form("/support/logout").status_code == 303
    assert thief.get("/support/my").status_code == 303
    assert thief.get("/api/session").json()["user"] is None


def test_changing_the_password_ends_the_other_sessions(live: Live) -> None:
    """After a password change the changing browser stays signed in; every other session ends."""
    olga = signed_in(live)
    other_device = live.client()
    other_device.login("olga@example.com")
    changed = olga.form("/support/account/password", {"current": PASSWORD, "new": "a new long password", "again": "a new long password"})
    assert (changed.status_code, changed.headers["location"]) == (303, "/support/account?changed=1")
    assert "You were signed out everywhere else" in olga.get(changed.headers["location"]).text
    assert other_device.get("/support/my").status_code == 303
    assert olga.get("/support/my").status_code == 200
    assert olga.form("/support/login", {"email": "olga@example.com", "password": PASSWORD}).status_code == 401
    olga.login("olga@example.com", "a new long password")


def test_a_wrong_current_password_changes_nothing(live: Live) -> None:
    """The change-password form names what is wrong and keeps the old password."""
    olga = signed_in(live)
    refused = olga.form("/support/account/password", {"current": "not it at all", "new": "short", "again": "short"})
    assert refused.status_code == 422
    assert "This is not your current password." in refused.text and "Use at least 8 characters." in refused.text
    live.client().login("olga@example.com")


def test_disabling_an_account_ends_its_sessions_on_the_server(live: Live) -> None:
    """Once disabled, no session row is left, and a re-enabled account must sign in again."""
    olga = signed_in(live)
    admin = signed_in(live, "ada@example.com", "admin")
    user_id = live.app.state.store.one("SELECT id FROM users WHERE email = 'olga@example.com'")["id"]
    admin.api("PATCH", f"/api/admin/users/{user_id}", {"disabled": True})
    assert live.app.state.store.one("SELECT count(*) AS n FROM sessions WHERE user_id = ?", [user_id])["n"] == 0
    admin.api("PATCH", f"/api/admin/users/{user_id}", {"disabled": False})
    assert olga.get("/support/my").status_code == 303


def test_sessions_expire_on_the_server(live: Live) -> None:
    """A session lasts ``session_max_age`` by the server's clock, whatever the cookie claims."""
    olga = signed_in(live)
    live.clock.advance(seconds=live.app.state.settings.session_max_age + 1)
    assert olga.get("/support/my").status_code == 303


def wrong(client: Browser, email: str = "olga@example.com") -> httpx.Response:
    """One sign-in with a wrong password."""
    return client.form("/support/login", {"email": email, "password": "wrong password!"})


def right(client: Browser, email: str = "olga@example.com") -> httpx.Response:
    """One sign-in with the right password."""
    return client.form("/support/login", {"email": email, "password": PASSWORD})


def test_guessing_a_password_is_throttled_with_retry_after(live: Live) -> None:
    """After a few wrong passwords every try, the right one too, gets 429 with Retry-After, and the wait grows."""
    live.add_user("olga@example.com", "requester")
    attacker = live.client()
    answers = [wrong(attacker).status_code for _ in range(40)]
    assert answers[: throttle.FREE["pair"]] == [401] * throttle.FREE["pair"]
    assert 429 in answers
    refused = right(attacker)
    assert refused.status_code == 429 and "Too many failed sign-ins" in refused.text
    first_wait = int(refused.headers["retry-after"])
    live.clock.advance(seconds=first_wait)
    assert wrong(attacker).status_code == 401
    second_wait = int(right(attacker).headers["retry-after"])
    assert second_wait == 2 * first_wait
    live.clock.advance(seconds=second_wait)
    assert right(attacker).status_code == 303


def test_lockouts_are_capped(live: Live) -> None:
    """However many failures, the wait never exceeds ``throttle.MAX_LOCK``."""
    live.add_user("olga@example.com", "requester")
    attacker, failures = live.client(), 0
    while failures < 20:  # waiting out each lockout, as a patient attacker would
        if wrong(attacker).status_code == 429:
            live.clock.advance(seconds=throttle.MAX_LOCK)
        else:
            failures += 1
    assert int(right(attacker).headers["retry-after"]) == throttle.MAX_LOCK
    live.clock.advance(seconds=throttle.MAX_LOCK)
    assert right(attacker).status_code == 303


def test_one_client_guessing_many_accounts_is_throttled(live: Live) -> None:
    """Spraying one password over many accounts from one address trips the per-client limit."""
    attacker = live.client()
    answers = [wrong(attacker, f"user{n}@example.com").status_code for n in range(throttle.FREE["client"] + 1)]
    assert answers[-1] == 401 and wrong(attacker, "another@example.com").status_code == 429


def test_the_owners_known_browser_is_not_locked_out_by_others_failures(live: Live) -> None:
    """Failures from many addresses lock the account for unknown browsers, not for one that signed in to it before."""
    live.add_user("olga@example.com", "requester")
    owner = live.client()
    right(owner)
    owner.form("/support/logout")
    now = live.clock()
    for n in range(throttle.FREE["account"] + 3):  # as if from many addresses: the per-pair and per-client keys stay cold
        throttle.record_failure(live.app.state.store, "olga@example.com", f"10.0.0.{n}", now)
    assert right(live.client()).status_code == 429  # a new browser waits
    assert right(owner).status_code == 303  # the owner's browser, which signed in before, does not
