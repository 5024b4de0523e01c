"""Ticket actions shared by the HTML pages and the JSON API: who may do what, then storage."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from support.accounts import service as accounts
from support.tickets import alerts, queue, replies, reports, routing, sla, storage
from support import ratelimit
from support.context import Context
from support.db.store import Store
from support.settings import Settings
from support.errors import Forbidden, NotFound, Unauthorized
from support.tickets.schemas import Notification, QueueParams, TicketCreate
from support.tickets.replies import add_reply_template, compose, delete_reply_template, reply_templates  # noqa: F401 (for the routes)


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
    with ctx.db.tx():  # filed and routed in one commit
        ticket, token = storage.create_ticket(ctx.db, fields, page_article, actor, ctx.now())
        return (route(ctx, ticket) or ticket), token


def routing_source(settings: Settings) -> routing.RoutingSource:
    """The routing rules the settings name (``routing_file``, default ``<portal_dir>/routing.yml``)."""
    file = settings.routing_file or (settings.portal_dir / "routing.yml" if settings.portal_dir else None)
    return routing.RoutingSource(file, settings.source_check_seconds)


def route(ctx: Context, ticket: dict[str, Any]) -> dict[str, Any] | None:
    """Send a new ticket where the first matching routing rule says; the ticket as routed, or None if no rule fired."""
    rules = ctx.routing.current() if ctx.routing is not None else None
    if not rules or not rules.rules:
        return None
    page = ctx.kb.get(ticket["page_id"]) if ticket.get("page_id") else None
    facts = routing.Facts(ticket["category"], ticket["priority"], ticket["subject"], tuple(page.get("roles") or ()) if page else ())
    rule = routing.first_match(rules, facts)
    if rule is None:
        return None
    storage.route_ticket(ctx.db, ticket["id"], rule.name, _routed_changes(ctx, rules, rule), rule.then.group, ctx.now())
    return storage.get_ticket(ctx.db, ticket["id"])


def group_name(ctx: Context, group_id: str | None) -> str | None:
    """A routing group's name (its id when the rules no longer define it)."""
    if not group_id:
        return None
    group = ctx.routing.current().groups.get(group_id) if ctx.routing is not None else None
    return group.name if group else group_id


def _routed_changes(ctx: Context, rules: routing.RoutingFile, rule: routing.Rule) -> dict[str, Any]:
    """Tier and assignee a rule sets: its named assignee, or the next available member of a round-robin group."""
    agents_by_email = {a["email"].lower(): a["id"] for a in accounts.list_agents(ctx.db)}
    changes: dict[str, Any] = {"tier": rule.then.tier}
    group = rules.groups.get(rule.then.group) if rule.then.group else None
    if rule.then.assignee:
        changes["assignee_id"] = agents_by_email.get(rule.then.assignee.lower())
    elif group is not None and group.round_robin:
        available = [agents_by_email[m.lower()] for m in group.members if m.lower() in agents_by_email]
        changes["assignee_id"] = storage.next_in_turn(ctx.db, rule.then.group, available)
    return {k: v for k, v in changes.items() if v is not None}


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
    if recorded == 0 and not ratelimit.allow(ctx.db, f"forms:{client}", FORMS_PER_CLIENT_HOUR, 3600, ctx.now()):
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


STATUSES = storage.STATUSES
PRIORITIES = ("P1", "P2", "P3", "P4")
PLACEHOLDERS = replies.PLACEHOLDERS
SORTS = queue.SORTS
LEVEL_NAMES = sla.LEVEL_NAMES
describe = sla.describe


def ticket(ctx: Context, ticket_id: int) -> dict[str, Any]:
    """A ticket as stored, with its assignee's name; ``NotFound`` otherwise."""
    return storage.get_ticket(ctx.db, ticket_id)


def ticket_by_token(ctx: Context, token: str) -> dict[str, Any]:
    """The ticket behind a private link; ``NotFound`` for an unknown token."""
    return storage.get_ticket_by_token(ctx.db, token)


