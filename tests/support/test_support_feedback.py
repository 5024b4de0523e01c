"""'Was this page helpful?': readers rate a page from the site, may add a comment, and the reports show usefulness."""

from __future__ import annotations

from support_harness import Browser, Live

from support.kb import service as kb


def agent_reports(live: Live) -> Browser:
    """An agent's browser."""
    live.add_user("alex@example.com", "agent", "Alex Agent")
    agent = live.client()
    agent.login("alex@example.com")
    return agent


def test_a_rating_and_its_comment_reach_the_reports(live: Live) -> None:
    """Two readers rate a page (5 and 1), one adds a comment; the reports show 2 votes, 3.0 of 5 and the comment."""
    reader = live.client()
    first = reader.post("/api/feedback", json={"page": "/articles/operator/clear-conveyor-jam/", "title": "Clear a conveyor jam", "rating": 5})
    assert first.status_code == 201
    second = live.client().post("/api/feedback", json={"page": "/articles/operator/clear-conveyor-jam/", "title": "Clear a conveyor jam", "rating": 1})
    said = reader.post("/api/feedback/comment", json={"token": second.json()["token"], "comment": "Step 3 names the wrong valve"})
    assert said.status_code == 200
    assert reader.post("/api/feedback/comment", json={"token": second.json()["token"], "comment": "again"}).status_code == 404
    csv = agent_reports(live).get("/support/reports/page_usefulness.csv").text
    assert "/articles/operator/clear-conveyor-jam/,Clear a conveyor jam,,2,3.0,1" in csv
    page = live.clients[-1].get("/support/reports").text
    assert "Step 3 names the wrong valve" in page and "target: more than 4.5 of 5" in page


def test_ratings_are_checked_and_bounded(live: Live) -> None:
    """Out-of-range ratings and foreign pages are 422s naming the field; a forged token adds nothing; one client is capped."""
    reader = live.client()
    bad = reader.post("/api/feedback", json={"page": "/a/", "rating": 6})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "rating"]
    assert reader.post("/api/feedback", json={"page": "https://evil.example/", "rating": 5}).status_code == 422
    assert reader.post("/api/feedback/comment", json={"token": "forged", "comment": "hi"}).status_code == 404
    answers = [reader.post("/api/feedback", json={"page": "/a/", "rating": 5}).status_code for _ in range(kb.RATINGS_PER_CLIENT_HOUR + 3)]
    assert answers.count(201) == kb.RATINGS_PER_CLIENT_HOUR and answers[-1] == 429


def test_search_success_is_measured_from_what_readers_did(live: Live) -> None:
    """Three searches: one opened and left alone (success), one opened then a ticket from the same visit, one never opened.

    The report shows 1 of 3 succeeded next to the 90 % target, the unopened query on the to-do list, and the page
    opened before the ticket.
    """
    reader = live.client()
    found = reader.post("/api/searches", json={"visit": "visit-one-1234", "query": "scanner gun", "results": ["/articles/a/"]}).json()
    again = {"visit": "visit-one-1234", "query": "scanner gun", "results": ["/articles/a/"], "opened": "/articles/a/"}
    assert reader.post("/api/searches", json=again).json() == found  # the same search, now with the page opened
    reader.post("/api/searches", json={"visit": "visit-two-5678", "query": "conveyor jam", "results": ["/articles/b/"],
                                       "opened": "/articles/b/"})
    reader.post("/api/searches", json={"visit": "visit-two-5678", "query": "canteen menu", "results": []})
    live.file(visit="visit-two-5678")
    agent = agent_reports(live)
    assert agent.get("/support/reports/search_success.csv").text.splitlines()[1] == "3,1,0.333,1,1,no"
    assert "canteen menu,1,1" in agent.get("/support/reports/failing_searches.csv").text
    assert "/articles/b/,1" in agent.get("/support/reports/opened_then_filed.csv").text


def test_a_ticket_long_after_a_search_does_not_count_against_it(live: Live) -> None:
    """Only a ticket within half an hour of a search, from the same visit, marks the search as failed."""
    reader = live.client()
    reader.post("/api/searches", json={"visit": "visit-late-0001", "query": "torque", "results": ["/articles/t/"], "opened": "/articles/t/"})
    live.clock.advance(minutes=31)
    live.file(visit="visit-late-0001")
    assert agent_reports(live).get("/support/reports/search_success.csv").text.splitlines()[1].startswith("1,1,1.0,")
