"""Pydantic models: the one truth for every source format of a portal.

Each YAML source (roles, runbooks, quizzes) and the front matter of each article is validated by
one of these models. All of them forbid unknown fields, so a typo is an error with a location,
not a silently ignored key. ``portal schema`` writes their JSON Schemas for editors.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80),
    Field(description="Lower-case letters, digits and hyphens, e.g. 'line-stop-procedure'."),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Strict(BaseModel):
    """Base for source models: unknown fields are errors, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- Roles -------------------------------------------------------------------------------


class Task(Strict):
    """Something a person in the role does, and the sources that teach it."""

    title: Text
    description: str = ""
    articles: list[Id] = Field(default_factory=list, description="Ids of articles that teach the task.")
    runbooks: list[Id] = Field(default_factory=list, description="Ids of runbooks that teach the task.")


class LearningStep(Strict):
    """One step of a learning path: exactly one of article, runbook or assessment."""

    article: Id | None = None
    runbook: Id | None = None
    assessment: Id | None = None
    note: str = ""

    @field_validator("note")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @model_validator(mode="after")
    def _exactly_one(self) -> "LearningStep":
        chosen = [k for k in ("article", "runbook", "assessment") if getattr(self, k)]
        if len(chosen) != 1:
            raise ValueError("a learning path step names exactly one of article, runbook or assessment")
        return self

    @property
    def kind(self) -> str:
        """Which kind of source the step points at."""
        return next(k for k in ("article", "runbook", "assessment") if getattr(self, k))

    @property
    def ref(self) -> str:
        """The id the step points at."""
        return getattr(self, self.kind)


class Role(Strict):
    """A role of the people who use the system (``content/roles/*.yml``)."""

    id: Id
    title: Text
    summary: Text
    responsibilities: list[Text] = Field(min_length=1)
    tasks: list[Task] = Field(default_factory=list)
    learning_path: list[LearningStep] = Field(default_factory=list)
    certifications: list[Text] = Field(
        default_factory=list, description="Names of the certifications the role requires."
    )


# --- Videos ------------------------------------------------------------------------------


class Chapter(Strict):
    """A point in a video a reader can jump to."""

    at: Annotated[str, StringConstraints(pattern=r"^(\d+:)?\d{1,2}:\d{2}$")] = Field(description="Start as m:ss or h:mm:ss.")
    title: Text

    @property
    def seconds(self) -> int:
        """The start in seconds."""
        total = 0
        for part in self.at.split(":"):
            total = total * 60 + int(part)
        return total


class Video(Strict):
    """A video tutorial: a file under the content folder or a URL, always with captions."""

    title: Text
    src: Text = Field(description="A path under the content folder (e.g. media/x.webm) or an https URL.")
    captions: str | None = Field(default=None, description="WebVTT captions: a path under the content folder (required, WCAG 1.2.2).")
    captions_language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")] = "en"
    poster: str | None = Field(default=None, description="An image shown before the video plays (a path under the content folder).")
    duration: str = Field(default="", description="Shown beside the title, e.g. 1:05.")
    chapters: list[Chapter] = Field(default_factory=list)
    roles: list[Id] = Field(default_factory=list, description="Roles whose videos index lists it (default: the page's roles).")

    @model_validator(mode="after")
    def _needs_captions(self) -> "Video":
        if not self.captions:
            raise ValueError("a video needs captions (WCAG 1.2.2): add 'captions: media/<name>.vtt', a WebVTT file")
        return self


# --- Articles ----------------------------------------------------------------------------


class ArticleKind(str, Enum):
    guide = "guide"
    howto = "how-to"
    faq = "faq"
    troubleshooting = "troubleshooting"
    reference = "reference"
    concept = "concept"


class ArticleMeta(Strict):
    """Front matter of an article (``content/**/*.md``); the knowledge base is the set of articles."""

    id: Id
    title: Text
    kind: ArticleKind = ArticleKind.guide
    roles: list[Id] = Field(default_factory=list)
    tags: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9 -]*$")]] = Field(default_factory=list)
    owner: Text
    reviewed: dt.date
    review_interval_days: int | None = Field(default=None, gt=0)
    summary: str = ""
    videos: list[Video] = Field(default_factory=list, description="Video tutorials shown at the top of the article.")


# --- Runbooks ----------------------------------------------------------------------------


class Severity(str, Enum):
    sev1 = "SEV1"
    sev2 = "SEV2"
    sev3 = "SEV3"
    sev4 = "SEV4"


class Step(Strict):
    """One checklist step of a runbook."""

    action: Text
    command: str | None = None
    expected: Text = Field(description="What you should see when the step worked.")
    if_fails: str | None = Field(default=None, description="What to do when the expected result does not appear.")
    video: Video | None = Field(default=None, description="A video of the step being done.")


