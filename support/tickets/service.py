"""Ticket actions shared by the HTML pages and the JSON API: who may do what, then storage."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from typing import Any, Callable

from itsdangerous import BadSignature, URLSafeTimedSerializer

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from support.accounts import service as accounts
from support.kb import service as kb
from support.notifications import service as notifications
from support.tickets import (alerts, attachments, business_hours, events, mailin, mailnotes, notices, owner_digest, queue, replies,
                             reports, routing, satisfaction, sla, storage)
from support import ratelimit
from support.context import Context
from support.db.store import Store
from support.settings import Settings
from support.errors import Forbidden, NotFound, Unauthorized
from support.periods import Period, ReportRange
from support.tickets.schemas import MAX_PAGE_ID, Event, Notification, QueueParams, TicketCreate
from support.tickets import workday
from support.tickets.workday import delete_view, merge, presence, save_view, tag, tags_of, untag, views  # noqa: F401 (for the routes)
from support.tickets.replies import add_reply_template, compose, delete_reply_template, reply_templates  # noqa: F401 (for the routes)

log = logging.getLogger("support")


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


def file_ticket(ctx: Context, data: TicketCreate, user: dict[str, Any] | None, channel: str = "web",
                files: list[attachments.Stored] | None = None) -> tuple[dict[str, Any], str]:
    """File a ticket for an anonymous or signed-in requester; returns (the ticket as stored, private-link token).

    ``channel`` is how it came: 'web' (the form), 'api' or 'mail'; ``files`` (from ``take_uploads``) are attached to it.
    """
    check_category(ctx, data)
    fields = data.model_dump(exclude={"visit"}) | {"channel": channel}
    fields["requester_id"], fields["identified_by"] = identify_requester(data, user)
    page_article = data.page_id if data.page_id and ctx.kb.get(data.page_id) else None
    actor = data.requester_name or data.requester_email
    with ctx.db.tx(flat=True):  # routed, filed and its notifications queued in one commit; nothing inside catches an error
        ticket, token = storage.create_ticket(ctx.db, fields, page_article, actor, ctx.now(), route(ctx, fields))
        attachments.record(ctx.db, ticket["id"], None, files or [], actor, ctx.now())
        kb.ticket_filed_after_search(ctx, data.visit, ticket["id"])
        notices.filed(ctx.db, ctx.settings, ticket, token, ctx.now())
    return ticket, token


def install_business_hours(settings: Settings) -> business_hours.HoursSource:
    """Read the business-hours calendars the settings name (default ``<portal_dir>/business-hours.yml``) and put them in force."""
    file = settings.business_hours_file or (settings.portal_dir / "business-hours.yml" if settings.portal_dir else None)
    source = business_hours.HoursSource(file, settings.time_zone, settings.source_check_seconds)
    source.current()
    source.applied = source.generation  # prepare() rechecks every open ticket at start-up anyway
    business_hours.install(source)
    return source


def routing_source(settings: Settings) -> routing.RoutingSource:
    """The routing rules the settings name (``routing_file``, default ``<portal_dir>/routing.yml``)."""
    file = settings.routing_file or (settings.portal_dir / "routing.yml" if settings.portal_dir else None)
    return routing.RoutingSource(file, settings.source_check_seconds)


def route(ctx: Context, filed: dict[str, Any]) -> storage.Routed | None:
    """Where the first matching routing rule sends a ticket being filed (its fields), or None if no rule fires."""
    rules = ctx.routing.current() if ctx.routing is not None else None
    if not rules or not rules.rules:
        return None
    page = ctx.kb.get(filed["page_id"]) if filed.get("page_id") else None
    facts = routing.Facts(filed["category"], filed["priority"], filed["subject"], tuple(page.get("roles") or ()) if page else ())
    rule = routing.first_match(rules, facts)
    if rule is None:
        return None
    return storage.Routed(rule.name, rule.then.group, rule.then.tier, *_routed_assignee(ctx, rules, rule))


def group_name(ctx: Context, group_id: str | None) -> str | None:
    """A routing group's name (its id when the rules no longer define it)."""
    if not group_id:
        return None
    group = ctx.routing.current().groups.get(group_id) if ctx.routing is not None else None
    return group.name if group else group_id


