"""The attempt page's HTML form: field names, reading a posted form into answers, inline Markdown.

Field names: ``q-<question id>`` for single, multiple, true/false, numeric and short questions;
``q-<question id>.<k>`` for the k-th position of an ordering question (its value is the presented
index of the item put there) and for the k-th left of a matching question (the presented index of
the chosen right). ``.`` never occurs in an id, so every name maps back to one question.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup
from starlette.datastructures import FormData

from support.assessments.grading import Problem

PREFIX = "q-"
_INLINE = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"<em>\1</em>"),
]
_CODE = re.compile(r"(<code>.*?</code>)")
_INDEX = re.compile(r"[0-9]{1,6}")  # a presented position; str.isdigit() also takes '²', which int() refuses


def inline_markdown(text: str) -> Markup:
    """Escape ``text``, then render inline code, bold and italics (what quiz prompts and options use)."""
    escaped = html.escape(text, quote=False)
    code, rest = _INLINE[0]
    parts = _CODE.split(code.sub(rest, escaped))
    for i, part in enumerate(parts):
        if not part.startswith("<code>"):
            for pattern, replacement in _INLINE[1:]:
                part = pattern.sub(replacement, part)
            parts[i] = part
    return Markup("".join(parts))


def plain_markdown(text: str) -> str:
    """``text`` without inline Markdown markers, for places that hold no markup (select options)."""
    return re.sub(r"`|\*\*|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])", "", text)


def field(question_id: str, k: int | None = None) -> str:
    """The form field name of a question (or of its k-th select)."""
    return f"{PREFIX}{question_id}" if k is None else f"{PREFIX}{question_id}.{k}"


def read_form(questions: list[dict[str, Any]], form: FormData) -> tuple[dict[str, Any], dict[str, str]]:
    """The posted answers (unanswered ones left out) and a message per question the form got wrong.

    Fields that name no question of the attempt are refused like answers to unknown questions.
    """
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    known = set()
    for q in questions:
        size = len(q.get("items") or q.get("left") or [])
        names = [field(q["id"], k) for k in range(size)] if q["type"] in ("ordering", "matching") else [field(q["id"])]
        known.update(names)
        value, error = _read(q, form, names)
        if error:
            errors[q["id"]] = error
        if value is not None:
            answers[q["id"]] = value
    for name in form.keys():
        if name.startswith(PREFIX) and name not in known:
            errors[name[len(PREFIX):]] = f"'{name}' is not a question of this attempt"
    return answers, errors


def _read(q: dict[str, Any], form: FormData, names: list[str]) -> tuple[Any, str | None]:
    kind = q["type"]
    if kind == "multiple":
        picks = [str(v) for v in form.getlist(names[0])]
        return (picks or None), None
    if kind in ("ordering", "matching"):
        return _selects(kind, [str(form.get(n, "")).strip() for n in names])
    value = str(form.get(names[0], "")).strip()
    if not value:
        return None, None
    if kind == "true-false":
        return ({"true": True, "false": False}[value], None) if value in ("true", "false") else (None, "Choose true or false")
    return value, None


def _selects(kind: str, values: list[str]) -> tuple[Any, str | None]:
    if not any(values):
        return None, None
    if not all(v == "" or _INDEX.fullmatch(v) for v in values):
        return None, "Choose from the lists"
    picked = [int(v) if v else None for v in values]
    if kind == "matching":
        return picked, None
    if None in picked:
        return picked, "Choose an item for every position, or leave them all empty"
    if len(set(picked)) != len(picked):
        return picked, "Put each item in one position only"
    return picked, None


def problem_messages(problems: list[Problem]) -> dict[str, str]:
    """Grading's per-field problems as one message per question id."""
    messages: dict[str, str] = {}
    for loc, message in problems:
        key = str(loc[0]) if loc else "form"
        messages.setdefault(key, message[:1].upper() + message[1:])
    return messages


def for_grading(answers: Mapping[str, Any], errors: Mapping[str, str]) -> dict[str, Any]:
    """The answers that can be saved: those of questions without a form error."""
    return {k: v for k, v in answers.items() if k not in errors}


def plain_number(value: Any) -> str:
    """A number as a person writes it: ``20.0`` as ``20``, ``0.5`` as ``0.5`` (text is shown as given)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def sentence(text: str) -> str:
    """Text ending a sentence: a full stop added unless it already ends in one (or in ``!``, ``?`` or ``…``)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."
