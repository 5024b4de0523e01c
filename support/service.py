"""Ticket actions shared by the HTML pages and the JSON API: who may do what, then storage."""

from __future__ import annotations

import secrets
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from support import accounts, storage, throttle
from support.deps import Context
from support.errors import NotFound, Unauthorized
from support.schemas import TicketCreate


def requester_actor(ticket: dict[str, Any]) -> dict[str, Any]:
    """The author record of a ticket's requester."""
    return {"kind": "requester", "id": ticket["requester_id"], "name": ticket["requester_name"] or ticket["requester_email"]}


def agent_actor(user: dict[str, Any]) -> dict[str, Any]:
    """The author record of an agent."""
    return {"kind": "agent", "id": user["id"], "name": accounts.display_name(user)}


def check_category(ctx: Context, data: TicketCreate) -> None:
    """Raise a pydantic ``ValidationError`` (422 / form error) when the category is not configured."""
    if data.category not in ctx.settings.categories:
        error = PydanticCustomError("category", "Choose one of: {choices}", {"choices": ", ".join(ctx.settings.categories)})
        detail = InitErrorDetails(type=error, loc=("category",), input=data.category)
        raise ValidationError.from_exception_data("TicketCreate", [detail])


def _field_error(field: str, message: str, value: Any) -> ValidationError:
    error = PydanticCustomError(field, message)
    return ValidationError.from_exception_data("TicketCreate", [InitErrorDetails(type=error, loc=(field,), input=value)])


def identify_requester(data: TicketCreate, user: dict[str, Any] | None) -> tuple[int | None, str]:
    """Whose ticket this is: (account id, 'account') when filed signed in under the account's own address, else (None, 'unproven').

    An address typed without signing in proves nothing, so such a ticket joins no account's tickets
    until its requester signs in as that address's account and claims it (see ``claim_ticket``).
    A signed-in requester files under their own address only; agents may file for any address (unproven).
    """
    if user is None:
        return None, "unproven"
    if data.requester_email.lower() == user["email"].lower():
        return user["id"], "account"
    if accounts.has_role(user, "agent"):
        return None, "unproven"
    raise _field_error("requester_email", f"You are signed in as {user['email']}: tickets you file are under that address. "
                       "To file for someone else, ask a support agent.", data.requester_email)


def file_ticket(ctx: Context, data: TicketCreate, user: dict[str, Any] | None) -> tuple[dict[str, Any], str]:
    """File a ticket for an anonymous or signed-in requester; returns (the ticket as stored, private-link token)."""
    check_category(ctx, data)
    fields = data.model_dump()
    fields["requester_id"], fields["identified_by"] = identify_requester(data, user)
    page_article = data.page_id if data.page_id and ctx.kb.get(data.page_id) else None
    actor = data.requester_name or data.requester_email
    return storage.create_ticket(ctx.db, fields, page_article, actor, ctx.now())


def can_claim(ticket: dict[str, Any], user: dict[str, Any] | None) -> bool:
    """True if the signed-in ``user`` may add this unproven ticket to their account (its address is the account's)."""
    return bool(user) and ticket["requester_id"] is None and ticket["requester_email"].lower() == user["email"].lower()


def claim_ticket(ctx: Context, ticket: dict[str, Any], user: dict[str, Any]) -> None:
    """Join an unproven ticket to the signed-in account of its address; its private link changes (the old one stops working).

    The new link is not shown: the owner follows the ticket under "My tickets". Whoever held the old link
    (perhaps not the owner: an address typed proves nothing) reads nothing written from now on.
    """
    if not can_claim(ticket, user):
        raise NotFound(f"Ticket {ticket['id']} not found")
    storage.claim_ticket(ctx.db, ticket["id"], user["id"], accounts.display_name(user), ctx.now())


def viewable_ticket(ctx: Context, ticket_id: int, user: dict[str, Any] | None) -> tuple[dict[str, Any], bool]:
    """The ticket and whether the viewer is an agent; requesters only get their own (others: 404)."""
    if user is None:
        raise Unauthorized("Sign in to see this ticket")
    ticket = storage.get_ticket(ctx.db, ticket_id)
    if accounts.has_role(user, "agent"):
        return ticket, True
    if not storage.owns(ticket, user):
        raise NotFound(f"Ticket {ticket_id} not found")
    return ticket, False


def article_refs(ctx: Context, ticket_id: int) -> list[dict[str, Any]]:
    """The ticket's linked articles with their titles and site URLs from the KB."""
    return [_article_ref(ctx, link["article_id"], link["origin"]) for link in storage.linked_articles(ctx.db, ticket_id)]