def _routed_assignee(ctx: Context, rules: routing.RoutingFile, rule: routing.Rule) -> tuple[int | None, str | None]:
    """(id, name shown) of the agent a rule assigns: its named assignee, or the next available member of a round-robin group."""
    agents = {a["email"].lower(): a for a in accounts.list_agents(ctx.db)}
    group = rules.groups.get(rule.then.group) if rule.then.group else None
    chosen = None
    if rule.then.assignee:
        chosen = agents.get(rule.then.assignee.lower())
    elif group is not None and group.round_robin:
        available = [agents[m.lower()] for m in group.members if m.lower() in agents]
        turn = storage.next_in_turn(ctx.db, rule.then.group, [a["id"] for a in available])
        chosen = next((a for a in available if a["id"] == turn), None)
    return (chosen["id"], chosen["name"] or chosen["email"]) if chosen else (None, None)


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


def proof_ticket(ctx: Context, token: str, user: dict[str, Any] | None) -> dict[str, Any]:
    """The ticket a proof link names, checked for ``user``: ``NotFound`` for a bad, expired or used link,
    ``Unauthorized`` when nobody is signed in, ``Forbidden`` when signed in under another address."""
    proof = notices.read_proof_token(ctx.settings, token, ctx.now())
    if proof is None:
        raise NotFound(f"This proof link is not valid or has expired (links last {notices.PROOF_DAYS} days)")
    ticket = storage.get_ticket(ctx.db, proof[0])
    if ticket["requester_email"].lower() != proof[1] or (ticket["requester_id"] is not None and not storage.owns(ticket, user)):
        raise NotFound("This proof link is not valid any more: the ticket belongs to an account")
    if user is None:
        raise Unauthorized("Sign in as the account of this address to add the ticket to it")
    if user["email"].lower() != proof[1]:
        raise Forbidden(f"This link proves the address {proof[1]}; you are signed in as {user['email']}. "
                        "Sign out and sign in as that address's account.")
    return ticket


def prove_address(ctx: Context, token: str, user: dict[str, Any]) -> dict[str, Any]:
    """Follow a proof link signed in as its address's account: the ticket joins the account ('mail'); the ticket."""
    ticket = proof_ticket(ctx, token, user)
    storage.join_by_mail(ctx.db, ticket["id"], user["id"], accounts.display_name(user), ctx.now())
    return storage.get_ticket(ctx.db, ticket["id"])


def rating_target(ctx: Context, token: str) -> tuple[dict[str, Any], str, bool]:
    """(the ticket, which resolution, whether it is rated already) behind a rating link; ``NotFound`` for a bad link."""
    found = notices.read_rating_token(ctx.settings, token)
    if found is None:
        raise NotFound("This rating link is not valid; check that it was copied completely")
    ticket = storage.get_ticket(ctx.db, found[0])
    return ticket, found[1], satisfaction.rated(ctx.db, ticket["id"], found[1])


def rate(ctx: Context, token: str, score: int, comment: str) -> dict[str, Any]:
    """Rate the resolution a rating link names, once (``Conflict`` the second time); the ticket."""
    ticket, resolved_at, _ = rating_target(ctx, token)
    satisfaction.rate(ctx.db, ticket, resolved_at, score, comment, ctx.now())
    return ticket


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
    return {**ticket, "articles": [_article_ref(ctx, page_article, "page")] if page_article else [], "messages": [], "attachments": []}


def ticket_detail(ctx: Context, ticket: dict[str, Any], agent: bool) -> dict[str, Any]:
    """Everything a page or API response shows about a ticket; internal notes and history only for agents."""
    detail = {**ticket, "articles": article_refs(ctx, ticket["id"]),
              "messages": storage.messages(ctx.db, ticket["id"], include_internal=agent),
              "attachments": attachments.of_ticket(ctx.db, ticket["id"], include_internal=agent)}
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
    """The ticket behind a private link, or a mail's link to it (which dies with the private link); ``NotFound`` otherwise."""
    mailed = notices.read_mail_token(ctx.settings, token) if "." in token else None
    if mailed is None:
        return storage.get_ticket_by_token(ctx.db, token)
    ticket = storage.get_ticket(ctx.db, mailed[0])
    if ticket["requester_id"] is not None or not ticket["token_hash"].startswith(mailed[1]):
        raise NotFound("This link no longer opens the ticket: it was added to an account. Sign in to see it.")
    return ticket


