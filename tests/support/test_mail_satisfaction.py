"""Satisfaction: the resolved mail's signed link rates the resolution 1-5 without signing in, once; the report shows it."""

from __future__ import annotations

from mail_harness import SmtpServer
from support_harness import Browser, Live
from test_mail_out import link_path


def resolve_and_get_link(live: Live, smtp: SmtpServer, agent: Browser, ticket_id: int, mails_before: int) -> str:
    """Resolve the ticket; the rating link's path (score 4) from the mail that says so."""
    assert agent.api("PATCH", f"/api/tickets/{ticket_id}", {"status": "resolved"}).status_code == 200
    resolved = smtp.sink.wait_for(mails_before + 1, address="olga@example.com")[-1]
    assert "Rate the support" in resolved.text and "?score=5" in resolved.html
    return link_path(resolved.text, "/support/rate/").split("?")[0]


def test_the_requester_rates_a_resolution_once_and_the_report_shows_it(mail_live: Live, smtp: SmtpServer,
                                                                        mail_agent: Browser) -> None:
    """A 4 with a comment is recorded; the second try is refused; the report gives the average beside the 4.0 target."""
    ticket_id = mail_live.file()["ticket"]["id"]
    rate = resolve_and_get_link(mail_live, smtp, mail_agent, ticket_id, 1)
    requester = mail_live.client()
    form = requester.get(rate + "?score=4")
    assert form.status_code == 200 and 'value="4" checked' in form.text
    thanked = requester.form(rate, {"score": "4", "comment": "Quick and clear."})
    assert thanked.status_code == 200 and "your rating is recorded" in thanked.text
    again = requester.form(rate, {"score": "1"})
    assert again.status_code == 409 and "rated already for this resolution" in again.text
    report = mail_agent.get("/api/reports/tickets").json()
    assert report["satisfaction"]["rows"][0] == ["all", 1, 100.0, 4.0, 4.0, 0, 0, 0, 1, 0]
    assert report["satisfaction_comments"]["rows"][0][:4] == [ticket_id, 4, "", "Quick and clear."]
    assert "Satisfaction (target: average above 4.0 of 5)" in mail_agent.get("/support/reports").text


def test_a_reopened_and_resolved_again_ticket_can_be_rated_again(mail_live: Live, smtp: SmtpServer, mail_agent: Browser) -> None:
    """Once per resolution: the second resolution's mail carries a new link that takes a new rating."""
    filed = mail_live.file()
    first = resolve_and_get_link(mail_live, smtp, mail_agent, filed["ticket"]["id"], 1)
    mail_live.client().form(first, {"score": "2"})
    mail_live.clock.advance(hours=1)
    mail_live.client().form(f"/support/t/{filed['token']}/reply", {"body": "It jammed again."})
    second = resolve_and_get_link(mail_live, smtp, mail_agent, filed["ticket"]["id"], 2)
    assert second != first
    assert mail_live.client().form(second, {"score": "5"}).status_code == 200
    assert mail_agent.get("/api/reports/tickets").json()["satisfaction"]["rows"][0][:4] == ["all", 2, 100.0, 3.5]


def test_bad_ratings_and_links_are_answered_plainly(mail_live: Live, smtp: SmtpServer, mail_agent: Browser) -> None:
    """No score or 7: the form again with the reason and the comment kept; a forged link: 404; nothing stored."""
    rate = resolve_and_get_link(mail_live, smtp, mail_agent, mail_live.file()["ticket"]["id"], 1)
    requester = mail_live.client()
    for score in ("", "7", "x"):
        answer = requester.form(rate, {"score": score, "comment": "Kept text"})
        assert answer.status_code == 422 and "Kept text" in answer.text and 'id="score-error"' in answer.text
    assert requester.get(rate + "tampered").status_code == 404
    assert requester.get("/support/rate/%00").status_code == 404
    assert mail_live.app.state.store.one("SELECT count(*) AS n FROM ratings")["n"] == 0


def test_the_satisfaction_report_covers_a_range_of_days(mail_live: Live, smtp: SmtpServer, mail_agent: Browser) -> None:
    """``from``/``to`` keep the ratings given in those days; a bad or reversed date is named (422), on the page and in the API."""
    first = resolve_and_get_link(mail_live, smtp, mail_agent, mail_live.file()["ticket"]["id"], 1)
    mail_live.client().form(first, {"score": "2", "comment": "Slow."})
    mail_live.clock.advance(days=10)
    second = resolve_and_get_link(mail_live, smtp, mail_agent, mail_live.file(requester_email="olga@example.com")["ticket"]["id"], 3)
    mail_live.client().form(second, {"score": "5", "comment": "Fast."})
    day = mail_live.clock().date()
    recent = mail_agent.get(f"/api/reports/satisfaction?from={day.isoformat()}&to={day.isoformat()}").json()
    assert recent["satisfaction"]["rows"][0] == ["all", 1, 100.0, 5.0, 4.0, 0, 0, 0, 0, 1]
    assert [r[3] for r in recent["satisfaction_comments"]["rows"]] == ["Fast."]
    assert mail_agent.get("/api/reports/satisfaction").json()["satisfaction"]["rows"][0][:4] == ["all", 2, 100.0, 3.5]
    page = mail_agent.get(f"/support/reports/satisfaction?from={day.isoformat()}")
    assert page.status_code == 200 and "Fast." in page.text and "Slow." not in page.text
    assert f"satisfaction.csv?from={day.isoformat()}" in page.text
    csv = mail_agent.get(f"/support/reports/satisfaction/satisfaction_comments.csv?to={(day.replace(day=day.day - 1)).isoformat()}")
    assert "Slow." in csv.text and "Fast." not in csv.text
    bad = mail_agent.get("/support/reports/satisfaction?from=2026-13-45")
    assert bad.status_code == 422 and 'id="from-error"' in bad.text and 'value="2026-13-45"' in bad.text
    reversed_ = mail_agent.get("/api/reports/satisfaction?from=2026-12-05&to=2026-12-01")
    assert reversed_.status_code == 422 and "to" in reversed_.text and "is before from" in reversed_.text