def _article_ref(ctx: Context, article_id: str, origin: str) -> dict[str, Any]:
    page = ctx.kb.pages.get(article_id) or {}
    return {"id": article_id, "title": page.get("title", article_id), "url": page.get("url"), "origin": origin}


def filed_detail(ctx: Context, ticket: dict[str, Any]) -> dict[str, Any]:
    """``ticket_detail`` of a ticket just filed, without reading back what filing wrote: its page's article, no messages."""
    page_article = ticket["page_id"] if ticket["page_id"] and ticket["page_id"] in ctx.kb.pages else None
    return {**ticket, "articles": [_article_ref(ctx, page_article, "page")] if page_article else [], "messages": []}


def ticket_detail(ctx: Context, ticket: dict[str, Any], agent: bool) -> dict[str, Any]:
    """Everything a page or API response shows about a ticket; internal notes and history only for agents."""
    detail = {**ticket, "articles": article_refs(ctx, ticket["id"]),
              "messages": storage.messages(ctx.db, ticket["id"], include_internal=agent)}
    if agent:
        detail["history"] = storage.history(ctx.db, ticket["id"])
    return detail


# What one client can write into the suggestion reports: forms per hour, and articles recorded per form.
FORMS_PER_CLIENT_HOUR = 120
IMPRESSIONS_PER_FORM = 25
FORM_ID_MAX_AGE = 24 * 3600


def _form_ids(ctx: Context) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(ctx.settings.secret_key.get_secret_value(), salt="ticket-form")


def issue_form_id(ctx: Context) -> str:
    """A new ticket form's id, signed by the server: only a form the server showed can record what it suggested."""
    return _form_ids(ctx).dumps(secrets.token_urlsafe(6))


def valid_form_id(ctx: Context, form_id: str | None) -> bool:
    """True for a form id this server issued in the last day."""
    if not form_id:
        return False
    try:
        _form_ids(ctx).loads(form_id, max_age=FORM_ID_MAX_AGE)
    except BadSignature:
        return False
    return True


def suggest(ctx: Context, query: str, exclude: tuple[str, ...] = (), wait: bool = True) -> list[Any] | None:
    """Up to ``suggestion_count`` KB articles for the text typed so far (nothing is recorded).

    With ``wait`` False (on the event loop) None instead of waiting for a look at the KB export or a rebuild.
    """
    count = ctx.settings.suggestion_count
    if not query.strip():
        return []
    return ctx.kb.search(query, count, exclude=exclude) if wait else ctx.kb.search_now(query, count, exclude=exclude)


def record_shown(ctx: Context, form_id: str | None, query: str, hits: list[Any], client: str) -> bool:
    """Record suggestions as shown in a ticket form (the reports' impressions); True if they were recorded.

    Only for a form id the server issued, at most ``IMPRESSIONS_PER_FORM`` articles per form and
    ``FORMS_PER_CLIENT_HOUR`` forms per client address, so that nobody can rewrite the reports by replaying requests.
    """
    if not hits or not valid_form_id(ctx, form_id):
        return False
    recorded = storage.impressions_of_form(ctx.db, form_id)
    if recorded >= IMPRESSIONS_PER_FORM:
        return False
    if recorded == 0 and not throttle.allow(ctx.db, f"forms:{client}", FORMS_PER_CLIENT_HOUR, 3600, ctx.now()):
        return False
    storage.record_impressions(ctx.db, form_id, query, [h.id for h in hits][:IMPRESSIONS_PER_FORM - recorded], ctx.now())
    return True


def deflect(ctx: Context, article_id: str, form_id: str | None, user: dict[str, Any] | None) -> tuple[dict[str, Any], bool]:
    """Record that a suggested article answered the reader's question; returns (the article, whether it was counted).

    It counts once per form and article, and only when that form really showed the article.
    """
    page = ctx.kb.get(article_id)
    if page is None:
        raise NotFound(f"Article {article_id} not found")
    counted = bool(form_id) and storage.record_deflection(ctx.db, article_id, form_id, user["id"] if user else None, ctx.now())
    return page, counted


def link_article(ctx: Context, ticket_id: int, article_id: str, user: dict[str, Any]) -> bool:
    """Link a known KB article to a ticket; ``NotFound`` for an unknown article."""
    if ctx.kb.get(article_id) is None:
        raise NotFound(f"Article {article_id} not found")
    return storage.link_article(ctx.db, ticket_id, article_id, accounts.display_name(user), ctx.now())


def check_assignee(ctx: Context, assignee_id: int | None) -> None:
    """Refuse an assignee that is not an enabled agent or admin."""
    if assignee_id is not None and assignee_id not in {a["id"] for a in accounts.list_agents(ctx.db)}:
        raise NotFound(f"Agent {assignee_id} not found")