def requester_tickets(ctx: Context, user: dict[str, Any]) -> list[dict[str, Any]]:
    """The tickets of a requester's account, newest first."""
    return storage.requester_tickets(ctx.db, user)


def reply(ctx: Context, ticket: dict[str, Any], author: dict[str, Any], body: str, internal: bool = False,
          then_status: str | None = None, then_priority: str | None = None, articles: tuple[str, ...] = (),
          files: list[attachments.Stored] | None = None) -> dict[str, Any]:
    """Add a reply or note (a requester's reopens the ticket); for agents, then set the status and priority and link
    the KB articles inserted into it (each then counts as an article behind the ticket). Returns the message.

    The requester hears of an agent's public reply, the assignee of the requester's, by mail (``notices``).
    """
    known = [a for a in dict.fromkeys(articles) if ctx.kb.get(a) is not None]
    with ctx.db.tx():
        before = dict(ticket)
        message_id = storage.add_message(ctx.db, ticket, author, body, internal, ctx.now())
        attachments.record(ctx.db, ticket["id"], message_id, files or [], author["name"], ctx.now())
        notices.replied(ctx.db, ctx.settings, ticket, author, body, internal, ctx.now())
        if author["kind"] == "agent":
            changes = {"status": then_status if then_status in STATUSES else None,
                       "priority": then_priority if then_priority in PRIORITIES else None}
            if any(changes.values()):
                after = storage.update_ticket(ctx.db, ticket["id"], changes, author["name"], ctx.now())
                notices.changed(ctx.db, ctx.settings, before, after, {"id": author["id"]}, ctx.now(), replied_now=not internal)
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
    with ctx.db.tx():
        before = storage.get_ticket(ctx.db, ticket_id)
        storage.update_ticket(ctx.db, ticket_id, changes, actor, ctx.now())
        if unassign:
            storage.clear_assignee(ctx.db, ticket_id, actor, ctx.now())
        after = storage.get_ticket(ctx.db, ticket_id)
        notices.changed(ctx.db, ctx.settings, before, after, user, ctx.now())
    return after


def bulk_assign(ctx: Context, ticket_ids: list[int], assignee_id: int | None, user: dict[str, Any]) -> int:
    """Assign several tickets to one agent (None: unassign them); returns how many changed."""
    check_assignee(ctx, assignee_id)
    with ctx.db.tx():
        before = {i: storage.get_ticket(ctx.db, i) for i in dict.fromkeys(ticket_ids)}
        changed = storage.bulk_assign(ctx.db, ticket_ids, assignee_id, accounts.display_name(user), ctx.now())
        for ticket_id, old in before.items():
            notices.changed(ctx.db, ctx.settings, old, storage.get_ticket(ctx.db, ticket_id), user, ctx.now())
    return changed


def unlink_article(ctx: Context, ticket_id: int, article_id: str, user: dict[str, Any]) -> None:
    """Remove a ticket's link to an article; ``NotFound`` if there is none."""
    storage.unlink_article(ctx.db, ticket_id, article_id, accounts.display_name(user), ctx.now())


