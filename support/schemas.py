"""What every domain's request and response models share: strict bases, bounded ids and pages, addresses, field errors.

Each domain keeps its own models (``support/<domain>/schemas.py``: Create / Update / Public per entity).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

MAX_ID = 2**63 - 1
"""The largest id SQLite stores (a signed 64-bit INTEGER); a larger Python int makes its driver raise OverflowError."""
MAX_PAGE = 10**6
Id = Annotated[int, Field(ge=1, le=MAX_ID, description="A record id: 1 to 2**63 - 1.")]
"""Every id a client sends, in a path, a query string, a JSON body or a form."""
Page = Annotated[int, Field(ge=1, le=MAX_PAGE, description="A page number: 1 to 1,000,000.")]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$"),
    Field(description="An email address like name@example.com."),
]
SiteUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^(/?[^/:\s<>\"'\\][^:\s<>\"'\\]*)?$"),
    Field(description="A site-relative URL such as 'articles/operator/start-of-shift-checklist/'."),
]
FRIENDLY = {
    "string_pattern_mismatch": {"requester_email": "Enter an email address like name@example.com.",
                                "email": "Enter an email address like name@example.com.",
                                "page_url": "Must be a site-relative URL (no scheme or host)."},
}


class Model(BaseModel):
    """Base: unknown fields are errors, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Out(BaseModel):
    """Base of response models: built from database rows, extra columns ignored."""

    model_config = ConfigDict(extra="ignore")


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Field name -> first message, worded for people (for forms re-rendered beside the field)."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "form"
        message = FRIENDLY.get(error["type"], {}).get(name) or error["msg"].removeprefix("Value error, ")
        errors.setdefault(name, message)
    return errors
