"""Owners' addresses: ``owners.yml`` beside ``mkdocs.yml`` maps each owner named by an article or runbook to mail addresses.

Pages name their owner as a team (``owner: Production Engineering``); the support backend mails each owner a
weekly digest of their reviews due and overdue at these addresses. When the file exists, every owner a page
names must be in it (an error at the page's ``owner`` line otherwise), so no owner is silently never told::

    owners:
      Production Engineering: [pe-leads@plant.example]
      Platform team: [platform@plant.example, oncall@plant.example]
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .errors import Problems
from .sources import Document, locate, read_yaml_file, validate

OWNERS_FILE = "owners.yml"
ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


def _address(value: str) -> str:
    value = value.strip()
    if not ADDRESS.match(value):
        raise ValueError(f"{value!r} is not a mail address such as team@plant.example")
    return value.lower()


class OwnersFile(BaseModel):
    """``owners.yml``: owner name (as pages write it) -> one or more mail addresses."""

    model_config = ConfigDict(extra="forbid")

    owners: dict[str, Annotated[list[Annotated[str, AfterValidator(_address)]], Field(min_length=1)]]


def load_owners(file: Path, rel: str, problems: Problems) -> tuple[OwnersFile | None, Document | None]:
    """Read and validate an owners file (problems recorded with their line); (None, None) when there is no file."""
    if not file.is_file():
        return None, None
    doc = read_yaml_file(file, rel, problems)
    if doc is None:
        return None, None
    model = validate(OwnersFile, doc, problems)
    return (model if isinstance(model, OwnersFile) else None), doc


def unknown_owner(owners: OwnersFile, owner: str) -> str | None:
    """The message for a page's owner missing from the file (with the nearest known name), else None."""
    if owner in owners.owners:
        return None
    near = difflib.get_close_matches(owner, list(owners.owners), n=1)
    hint = f" (did you mean '{near[0]}'?)" if near else f": add it to {OWNERS_FILE} with its mail addresses"
    return f"owner: unknown owner '{owner}'{hint}"


def where_owner(doc: Document, owner: str) -> tuple[int, int]:
    """Line and column of an owner's entry in the owners file."""
    return locate(doc.data, ("owners", owner), doc.line_offset, key=True)
