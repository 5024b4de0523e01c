"""Rules of the agent's day beside the queue: tags, saved views, merging a duplicate, presence on a ticket.

Each change to a ticket goes into its history; merging tells the duplicate's requester by mail (the
notifications outbox, in the same transaction). Storage is ``desk`` and ``storage``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from support.accounts import service as accounts
from support.context import Context
from support.errors import Conflict, NotFound
from support.tickets import desk, notices, storage
from support.tickets.schemas import QueueParams

MERGE_NOTE_LIMIT = 20000


def tag(ctx: Context, ticket_id: int, text: str, user: dict[str, Any]) -> str:
    """Tag a ticket (recorded in its history); the tag as stored. ``ValueError`` names what a tag may be."""
    name = desk.normal_tag(text)
    with ctx.db.tx():
        storage.get_ticket(ctx.db, ticket_id)
        if len(desk.tags_of(ctx.db, [ticket_id])[ticket_id]) >= desk.MAX_TAGS:
            raise Conflict(f"Ticket {ticket_id} has {desk.MAX_TAGS} tags already; remove one first")
        if desk.add_tag(ctx.db, ticket_id, name):
            storage.add_history(ctx.db, ticket_id, accounts.display_name(user), "tag", None, name, "tagged", ctx.now())
    return name


def untag(ctx: Context, ticket_id: int, name: str, user: dict[str, Any]) -> None:
    """Remove a tag from a ticket (recorded in its history)."""
    with ctx.db.tx():
        if desk.remove_tag(ctx.db, ticket_id, name):
            storage.add_history(ctx.db, ticket_id, accounts.display_name(user), "tag", name, None, "untagged", ctx.now())


def view_query(params: QueueParams) -> str:
    """The query string that shows the queue as ``params`` do (defaults left out, the page never kept)."""
    fields = params.model_dump(exclude={"page"})
    defaults = QueueParams().model_dump(exclude={"page"})
    return urlencode({k: v for k, v in fields.items() if v != defaults[k]})


def views(ctx: Context, user: dict[str, Any]) -> list[dict[str, Any]]:
    """The built-in views, then the agent's own (each ``name``, ``query``, and ``id`` for their own)."""
    built_in = [{"id": None, "name": name, "query": query} for name, query in desk.BUILT_IN_VIEWS]
    return built_in + desk.views(ctx.db, user["id"])


def save_view(ctx: Context, user: dict[str, Any], name: str, params: QueueParams) -> None:
    """Save the queue's current filters under a name (the same name replaces the view)."""
    name = " ".join(name.split())[:60]
    if not name:
        raise ValueError("give the view a name")
    with ctx.db.tx():
        if len(desk.views(ctx.db, user["id"])) >= desk.MAX_VIEWS and name not in {v["name"] for v in desk.views(ctx.db, user["id"])}:
            raise Conflict(f"You have {desk.MAX_VIEWS} saved views; delete one first")
        desk.save_view(ctx.db, user["id"], name, view_query(params), ctx.now())


def delete_view(ctx: Context, user: dict[str, Any], view_id: int) -> None:
    """Delete one of the agent's own views (``NotFound`` for another's or none)."""
    with ctx.db.tx():
        if not desk.delete_view(ctx.db, user["id"], view_id):
            raise NotFound(f"Saved view {view_id} not found")


def merge(ctx: Context, duplicate_id: int, target_id: int, user: dict[str, Any]) -> dict[str, Any]:
    """Merge a duplicate into another ticket: the target gets the duplicate's conversation as an internal note, the
    duplicate is closed pointing at it, both histories record it, and the duplicate's requester is told. The target."""
    if duplicate_id == target_id:
        raise Conflict("A ticket cannot be merged into itself")
    actor, now = accounts.display_name(user), ctx.now()
    with ctx.db.tx():
        duplicate, target = storage.get_ticket(ctx.db, duplicate_id), storage.get_ticket(ctx.db, target_id)
        if duplicate.get("merged_into"):
            raise Conflict(f"Ticket {duplicate_id} was merged into #{duplicate['merged_into']} already")
        if target["status"] == "closed" or target.get("merged_into"):
            raise Conflict(f"Ticket {target_id} is closed; merge into an open ticket")
        storage.add_message(ctx.db, target, {"kind": "agent", "id": user["id"], "name": actor}, _merged_text(ctx, duplicate), True, now)
        storage.update_ticket(ctx.db, duplicate_id, {"status": "closed"}, actor, now)
        ctx.db.execute("UPDATE tickets SET merged_into = ? WHERE id = ?", [target_id, duplicate_id])
        storage.add_history(ctx.db, duplicate_id, actor, "merged_into", None, f"#{target_id}", "duplicate merged", now)
        storage.add_history(ctx.db, target_id, actor, "merged", None, f"#{duplicate_id}", "a duplicate merged into this ticket", now)
        notices.merged(ctx.db, ctx.settings, storage.get_ticket(ctx.db, duplicate_id), target, now)
        return storage.get_ticket(ctx.db, target_id)


def _merged_text(ctx: Context, duplicate: dict[str, Any]) -> str:
    """The duplicate's request and public conversation, as the internal note added to the target."""
    lines = [f"Merged from #{duplicate['id']} \"{duplicate['subject']}\" by {duplicate['requester_name'] or duplicate['requester_email']} "
             f"<{duplicate['requester_email']}>:", "", duplicate["description"]]
    for message in storage.messages(ctx.db, duplicate["id"], include_internal=False):
        lines += ["", f"{message['author_name']} ({message['created_at']}):", message["body"]]
    return "\n".join(lines)[:MERGE_NOTE_LIMIT]


def presence(ctx: Context, ticket_id: int, user: dict[str, Any]) -> list[dict[str, Any]]:
    """Record that the agent has the ticket open; the other agents who have it open now."""
    with ctx.db.tx():
        storage.get_ticket(ctx.db, ticket_id)
        desk.seen(ctx.db, ticket_id, user["id"], ctx.now())
    return desk.other_viewers(ctx.db, ticket_id, user["id"], ctx.now())


def tags_of(ctx: Context, ticket_ids: list[int]) -> dict[int, list[str]]:
    """Each ticket's tags."""
    return desk.tags_of(ctx.db, ticket_ids)
