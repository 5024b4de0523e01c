"""Accessible markup on every backend page type: lang, one h1, landmarks, a label for every control."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from support_harness import Browser, Live


class Audit(HTMLParser):
    """Collects what the checks need from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.label_for: set[str] = set()
        self.open_labels = 0
        self.wrapped: set[int] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "label":
            self.open_labels += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
        if tag in ("input", "select", "textarea") and self.open_labels:
            self.wrapped.add(len(self.tags))
        self.tags.append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.open_labels -= 1

    def unlabelled(self) -> list[str]:
        """Form controls with neither a label nor an aria-label."""
        missing = []
        for index, (tag, attrs) in enumerate(self.tags):
            if tag not in ("input", "select", "textarea") or attrs.get("type") in ("hidden", "submit"):
                continue
            if index not in self.wrapped and attrs.get("id") not in self.label_for and not attrs.get("aria-label"):
                missing.append(f"{tag} name={attrs.get('name')}")
        return missing


def pages(live: Live, agent: Browser) -> dict[str, str]:
    """HTML of each page type."""
    filed = live.file(page_id="clear-conveyor-jam", page_title="Clear a conveyor jam")
    ticket_id = filed["ticket"]["id"]
    live.add_user("ada@example.com", "admin")
    admin = live.client()
    admin.login("ada@example.com")
    anon = live.client()
    return {
        "home": anon.get("/support/").text,
        "login": anon.get("/support/login").text,
        "ticket form": anon.get("/support/tickets/new?page_title=X").text,
        "ticket form with suggestions": anon.form("/support/tickets/new", {"subject": "conveyor jam", "description": "jam",
                                                                            "action": "suggest"}).text,
        "private ticket": anon.get(f"/support/t/{filed['token']}?filed=1").text,
        "error": anon.get("/support/nothing-here").text,
        "queue": agent.get("/support/queue").text,
        "agent ticket": agent.get(f"/support/tickets/{ticket_id}?kbq=plc").text,
        "articles": admin.get("/support/articles").text,
        "article": agent.get("/support/articles/clear-conveyor-jam").text,
        "reports": agent.get("/support/reports").text,
        "users": admin.get("/support/admin/users").text,
        "my tickets": agent.get("/support/my").text,
    }


@pytest.fixture
def all_pages(live: Live, agent: Browser) -> dict[str, str]:
    """Every page type, rendered once."""
    return pages(live, agent)


def test_every_page_has_lang_one_h1_and_landmarks(all_pages: dict[str, str]) -> None:
    """Each page declares its language, has exactly one h1, a banner, a nav and a main."""
    for name, html in all_pages.items():
        audit = Audit()
        audit.feed(html)
        tags = [t for t, _ in audit.tags]
        assert html.startswith('<!doctype html>\n<html lang="en">'), name
        assert tags.count("h1") == 1, name
        assert {"header", "nav", "main", "footer"} <= set(tags), name


def test_every_form_control_has_a_label(all_pages: dict[str, str]) -> None:
    """No input, select or textarea on any page lacks a label."""
    for name, html in all_pages.items():
        audit = Audit()
        audit.feed(html)
        assert audit.unlabelled() == [], name


def test_pages_load_no_outside_resources(all_pages: dict[str, str]) -> None:
    """Pages only reference their own stylesheet and script (no CDN, no inline script)."""
    for name, html in all_pages.items():
        assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html, name
        assert "<script>" not in html, name
