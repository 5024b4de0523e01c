"""The support desk's request and response models (the API's bodies, also used to validate forms)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from support.kb.service import SearchHit  # a suggestion is a search hit: one model for both answers
from support.schemas import Email, Id, Model, Out, Page, SiteUrl
from support.tickets.queue import SORTS, QueueFilter
from support.periods import ReportRange  # noqa: F401 (the reports' range, for the routes)

MAX_PAGE_ID = 200  # a KB page id; longer is no page

Priority = Literal["P1", "P2", "P3", "P4"]
Status = Literal["new", "open", "pending", "resolved", "closed"]


class TicketCreate(Model):
    """A new ticket, from the form or ``POST /api/tickets``."""

    subject: str = Field(min_length=3, max_length=200)
    description: str = Field(min_length=10, max_length=20000)
    requester_email: Email
    requester_name: str = Field("", max_length=120)
    category: str = Field("Question", max_length=80)
    priority: Priority = "P3"
    page_id: str | None = Field(None, max_length=MAX_PAGE_ID)
    page_title: str | None = Field(None, max_length=300)
    page_url: SiteUrl | None = None
    form_id: str | None = Field(None, max_length=64, description="The id of the form session that showed suggestions.")
    visit: str | None = Field(None, max_length=64, pattern=r"^[A-Za-z0-9_-]*$",
                              description="The site visit the help link came from (its searches count as failed).")


class TicketUpdate(Model):
    """Agent changes to a ticket; omitted fields stay as they are."""

    status: Status | None = None
    priority: Priority | None = None
    tier: int | None = Field(None, ge=1, le=3)
    assignee_id: Id | None = None
    category: str | None = Field(None, max_length=80)


class ReplyTemplateCreate(Model):
    """A canned reply: its title, a body with placeholders, and optionally the status and priority it sets."""

    title: str = Field(min_length=1, max_length=120)
    body: str = Field(min_length=1, max_length=20000)
    set_status: Literal["open", "pending", "resolved", "closed"] | None = None
    set_priority: Priority | None = None
    shared: bool = False


class ComposeChoice(Model):
    """What the agent adds to the reply being written: a canned reply, a KB article, or both."""

    template_id: Id | None = None
    article_id: str | None = Field(None, max_length=200)


class MessageCreate(Model):
    """A reply (public) or an internal note (agents only)."""

    body: str = Field(min_length=1, max_length=20000)
    internal: bool = False


class ReplyCreate(Model):
    """A requester's reply through the private link."""

    body: str = Field(min_length=1, max_length=20000)


class RatingCreate(Model):
    """A requester's rating of a resolution: 1 (poor) to 5 (excellent), with an optional comment."""

    score: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=5000)


class DeflectionCreate(Model):
    """'This answered my question' for a suggested article."""

    article_id: str = Field(min_length=1, max_length=200)
    form_id: str | None = Field(None, max_length=64)


class SuggestionsAsk(Model):
    """What a ticket form has typed so far, to suggest articles for and record them as shown in the form."""

    q: str = Field("", max_length=2000)
    form_id: str | None = Field(None, max_length=64, description="The form's id, as the ticket form was given it.")
    exclude: str | None = Field(None, max_length=200, description="An article not to suggest (the page the reader came from).")


class ArticleLinkCreate(Model):
    """Link a KB article to a ticket."""

    article_id: str = Field(min_length=1, max_length=200)


class ArticleRef(Out):
    """A KB article as linked from a ticket."""

    id: str
    title: str
    url: str | None


class MessagePublic(Out):
    """One message of a ticket's conversation."""

    id: int
    author_name: str
    author_kind: Literal["requester", "agent"]
    internal: bool
    body: str
    created_at: str


class HistoryEntry(Out):
    """One recorded change: who, what, when."""

    actor: str
    field: str
    old: str | None
    new: str | None
    note: str
    at: str


class AttachmentPublic(Out):
    """A file attached to a ticket (``message_id``: to one of its messages); fetch it from the ticket's page's ``files/<id>/<name>``."""

    id: int
    message_id: int | None
    name: str
    size: int
    image: bool = Field(description="An image, which the pages show as a thumbnail.")
    created_at: str


class TicketPublic(Out):
    """A ticket as its requester sees it: public replies only."""

    id: int
    subject: str
    description: str
    requester_name: str
    category: str
    priority: Priority
    status: Status
    created_at: str
    updated_at: str
    page_title: str | None
    page_url: str | None
    articles: list[ArticleRef]
    attachments: list[AttachmentPublic] = []
    messages: list[MessagePublic]


class TicketAgentView(TicketPublic):
    """A ticket as agents see it: everything, internal notes and history included."""

    requester_email: str
    channel: Literal["web", "mail", "api"] = Field("web", description="How the ticket came: the web form, mail or the API.")
    identified_by: Literal["account", "unproven", "mail"] = Field(
        description="How the requester was identified: 'account' (filed signed in, or claimed by signing in), "
                    "'unproven' (an address typed without signing in), "
                    "'mail' (the requester followed the proof link mailed to the address, signed in as its account).")
    tier: int
    assignee_id: int | None
    assignee_name: str | None
    sla_level: int
    sla_due_at: str | None
    escalations: int
    history: list[HistoryEntry]


class TicketFiled(Out):
    """The answer to filing a ticket: keep ``url``, it is the only way back without an account."""

    ticket: TicketPublic
    token: str
    url: str