class RollbackStep(Strict):
    """One step that undoes the runbook's change."""

    action: Text
    command: str | None = None


class EscalationTier(Strict):
    """Who to call, and when."""

    tier: int = Field(ge=1, le=3)
    who: Text
    contact: str = ""
    when: Text


class Runbook(Strict):
    """An operational procedure (``content/runbooks/*.yml``), shown as a checklist."""

    id: Id
    title: Text
    service: Text
    trigger: Text = Field(description="The alert or situation that calls for this runbook.")
    severity: Severity
    owner: Text
    roles: list[Id] = Field(default_factory=list)
    last_reviewed: dt.date
    review_interval_days: int = Field(default=90, gt=0)
    summary: str = ""
    preconditions: list[Text] = Field(default_factory=list)
    steps: list[Step] = Field(min_length=1)
    verification: list[Text] = Field(min_length=1)
    rollback: list[RollbackStep] = Field(default_factory=list)
    escalation: list[EscalationTier] = Field(default_factory=list)
    related_articles: list[Id] = Field(default_factory=list)

    @property
    def next_review(self) -> dt.date:
        """The date by which the runbook must be reviewed again."""
        return self.last_reviewed + dt.timedelta(days=self.review_interval_days)


# --- Glossary ----------------------------------------------------------------------------


class GlossaryTerm(Strict):
    """One term of the glossary: what it means and every other name readers use for it."""

    term: Text
    id: Id | None = Field(default=None, description="Anchor of the term on the Glossary page; defaults to the term as a slug.")
    definition: Text
    synonyms: list[Text] = Field(default_factory=list, description="Other names for it in the documentation's own words.")
    shop_floor: list[Text] = Field(default_factory=list, description="What people on the floor call it (nicknames, slang).")
    codes: list[Text] = Field(default_factory=list, description="Alarm, error or part codes that mean it, e.g. BC-301.")
    articles: list[Id] = Field(default_factory=list, description="Ids of the articles that explain it.")
    runbooks: list[Id] = Field(default_factory=list, description="Ids of the runbooks that deal with it.")
    see_also: list[Id] = Field(default_factory=list, description="Ids of related terms of the glossary.")

    @property
    def anchor(self) -> str:
        """The term's anchor on the Glossary page."""
        return self.id or re.sub(r"[^a-z0-9]+", "-", self.term.lower()).strip("-")

    @property
    def words(self) -> list[str]:
        """Every name of the term: itself, its synonyms, shop-floor words and codes."""
        return [self.term, *self.synonyms, *self.shop_floor, *self.codes]


class Glossary(Strict):
    """The portal's glossary (``content/glossary.yml``): terms, their synonyms and codes."""

    title: Text = "Glossary"
    intro: str = ""
    terms: list[GlossaryTerm] = Field(min_length=1)


# --- Portal settings (under the plugin in mkdocs.yml) ------------------------------------


class ReviewPolicy(Strict):
    """When content counts as due for review."""

    article_interval_days: int = Field(default=365, gt=0)
    warn_before_days: int = Field(default=14, ge=0, description="Pages show 'review due soon' this many days before.")


class OpenAPISpec(Strict):
    """An OpenAPI 3.0/3.1 spec to render as a REST reference."""

    id: Id
    path: Text
    title: str = ""


class AsyncAPISpec(OpenAPISpec):
    """An AsyncAPI 2.6/3.0 spec (event or WebSocket API) to render as an event reference."""


class PortalSettings(Strict):
    """The ``portal`` plugin's settings in ``mkdocs.yml``."""

    content_dir: str = "content"
    quizzes_dir: str = "quizzes"
    support_url: str = Field(default="/support", description="Base URL of the support backend ('' or '/' for the site's own host root).")
    python_packages: list[str] = Field(default_factory=list)
    python_paths: list[str] = Field(default_factory=lambda: ["."])
    openapi: list[OpenAPISpec] = Field(default_factory=list)
    asyncapi: list[AsyncAPISpec] = Field(default_factory=list)
    review: ReviewPolicy = Field(default_factory=ReviewPolicy)
    title: str = ""
    search_index: Literal["auto", "lunr", "pagefind"] = Field(
        default="lunr", description="The site box's static index: Material's lunr (the default), Pagefind, or auto (Pagefind above 300 pages).")

    @field_validator("support_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")


SOURCE_MODELS: dict[str, type[BaseModel]] = {
    "role": Role,
    "runbook": Runbook,
    "article-front-matter": ArticleMeta,
    "glossary": Glossary,
}

KIND_LABELS: dict[str, str] = {
    "guide": "Guide",
    "how-to": "How-to",
    "faq": "FAQ",
    "troubleshooting": "Troubleshooting",
    "reference": "Reference",
    "concept": "Concept",
}