def requester_tickets(ctx: Context, user: dict[str, Any]) -> list[dict[str, Any]]:
    """The tickets of a requester's account, newest first."""
    return storage.requester_tickets(ctx.db, user)


def reply(ctx: Context, ticket: dict[str, Any], author: dict[str, Any], body: str, internal: bool = False,
          then_status: str | None = None, then_priority: str | None = None, articles: tuple[str, ...] = ()) -> dict[str, Any]:
    """Add a reply or note (a requester's reopens the ticket); for agents, then set the status and priority and link
    the KB articles inserted into it (each then counts as an article behind the ticket). Returns the message."""
    known = [a for a in dict.fromkeys(articles) if ctx.kb.get(a) is not None]
    message_id = storage.add_message(ctx.db, ticket, author, body, internal, ctx.now())
    if author["kind"] == "agent":
        changes = {"status": then_status if then_status in STATUSES else None,
                   "priority": then_priority if then_priority in PRIORITIES else None}
        if any(changes.values()):
            storage.update_ticket(ctx.db, ticket["id"], changes, author["name"], ctx.now())
        for article_id in known:
            storage.link_article(ctx.db, ticket["id"], article_id, author["name"], ctx.now())
    return storage.message(ctx.db, message_id)


def assign_to_me(ctx: Context, ticket_id: int, user: dict[str, Any]) -> dict[str, Any]:
    """Assign a ticket to the agent asking (recorded in its history like any assignment)."""
    return update(ctx, ticket_id, {"assignee_id": user["id"]}, user)


def update(ctx: Context, ticket_id: int, changes: dict[str, Any], user: dict[str, Any], unassign: bool = False) -> dict[str, Any]:
    """Apply an agent's changes (status, priority, tier, assignee, category), each recorded; ``unassign`` clears the assignee."""
    check_assignee(ctx, changes.get("assignee_id"))
    actor = accounts.display_name(user)
    storage.update_ticket(ctx.db, ticket_id, changes, actor, ctx.now())
    if unassign:
        storage.clear_assignee(ctx.db, ticket_id, actor, ctx.now())
    return storage.get_ticket(ctx.db, ticket_id)


def bulk_assign(ctx: Context, ticket_ids: list[int], assignee_id: int | None, user: dict[str, Any]) -> int:
    """Assign several tickets to one agent (None: unassign them); returns how many changed."""
    check_assignee(ctx, assignee_id)
    return storage.bulk_assign(ctx.db, ticket_ids, assignee_id, accounts.display_name(user), ctx.now())


def unlink_article(ctx: Context, ticket_id: int, article_id: str, user: dict[str, Any]) -> None:
    """Remove a ticket's link to an article; ``NotFound`` if there is none."""
    storage.unlink_article(ctx.db, ticket_id, article_id, accounts.display_name(user), ctx.now())