def queue_page(ctx: Context, params: QueueParams, user: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """One page of the agent queue (after the SLA sweep, so its flags are current) and how many tickets match."""
    sweep(ctx.db, ctx.settings, ctx.now())
    rows, total = queue.page_of_tickets(ctx.db, params.to_filter(), user["id"], ctx.now(), params.page, ctx.settings.page_size)
    tags = workday.tags_of(ctx, [r["id"] for r in rows])
    return [{**r, "tags": tags[r["id"]]} for r in rows], total


def agents(ctx: Context) -> list[dict[str, Any]]:
    """The agents a ticket can be assigned to."""
    return accounts.list_agents(ctx.db)


def calendar_name(ticket: dict[str, Any]) -> str:
    """The name of the business-hours calendar the ticket's SLA clocks count in."""
    return business_hours.calendar_for(ticket["priority"]).name


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


def report(ctx: Context, row_limit: int | None = None, span: ReportRange | None = None) -> list[Any]:
    """The ticket report's tables (see ``support.tickets.reports``) over ``span`` (days in the portal's time zone)."""
    titles = {i: p.get("title", i) for i, p in ctx.kb.pages.items()}
    period = Period(span, ctx.settings.time_zone)
    return reports.ticket_report(ctx.db, ctx.settings, ctx.now(), titles, row_limit, period) + kb.content_tables(ctx, row_limit)


def send_owner_digests(ctx: Context) -> int:
    """Queue the owners' weekly review digests due (see ``support.tickets.owner_digest``); how many were queued."""
    now = ctx.now()
    this_week = storage.tickets_per_article_since(ctx.db, now - dt.timedelta(days=7))
    return owner_digest.send(ctx.db, ctx.settings, ctx.kb.pages, this_week, now)


def satisfaction_report(ctx: Context, span: ReportRange) -> list[Any]:
    """The satisfaction tables for the ratings given (and resolutions made) within ``span`` (days in the portal's time zone)."""
    label = "" if span.start is None and span.end is None else f", {span.label()}"
    return satisfaction.report(ctx.db, Period(span, ctx.settings.time_zone).where, label)


INDEX_BATCH = queue.INDEX_BATCH


def prepare(db: Store) -> None:
    """At start-up: recheck every open ticket's SLA level (the targets may have changed) and index what waits for the queue search."""
    sla.recheck_all(db)
    queue.index_all_pending(db)


def sweep(db: Store, settings: Settings, now: dt.datetime) -> None:
    """Flag and escalate the tickets whose SLA level has risen (the background sweep); their agents hear of it by mail."""
    def rose(ticket: dict[str, Any], level: int, clocks: list[str]) -> None:
        notices.sla_rose(db, settings, ticket, level == sla.BREACHED, clocks, now)

    sla.sweep(db, settings, now, on_rise=rose)


def index_pending(db: Store) -> int:
    """Index a batch of newly filed tickets for the queue search; returns how many (``INDEX_BATCH``: there may be more)."""
    return queue.index_pending(db)


def good_match(hits: list[Any]) -> bool:
    """Whether the best suggestion looks like an answer (else the form says the portal seems to have none)."""
    return kb.good_match(hits)


def metric_families(db: Store) -> list[tuple[str, str, str, tuple[str, ...], list[tuple[tuple[str, ...], float]]]]:
    """Tickets by status and priority, and unfinished tickets at risk of or past their SLA by priority (read by ``/metrics``)."""
    by_status = [((r["status"], r["priority"]), r["n"]) for r in storage.counts_by_status(db)]
    levels = storage.unfinished_by_sla_level(db)
    at_risk = [((r["priority"],), r["n"]) for r in levels if r["sla_level"] == sla.AT_RISK]
    breached = [((r["priority"],), r["n"]) for r in levels if r["sla_level"] == sla.BREACHED]
    return [
        ("portal_tickets", "Tickets by status and priority.", "gauge", ("status", "priority"), by_status),
        ("portal_tickets_sla_at_risk", "Unfinished tickets whose SLA is at risk, by priority.", "gauge", ("priority",), at_risk),
        ("portal_tickets_sla_breached", "Unfinished tickets past an SLA target, by priority.", "gauge", ("priority",), breached),
    ]


MAIL_BATCH = mailin.BATCH


def read_mail(ctx: Context) -> int:
    """Read a batch of the Maildir's new messages (``PORTAL_MAILDIR``); how many were read.

    Machine mail (auto-replies, bounces, lists) is parked and never answered. A reply to a mail the
    portal sent (its Message-ID in In-Reply-To or References) joins that ticket: as the requester's
    reply when it comes from the requester's address, else as an internal note for an agent to
    accept. Anything else opens a ticket (channel 'mail', its address not proven).
    """
    mailin.prepare(ctx.settings.inbox)
    paths = mailin.waiting(ctx.settings.inbox)
    for path in paths:
        try:
            incoming = mailin.read(path)
        except Exception as exc:  # a message no parser can read must not stop the ones behind it
            log.warning("mail in: parked unreadable %s (%s: %s)", path.name, type(exc).__name__, exc)
            mailin.done(ctx.settings.inbox, path, parked=True)
            continue
        with ctx.db.tx():
            outcome = _take_mail(ctx, incoming)
        mailin.done(ctx.settings.inbox, path, parked=outcome == "parked")
    return len(paths)


def _take_mail(ctx: Context, mail: mailin.Incoming) -> str:
    """Act on one message inside the caller's transaction, recording it in ``mail_in``; the outcome."""
    if storage.mail_seen(ctx.db, mail.message_id):
        return storage.mail_seen(ctx.db, mail.message_id)
    ticket_id = None if mail.machine else notifications.ticket_of_reference(ctx.db, ctx.settings, mail.references)
    outcome, reason = ("parked", mail.machine) if mail.machine else ("", "")
    files, refused = attachments.from_mail(ctx.settings, mail.attachments)
    body = mail.body + "".join(f"\n\n(attachment not kept: {reason})" for reason in refused)
    if not outcome and ticket_id is not None and storage.get_ticket(ctx.db, ticket_id)["status"] != "closed":
        ticket = storage.get_ticket(ctx.db, ticket_id)
        if mail.sender == ticket["requester_email"].lower():
            reply(ctx, ticket, requester_actor(ticket), body or "(an empty reply)", files=files)
            outcome = "reply"
        else:
            author = {"kind": "agent", "id": None, "name": f"Mail from {mail.sender}"}
            note = reply(ctx, ticket, author, mailnotes.note_text(mail.sender, body), internal=True, files=files)
            mailnotes.mark(ctx.db, note["id"], mail.sender, body)
            outcome = "note"
    if not outcome:
        outcome, reason, ticket_id = _mail_ticket(ctx, mail, body, files)
    storage.record_mail(ctx.db, mail.message_id, mail.sender, mail.subject, outcome, reason, ticket_id, ctx.now())
    return outcome


def accept_mail_note(ctx: Context, ticket_id: int, message_id: int, user: dict[str, Any]) -> dict[str, Any]:
    """Add a mail note's text as the requester's reply (an agent vouching for the sender), recorded in the history."""
    agent = accounts.display_name(user)
    with ctx.db.tx():
        note = mailnotes.acceptable(ctx.db, ticket_id, message_id)
        ticket = storage.get_ticket(ctx.db, ticket_id)
        added = reply(ctx, ticket, requester_actor(ticket), note["mail_body"] or "(an empty reply)")
        mailnotes.accepted(ctx.db, message_id, agent, ctx.now())
        storage.add_history(ctx.db, ticket_id, agent, "reply", None, None,
                            f"accepted the mail from {note['mail_sender']} as the requester's reply", ctx.now())
    return added


def _mail_ticket(ctx: Context, mail: mailin.Incoming, body: str, files: list[attachments.Stored]) -> tuple[str, str, int | None]:
    """Open a ticket from a message (outcome 'ticket'), or park it with the reason it cannot be one."""
    subject = (mail.subject or "(no subject)")[:200]
    description = body if len(body) >= 10 else f"{body}\n(sent by mail with little text)".strip()
    try:
        data = TicketCreate(subject=subject.ljust(3, "."), description=description[:20000], requester_email=mail.sender,
                            requester_name=mail.sender_name, category=ctx.settings.categories[0])
        ticket, _ = file_ticket(ctx, data, None, channel="mail", files=files)
    except ValidationError as exc:
        return "parked", f"not a ticket: {exc.errors()[0]['msg']}", None
    return "ticket", "", ticket["id"]

def alert_token_ok(ctx: Context, given: str) -> bool:
    """True when alerts in are on and ``given`` is their secret token (compared in constant time)."""
    token = ctx.settings.alert_token
    return token is not None and secrets.compare_digest(given.encode(), token.get_secret_value().encode())


def receive_alert(ctx: Context, note: Notification) -> tuple[dict[str, Any], bool]:
    """One Alertmanager notification: a new ticket for a new group (True), else added to the group's ticket (False)."""
    return _receive(ctx, Incident(note.groupKey, note.status, alerts.SENDER, alerts.describe(note), lambda: _alert_ticket(ctx, note)))


def receive_event(ctx: Context, event: Event) -> tuple[dict[str, Any], bool]:
    """One generic event: a new ticket for a new ``dedup_key`` (True), else added to that key's ticket (False)."""
    return _receive(ctx, Incident(events.group_key(event), event.status, events.sender(event), events.describe(event),
                                  lambda: _event_ticket(ctx, event)))


@dataclass(frozen=True)
class Incident:
    """What alerts in and events in have in common: a key naming the episode, its state, who sent it, its text."""

    key: str
    status: str
    sender: str
    text: str
    open_ticket: Callable[[], dict[str, Any]]


def _receive(ctx: Context, incident: Incident) -> tuple[dict[str, Any], bool]:
    with ctx.db.tx():
        ticket_id = alerts.ticket_of_group(ctx.db, incident.key)
        ticket = storage.get_ticket(ctx.db, ticket_id) if ticket_id is not None else None
        if ticket is None or ticket["status"] == "closed":
            if incident.status == "resolved":
                raise NotFound(f"No open ticket for {incident.key[:200]}")
            ticket = incident.open_ticket()
            alerts.remember(ctx.db, incident.key, ticket["id"], ctx.now())
            return ticket, True
        sender = {"kind": "requester" if incident.status == "firing" else "agent", "id": None, "name": incident.sender}
        storage.add_message(ctx.db, ticket, sender, incident.text, incident.status == "resolved", ctx.now())
        if incident.status == "resolved" and ctx.settings.alert_resolves:
            storage.update_ticket(ctx.db, ticket["id"], {"status": "resolved"}, incident.sender, ctx.now())
        return storage.get_ticket(ctx.db, ticket["id"]), False


def _event_ticket(ctx: Context, event: Event) -> dict[str, Any]:
    page = ctx.kb.get(event.runbook) if event.runbook else None
    category = "Problem" if "Problem" in ctx.settings.categories else ctx.settings.categories[0]
    data = TicketCreate(subject=events.subject(event), description=events.describe(event).ljust(10), requester_email=events.SENDER_EMAIL,
                        requester_name=events.sender(event), category=category, priority=events.priority(event),
                        page_id=event.runbook or None, page_title=page.get("title") if page else None, page_url=page.get("url") if page else None)
    ticket, _ = file_ticket(ctx, data, None, channel="api")
    return ticket


def _alert_ticket(ctx: Context, note: Notification) -> dict[str, Any]:
    runbook = alerts.runbook_id(note)
    if len(runbook) > MAX_PAGE_ID:  # no page has such an id: the alert is filed without the link (its labels stay in the text)
        runbook = ""
    page = ctx.kb.get(runbook) if runbook else None
    category = "Problem" if "Problem" in ctx.settings.categories else ctx.settings.categories[0]
    data = TicketCreate(subject=alerts.subject(note), description=alerts.describe(note).ljust(10), requester_email=alerts.SENDER_EMAIL,
                        requester_name=alerts.SENDER, category=category, priority=alerts.priority(note),
                        page_id=runbook or None, page_title=page.get("title") if page else None, page_url=page.get("url") if page else None)
    ticket, _ = file_ticket(ctx, data, None)
    return ticket


def take_uploads(ctx: Context, field: str, files: list[tuple[str, Any]], ticket: dict[str, Any] | None = None) -> list[attachments.Stored]:
    """Check and store uploaded files (name, stream) before they are attached (to ``ticket``, counting what it holds).

    ``attachments.UploadRefused`` (413 or 422) names the field, the file and the limit; nothing is attached then.
    """
    already = attachments.total_size(ctx.db, ticket["id"]) if ticket else 0
    return attachments.take(ctx.settings, field, files, already)


def add_attachments(ctx: Context, ticket: dict[str, Any], author: dict[str, Any], files: list[attachments.Stored]) -> list[dict[str, Any]]:
    """Attach stored files to a ticket on their own (the API), recorded in its history; the ticket's attachments."""
    with ctx.db.tx():
        attachments.record(ctx.db, ticket["id"], None, files, author["name"], ctx.now())
        for item in files:
            storage.add_history(ctx.db, ticket["id"], author["name"], "attachment", None, item.name, "", ctx.now())
    return attachments.of_ticket(ctx.db, ticket["id"], include_internal=author["kind"] == "agent")


def attachment_file(ctx: Context, ticket: dict[str, Any], attachment_id: int, agent: bool) -> tuple[dict[str, Any], Any, str]:
    """(the attachment, its file, the type it is served as) for a viewer of ``ticket``; ``NotFound`` otherwise."""
    row = attachments.attachment(ctx.db, ticket["id"], attachment_id, include_internal=agent)
    path = attachments.blob_path(ctx.settings.data_dir, row["sha256"])
    if not path.is_file():
        raise NotFound(f"Attachment {attachment_id}'s file is missing from the attachment folder")
    return row, path, attachments.mime(row["extension"])


UploadRefused = attachments.UploadRefused
