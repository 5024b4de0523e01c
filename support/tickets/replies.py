"""Canned replies: reply templates kept by admins (shared) and agents (their own), and how one becomes a reply
(with the KB articles an agent inserts).

A template's body may name ``{requester_name}``, ``{ticket_number}`` and ``{private_link}``; any other brace is
left as typed. Applying one may also set the ticket's status and priority when the reply is sent.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from support.accounts import service as accounts
from support.clock import iso
from support.context import Context
from support.db.store import Store
from support.errors import Forbidden, NotFound
from support.tickets.schemas import ReplyTemplateCreate

PLACEHOLDERS = ("requester_name", "ticket_number", "private_link")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def visible(db: Store, user_id: int) -> list[dict[str, Any]]:
    """The shared templates and the agent's own, shared first, each by title."""
    return db.all("SELECT * FROM reply_templates WHERE owner_id IS NULL OR owner_id = ? "
                  "ORDER BY owner_id IS NOT NULL, title COLLATE NOCASE, id", [user_id])


def get(db: Store, template_id: int, user_id: int) -> dict[str, Any] | None:
    """One template the agent may use (shared or their own), or None."""
    return db.one("SELECT * FROM reply_templates WHERE id = ? AND (owner_id IS NULL OR owner_id = ?)", [template_id, user_id])


def add(db: Store, fields: dict[str, Any], owner_id: int | None, now: dt.datetime) -> int:
    """Store a template (``owner_id`` None: shared with every agent); returns its id."""
    with db.tx():
        return db.insert("reply_templates", {"title": fields["title"], "body": fields["body"], "set_status": fields.get("set_status"),
                                             "set_priority": fields.get("set_priority"), "owner_id": owner_id, "created_at": iso(now)})


def delete(db: Store, template_id: int) -> None:
    """Remove a template."""
    with db.tx():
        db.execute("DELETE FROM reply_templates WHERE id = ?", [template_id])


def fill(body: str, values: dict[str, str]) -> str:
    """The body with each known placeholder replaced by its value."""
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], body)


def article_block(page: dict[str, Any], url: str) -> str:
    """The lines an inserted KB article adds to a reply: title, link and summary."""
    lines = [page.get("title") or page["id"], url, (page.get("summary") or "").strip()]
    return "\n".join(line for line in lines if line)


def appended(body: str, text: str) -> str:
    """``text`` added to the end of the reply being written, after a blank line."""
    body = body.rstrip()
    return f"{body}\n\n{text}" if body else text


def reply_templates(ctx: Context, user: dict[str, Any]) -> list[dict[str, Any]]:
    """The canned replies an agent may use: the shared ones and their own."""
    return visible(ctx.db, user["id"])


def add_reply_template(ctx: Context, data: ReplyTemplateCreate, user: dict[str, Any]) -> int:
    """Keep a canned reply: shared with every agent (admins only) or the agent's own."""
    if data.shared and not accounts.has_role(user, "admin"):
        raise Forbidden("Only an administrator can share a canned reply with every agent")
    return add(ctx.db, data.model_dump(), None if data.shared else user["id"], ctx.now())


def delete_reply_template(ctx: Context, template_id: int, user: dict[str, Any]) -> None:
    """Remove a canned reply: an agent their own, an administrator also a shared one."""
    template = get(ctx.db, template_id, user["id"])
    if template is None:
        raise NotFound(f"Canned reply {template_id} not found")
    if template["owner_id"] is None and not accounts.has_role(user, "admin"):
        raise Forbidden("Only an administrator can remove a shared canned reply")
    delete(ctx.db, template_id)


def compose(ctx: Context, ticket: dict[str, Any], user: dict[str, Any], draft: dict[str, Any],
            template_id: int | None = None, article_id: str | None = None) -> dict[str, Any]:
    """The reply being written with a canned reply or a KB article added to its end (nothing is stored).

    ``draft`` holds ``body``, ``then_status``, ``then_priority`` and ``articles``; a canned reply fills its
    placeholders and sets the status and priority it names; an article adds its title, link and summary.
    """
    draft = {**draft, "articles": list(draft.get("articles", []))}
    if template_id is not None:
        template = get(ctx.db, template_id, user["id"])
        if template is None:
            raise NotFound(f"Canned reply {template_id} not found")
        draft["body"] = appended(draft["body"], fill(template["body"], _placeholder_values(ctx, ticket)))
        draft["then_status"] = template["set_status"] or draft["then_status"]
        draft["then_priority"] = template["set_priority"] or draft["then_priority"]
    if article_id is not None:
        page = ctx.kb.get(article_id)
        if page is None:
            raise NotFound(f"Article {article_id} not found")
        draft["body"] = appended(draft["body"], article_block(page, _site_link(ctx, page.get("url", ""))))
        draft["articles"] = list(dict.fromkeys([*draft["articles"], article_id]))
    return draft


def _placeholder_values(ctx: Context, ticket: dict[str, Any]) -> dict[str, str]:
    base = ctx.settings.base_url.rstrip("/")
    return {"requester_name": ticket["requester_name"] or ticket["requester_email"], "ticket_number": str(ticket["id"]),
            "private_link": f"{base}/support/tickets/{ticket['id']}"}


def _site_link(ctx: Context, url: str) -> str:
    return f"{ctx.settings.site_url.rstrip('/')}/{url.lstrip('/')}"
