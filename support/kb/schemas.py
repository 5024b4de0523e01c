"""What readers send about pages: a rating of a page, and a comment on that rating."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from support.schemas import Model, Out


class PageRating(Model):
    """ "Was this page helpful?": the page's site path, its title, and 1 (no) to 5 (yes)."""

    page: str = Field(min_length=1, max_length=500, pattern=r"^/[^\s<>\"'\\]*$", description="The page's path on the site.")
    title: str = Field("", max_length=300)
    rating: int = Field(ge=1, le=5)


class SearchMade(Model):
    """A search in the site's box: the page's visit id, what was typed, the scope, the pages shown (site paths)."""

    visit: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    query: str = Field(min_length=1, max_length=500)
    scope: Literal["reader", "api"] = "reader"
    results: list[Annotated[str, Field(max_length=500, pattern=r"^/[^\s<>\"'\\]*$")]] = Field(default_factory=list, max_length=20)
    opened: str | None = Field(None, max_length=500, pattern=r"^/[^\s<>\"'\\]*$", description="The result the reader opened.")


class RatingComment(Model):
    """The optional comment a reader adds to their rating, with the token the rating's answer gave."""

    token: str = Field(min_length=1, max_length=200)
    comment: str = Field(min_length=1, max_length=2000)


class SearchHit(Out):
    """One page found by the site's search: ``url`` is site-relative, ``snippet_html`` escaped text with matches in ``<mark>``."""

    id: str
    title: str
    url: str
    type: str
    summary: str
    snippet_html: str
    score: float


class SearchAnswer(Out):
    """What the site's search box shows for a query: the reader-scope pages, best first, and whether one answers it."""

    query: str
    scope: Literal["reader"] = "reader"
    good_match: bool = Field(description="False when even the best page scores too low to answer the query: the box "
                                          "says so and offers the ticket form.")
    terms: list[str] = Field(description="The index words asked for (stems, corrected spellings): what the opened page highlights.")
    results: list[SearchHit]