class TicketSummary(Out):
    """A queue row."""

    id: int
    subject: str
    status: Status
    priority: Priority
    tier: int
    category: str
    requester_email: str
    assignee_name: str | None = None
    sla_level: int
    sla_due_at: str | None
    created_at: str


class TicketPage(Out):
    """One page of tickets."""

    total: int
    page: int
    size: int
    tickets: list[TicketSummary]


class Suggestions(Out):
    """Suggestions for a query."""

    query: str
    form_id: str | None
    good_match: bool = Field(description="False when even the best article scores too low to answer the text: "
                                          "the portal seems to have no answer, and the form says so.")
    suggestions: list[SearchHit]


class BulkAssign(BaseModel):
    """The queue's bulk-assign form: the ticked tickets and the agent to give them to (none: unassign)."""

    ids: list[Id] = []
    assignee_id: Id | None = None


class QueueParams(BaseModel):
    """The queue's query string."""

    status: Literal["active", "all", "new", "open", "pending", "resolved", "closed"] = "active"
    priority: Literal["", "P1", "P2", "P3", "P4"] = ""
    tier: Literal["", "1", "2", "3"] = ""
    assignee: str = Field("", pattern=r"^(me|none|[0-9]{1,18})?$", description="'me', 'none' or an agent's id.")
    sla: Literal["", "breached", "due_soon"] = ""
    article: str = ""
    q: str = ""
    sort: Literal[tuple(SORTS)] = "due"  # type: ignore[valid-type]
    tag: str = Field("", max_length=40, description="Only tickets with this tag.")
    page: Page = 1

    def to_filter(self) -> QueueFilter:
        """The storage filter for these parameters."""
        return QueueFilter(status=None if self.status == "all" else self.status, priority=self.priority or None,
                           tier=int(self.tier) if self.tier else None, assignee=self.assignee or None,
                           sla=self.sla or None, article=self.article or None, q=self.q or None, sort=self.sort,
                           tag=self.tag or None)


Labels = dict[str, str]


class Alert(BaseModel):
    """One alert of a notification (Alertmanager's webhook format, version 4)."""

    model_config = ConfigDict(extra="ignore")
    status: Literal["firing", "resolved"]
    labels: Labels = Field(default_factory=dict, max_length=100)
    annotations: Labels = Field(default_factory=dict, max_length=100)
    startsAt: str = Field("", max_length=64)
    endsAt: str = Field("", max_length=64)
    generatorURL: str = Field("", max_length=2000)
    fingerprint: str = Field("", max_length=64)


class Notification(BaseModel):
    """An Alertmanager webhook body: a group of alerts and its state."""

    model_config = ConfigDict(extra="ignore")
    version: str = Field("4", max_length=8)
    groupKey: str = Field(min_length=1, max_length=2000)
    status: Literal["firing", "resolved"]
    receiver: str = Field("", max_length=200)
    groupLabels: Labels = Field(default_factory=dict, max_length=100)
    commonLabels: Labels = Field(default_factory=dict, max_length=100)
    commonAnnotations: Labels = Field(default_factory=dict, max_length=100)
    externalURL: str = Field("", max_length=2000)
    alerts: list[Alert] = Field(default_factory=list, max_length=1000)
    truncatedAlerts: int = Field(0, ge=0)


class Event(BaseModel):
    """A generic event (``POST /api/integrations/events``): one occurrence of something a monitoring system saw.

    Events with the same ``dedup_key`` make one ticket: the first ``firing`` one opens it, repeats add to it,
    ``resolved`` adds a note (and resolves it when ``PORTAL_ALERT_RESOLVES`` is on).
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "dedup_key": "line-4/conveyor-stopped", "status": "firing", "summary": "Conveyor at station 3 stopped",
        "source": "Line 4 PLC", "severity": "critical", "runbook": "clear-conveyor-jam",
        "details": {"station": "3", "belt_speed": "0"}, "links": ["https://scada.example.com/line/4"]}]})
    dedup_key: str = Field(min_length=1, max_length=200, description="Events with the same key share one ticket.")
    status: Literal["firing", "resolved"] = Field("firing", description="firing opens or adds to the ticket; resolved closes the episode.")
    summary: str = Field("", max_length=180, description="One line: the ticket's subject. Required when firing.")
    source: str = Field("", max_length=80, description="What sent it (the ticket's requester name); default \"Webhook\".")
    severity: str = Field("", max_length=20, description="critical/page -> P1, high/error/major -> P2, warning/minor -> P3, info/none -> P4.")
    priority: Priority | None = Field(None, description="Overrides the priority the severity maps to.")
    runbook: str = Field("", max_length=200, description="A KB page id: linked to the ticket and shown to the agent.")
    runbook_url: str = Field("", max_length=2000, description="A runbook elsewhere, quoted in the ticket.")
    occurred_at: str = Field("", max_length=64, description="When it happened, as the source tells it (ISO 8601).")
    details: Labels = Field(default_factory=dict, max_length=100, description="Key-value details, listed in the ticket.")
    links: list[Annotated[str, Field(max_length=2000)]] = Field(default_factory=list, max_length=20, description="URLs quoted in the ticket.")

    @model_validator(mode="after")
    def _summary_when_firing(self) -> "Event":
        if self.status == "firing" and len(self.summary.strip()) < 3:
            raise ValueError("summary: a firing event needs a summary of at least 3 characters (the ticket's subject)")
        return self
