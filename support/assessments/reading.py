"""Progress from use: the site tells the backend that a signed-in learner opened an article or runbook.

The site's page asks ``/api/session`` (same origin, with the session cookie) and, only when someone is signed
in, posts the page's own path; the backend matches it against the build's pages (``kb.json``) and records the
read. Paths that are no article or runbook record nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from support.assessments.dashboard import mark_read

READ_KINDS = ("article", "runbook")


def page_for_path(pages: dict[str, dict[str, Any]], path: str) -> str | None:
    """The id of the article or runbook the site path shows (the site may live under a prefix), or None."""
    wanted = path.split("?", 1)[0].split("#", 1)[0].strip("/")
    if wanted.endswith("index.html"):
        wanted = wanted.removesuffix("index.html").rstrip("/")
    best, length = None, -1
    for page_id, page in pages.items():
        url = str(page.get("url", "")).strip("/")
        if url and page.get("type", "article") in READ_KINDS and (wanted == url or wanted.endswith("/" + url)) and len(url) > length:
            best, length = page_id, len(url)
    return best


def record(db: Any, pages: dict[str, dict[str, Any]], user_id: int, path: str, now: dt.datetime) -> str | None:
    """Record that the learner read the page at ``path``; the page's id, or None if the path is no article or runbook."""
    page_id = page_for_path(pages, path)
    if page_id is not None:
        mark_read(db, user_id, page_id, True, now)
    return page_id