def queue_page(ctx: Context, params: QueueParams, user: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """One page of the agent queue (after the SLA sweep, so its flags are current) and how many tickets match."""
    sla.sweep(ctx.db, ctx.settings, ctx.now())
    return queue.page_of_tickets(ctx.db, params.to_filter(), user["id"], ctx.now(), params.page, ctx.settings.page_size)


def agents(ctx: Context) -> list[dict[str, Any]]:
    """The agents a ticket can be assigned to."""
    return accounts.list_agents(ctx.db)


def clocks(ctx: Context, ticket: dict[str, Any]) -> list[dict[str, Any]]:
    """The ticket's SLA clocks as the agent view shows them."""
    return sla.clocks(ticket, ctx.settings, ctx.now())


def kb_search(ctx: Context, text: str, limit: int = 10) -> list[Any] | None:
    """KB articles for an agent's search on the ticket page (None when nothing was asked)."""
    return ctx.kb.search(text, limit) if text.strip() else None


def article_summary(ctx: Context, article_id: str) -> dict[str, Any]:
    """A KB page with its linked tickets and suggestion/deflection counts; ``NotFound`` if unknown."""
    page = ctx.kb.get(article_id)
    if page is None:
        raise NotFound(f"Article {article_id} not found")
    fields = {k: page.get(k) for k in ("id", "title", "url", "type", "kind", "summary", "tags", "roles")}
    return {**fields, **storage.article_counts(ctx.db, article_id), "linked_tickets": storage.article_tickets(ctx.db, article_id)}


def article_list(ctx: Context) -> list[dict[str, Any]]:
    """Every KB article with how many tickets it is behind and how many readers it deflected, most tickets first."""
    tickets, deflections = storage.tickets_per_article(ctx.db), storage.deflections_per_article(ctx.db)
    rows = [{**p, "tickets": tickets.get(i, 0), "deflections": deflections.get(i, 0)} for i, p in ctx.kb.pages.items()]
    return sorted(rows, key=lambda r: (-r["tickets"], r["title"]))


def report(ctx: Context, row_limit: int | None = None) -> list[Any]:
    """The ticket report's tables (see ``support.tickets.reports``)."""
    titles = {i: p.get("title", i) for i, p in ctx.kb.pages.items()}
    return reports.ticket_report(ctx.db, ctx.settings, ctx.now(), titles, row_limit)


INDEX_BATCH = queue.INDEX_BATCH


def prepare(db: Store) -> None:
    """At start-up: recheck every open ticket's SLA level (the targets may have changed) and index what waits for the queue search."""
    sla.recheck_all(db)
    queue.index_all_pending(db)


def sweep(db: Store, settings: Settings, now: dt.datetime) -> None:
    """Flag and escalate the tickets whose SLA level has risen (the background sweep)."""
    sla.sweep(db, settings, now)


def index_pending(db: Store) -> int:
    """Index a batch of newly filed tickets for the queue search; returns how many (``INDEX_BATCH``: there may be more)."""
    return queue.index_pending(db)



def alert_token_ok(ctx: Context, given: str) -> bool:
    """True when alerts in are on and ``given`` is their secret token (compared in constant time)."""
    token = ctx.settings.alert_token
    return token is not None and secrets.compare_digest(given.encode(), token.get_secret_value().encode())


def receive_alert(ctx: Context, note: Notification) -> tuple[dict[str, Any], bool]:
    """One Alertmanager notification: a new ticket for a new group (True), else added to the group's ticket (False)."""
    with ctx.db.tx():
        ticket_id = alerts.ticket_of_group(ctx.db, note.groupKey)
        ticket = storage.get_ticket(ctx.db, ticket_id) if ticket_id is not None else None
        if ticket is None or ticket["status"] == "closed":
            if note.status == "resolved":
                raise NotFound(f"No open ticket for alert group {note.groupKey[:200]}")
            ticket = _alert_ticket(ctx, note)
            alerts.remember(ctx.db, note.groupKey, ticket["id"], ctx.now())
            return ticket, True
        sender = {"kind": "requester" if note.status == "firing" else "agent", "id": None, "name": alerts.SENDER}
        storage.add_message(ctx.db, ticket, sender, alerts.describe(note), note.status == "resolved", ctx.now())
        if note.status == "resolved" and ctx.settings.alert_resolves:
            storage.update_ticket(ctx.db, ticket["id"], {"status": "resolved"}, alerts.SENDER, ctx.now())
        return storage.get_ticket(ctx.db, ticket["id"]), False


def _alert_ticket(ctx: Context, note: Notification) -> dict[str, Any]:
    runbook = alerts.runbook_id(note)
    page = ctx.kb.get(runbook) if runbook else None
    category = "Problem" if "Problem" in ctx.settings.categories else ctx.settings.categories[0]
    data = TicketCreate(subject=alerts.subject(note), description=alerts.describe(note).ljust(10), requester_email=alerts.SENDER_EMAIL,
                        requester_name=alerts.SENDER, category=category, priority=alerts.priority(note),
                        page_id=runbook or None, page_title=page.get("title") if page else None, page_url=page.get("url") if page else None)
    ticket, _ = file_ticket(ctx, data, None)
    return ticket