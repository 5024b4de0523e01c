"""Convert a Moodle GIFT question bank into the quiz YAML format.

Supported: single choice ``{=right ~wrong}``, multiple choice with weights ``{~%50%a ~%50%b
~%-100%c}``, true/false ``{T}`` / ``{FALSE#wrong feedback#right feedback}``, short answer
``{=a =b}``, numeric ``{#3.14:0.01}`` and ``{#1..5}``, matching ``{=a -> 1 =b -> 2}``, titles
``::title::``, ``//`` comments, escapes ``\\~ \\= \\# \\{ \\} \\:``, per-answer feedback ``#...``
and general feedback ``####...`` (which becomes the explanation). A blank in the middle of a
sentence (missing word) becomes ``_____`` in the prompt.

What cannot be converted (essays, descriptions, embedded answers) is reported as
``(line, message)`` and skipped; so is anything lost on the way (partial-credit weights).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString, SingleQuotedScalarString

_ESCAPES = {"\\\\": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003", "\\{": "\ue004", "\\}": "\ue005", "\\:": "\ue006"}
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d*)?)%")
_FORMAT = re.compile(r"^\[(?:markdown|html|plain|moodle)\]\s*")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
PLACEHOLDERS = "pass_mark, time_limit_minutes, attempts_allowed, retake_wait_hours, review"

HEADER = f"""Imported from a GIFT question bank by `portal import-gift`.
Review before use: title, description, covers (the articles and runbooks it tests),
the placeholder rules ({PLACEHOLDERS}),
a certification block if passing certifies, and a `teaches:` link on each question."""


class Skip(Exception):
    """A question that cannot be converted; the message says why."""


@dataclass
class GiftImport:
    """The outcome of converting a GIFT bank."""

    yaml: str
    messages: list[tuple[int, str]] = field(default_factory=list)
    converted: int = 0
    skipped: int = 0


def convert_gift(text: str, role: str, quiz_id: str) -> tuple[str, list[tuple[int, str]]]:
    """Convert GIFT text into quiz YAML; also returns ``(line, message)`` for what was skipped or lost."""
    result = import_gift(text, role, quiz_id)
    return result.yaml, result.messages


def import_gift(text: str, role: str, quiz_id: str) -> GiftImport:
    """Convert GIFT text into quiz YAML, counting converted and skipped questions."""
    result = GiftImport(yaml="")
    questions: list[dict[str, Any]] = []
    ids: set[str] = set()
    for line, block in _blocks(text):
        notes: list[str] = []
        try:
            question = _question(_protect(block), notes)
        except Skip as exc:
            result.messages.append((line, f"skipped: {exc}"))
            result.skipped += 1
            continue
        result.messages += [(line, note) for note in notes]
        if question is not None:
            question["id"] = _unique(question["id"] or f"q{len(questions) + 1}", ids)
            questions.append(question)
    result.converted = len(questions)
    result.yaml = _dump(_quiz(role, quiz_id, questions))
    return result


def _blocks(text: str) -> list[tuple[int, str]]:
    """Questions are separated by blank lines; ``//`` comment lines are dropped."""
    blocks: list[tuple[int, str]] = []
    start, lines = 0, []
    for number, line in enumerate(text.splitlines() + [""], start=1):
        if line.strip().startswith("//"):
            continue
        if line.strip():
            start = start or number
            lines.append(line)
        elif lines:
            blocks.append((start, "\n".join(lines).strip()))
            start, lines = 0, []
    return blocks


def _protect(text: str) -> str:
    for escape, placeholder in _ESCAPES.items():  # the escaped backslash first
        text = text.replace(escape, placeholder)
    return text.replace("\\n", "\n")


def _restore(text: str) -> str:
    for escape, placeholder in _ESCAPES.items():
        text = text.replace(placeholder, escape[1])
    return " ".join(text.split()) if "\n" not in text.strip() else text.strip()


def _question(text: str, notes: list[str]) -> dict[str, Any] | None:
    if text.startswith("$CATEGORY:"):
        return None
    title = ""
    if text.startswith("::") and "::" in text[2:]:
        title, text = text[2:].split("::", 1)
        text = text.strip()
    prompt, answer = _split_answer(text)
    answer, explanation = (answer.rsplit("####", 1) + [""])[:2] if "####" in answer else (answer, "")
    question = {"type": "", "id": _slug(_restore(title), 60), "prompt": _prompt(prompt)}
    question |= _answer_fields(answer.strip(), notes)
    if explanation.strip():
        if "explanation" in question:
            notes.append("feedback on the right number dropped: the general feedback became the explanation")
        question["explanation"] = _restore(explanation)
    return question


def _split_answer(text: str) -> tuple[str, str]:
    start, end = text.find("{"), text.find("}")
    if start < 0 and end < 0:
        raise Skip("a description (text with no answer block) is not a question")
    if start < 0 or end < start:
        raise Skip("unbalanced braces: escape a literal brace as \\{ or \\}")
    if "{" in text[end:]:
        raise Skip("more than one answer block (embedded answers, cloze) cannot be converted")
    blank = "" if text.endswith("}") else "_____"
    return text[:start] + blank + text[end + 1:], text[start + 1:end]


def _prompt(text: str) -> str:
    text = _FORMAT.sub("", text.strip())
    prompt = _restore(text)
    if not prompt:
        raise Skip("the question has no text")
    return prompt


def _answer_fields(answer: str, notes: list[str]) -> dict[str, Any]:
    if not answer:
        raise Skip("an essay question ({}) needs a person to mark it; it cannot be graded automatically")
    if answer.startswith("#"):
        return _numeric(answer[1:], notes)
    if "~" in answer:
        return _choice(answer, notes)
    if "=" in answer and "->" in answer:
        return _matching(answer, notes)
    verdict, *feedback = answer.split("#")
    if verdict.strip().upper() in ("T", "TRUE", "F", "FALSE"):
        return _true_false(verdict.strip().upper().startswith("T"), feedback)
    return _short(answer, notes)


def _parts(answer: str, marks: str) -> list[tuple[str, float | None, str, str]]:
    """Split answers on ``marks``: (mark, weight or None, text, feedback) each."""
    pieces = re.split(f"([{re.escape(marks)}])", answer)
    if pieces[0].strip():
        raise Skip(f"unexpected text '{_restore(pieces[0])}' before the first answer")
    parts = []
    for mark, body in zip(pieces[1::2], pieces[2::2]):
        body = body.strip()
        weight = _WEIGHT.match(body)
        body = body[weight.end():] if weight else body
        text, _, feedback = body.partition("#")
        parts.append((mark, float(weight.group(1)) if weight else None, _restore(text), _restore(feedback)))
    return parts


def _choice(answer: str, notes: list[str]) -> dict[str, Any]:
    parts = _parts(answer, "=~")
    if len(parts) < 2:
        raise Skip("a choice question needs at least 2 answers")
    single = any(mark == "=" for mark, *_ in parts)
    correct = [(mark == "=" or (w or 0) >= 100) if single else (w or 0) > 0 for mark, w, _, _ in parts]
    if not any(correct):
        raise Skip("no answer is marked right ('=' or a positive %weight%)")
    if single and sum(correct) > 1:
        raise Skip("several answers are fully right in a single-choice question: keep one, or use %weights% without '='")
    taken: set[str] = set()
    options = []
    for (mark, weight, text, feedback), right in zip(parts, correct):
        option: dict[str, Any] = {"id": _unique(_slug(text, 40) or "option", taken), "text": text}
        if right:
            option["correct"] = True
        if feedback:
            option["feedback"] = feedback
        options.append(option)
        if single and weight is not None and 0 < weight < 100:
            notes.append(f"partial credit ({weight:g}%) for '{text}' dropped: it counts as wrong")
    if single:
        return {"type": "single", "options": options}
    positive = {round(w or 0) for (_, w, _, _), right in zip(parts, correct) if right}
    if len(positive) > 1:
        notes.append("unequal %weights% became partial scoring: each right pick is worth the same")
    if not any((w or 0) < 0 for _, w, _, _ in parts):
        notes.append("no negative %weights%: partial scoring here takes one right pick off per wrong pick")
    return {"type": "multiple", "scoring": "partial", "options": options}


def _true_false(value: bool, feedback: list[str]) -> dict[str, Any]:
    wrong, right = (feedback + ["", ""])[:2]
    fields: dict[str, Any] = {"type": "true-false", "answer": value}
    when_true, when_false = (right, wrong) if value else (wrong, right)
    fields |= {k: _restore(v) for k, v in (("feedback_true", when_true), ("feedback_false", when_false)) if v.strip()}
    return fields


def _short(answer: str, notes: list[str]) -> dict[str, Any]:
    accept = []
    for _, weight, text, feedback in _parts(answer, "="):
        if weight is not None and weight < 100:
            notes.append(f"partially right answer '{text}' ({weight:g}%) dropped")
        elif text:
            accept.append(text)
        if feedback:
            notes.append(f"feedback on answer '{text}' dropped: short answers have an explanation only")
    if not accept:
        raise Skip("a short-answer question needs at least one fully right answer")
    return {"type": "short", "accept": accept}


def _numeric(answer: str, notes: list[str]) -> dict[str, Any]:
    answer, tilde, _ = answer.partition("~")
    if tilde:
        notes.append("feedback for wrong numbers dropped")
    parts = _parts(answer if answer.strip().startswith("=") else "=" + answer, "=")
    full = [(text, fb) for _, w, text, fb in parts if w is None or w >= 100]
    if not full:
        raise Skip("a numeric question needs one fully right answer")
    if len(parts) > 1:
        notes.append("only the first fully right number kept; other accepted numbers dropped")
    text, feedback = full[0]
    fields = {"type": "numeric"} | _number_range(text)
    return fields | ({"explanation": feedback} if feedback else {})


def _number_range(text: str) -> dict[str, Any]:
    text = text.replace(" ", "")
    if match := re.fullmatch(f"({_NUMBER})\\.\\.({_NUMBER})", text):
        low, high = sorted(float(g) for g in match.groups())
        return {"answer": (low + high) / 2, "tolerance": (high - low) / 2}
    if match := re.fullmatch(f"({_NUMBER})(?::({_NUMBER}))?", text):
        return {"answer": float(match.group(1)), "tolerance": abs(float(match.group(2) or 0))}
    raise Skip(f"'{text}' is not a number, number:tolerance or low..high")


def _matching(answer: str, notes: list[str]) -> dict[str, Any]:
    pairs = []
    for _, _, text, _ in _parts(answer.replace("#", "\ue003"), "="):
        left, arrow, right = text.partition("->")
        if not arrow:
            raise Skip(f"matching answer '{text}' has no '->'")
        if not left.strip():
            notes.append(f"extra right '{right.strip()}' with no left dropped: distractors are not supported")
            continue
        pairs.append({"left": _restore(left), "right": _restore(right)})
    for side in ("left", "right"):
        values = [p[side] for p in pairs]
        if len(set(values)) != len(values):
            raise Skip(f"the same {side} appears twice; each {side} must be different")
    if len(pairs) < 2:
        raise Skip("a matching question needs at least 2 pairs")
    return {"type": "matching", "pairs": pairs}


def _slug(text: str, limit: int) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > limit:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "-".join(words)[:limit].strip("-")


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def _quiz(role: str, quiz_id: str, questions: list[dict[str, Any]]) -> CommentedMap:
    quiz = CommentedMap(
        id=quiz_id, title=quiz_id.replace("-", " ").capitalize(), role=role,
        description="Imported from a GIFT question bank.", covers=[],
        pass_mark=80, time_limit_minutes=30, attempts_allowed=3, retake_wait_hours=24, review="wrong",
        questions=[_ordered(q) for q in questions],
    )
    quiz.yaml_set_start_comment(HEADER)
    return quiz


def _ordered(question: dict[str, Any]) -> CommentedMap:
    first = ("id", "type", "prompt")
    ordered = CommentedMap((k, _quoted(question[k])) for k in first)
    ordered.update((k, _quoted(v)) for k, v in question.items() if k not in first)
    return ordered


def _quoted(value: Any) -> Any:
    """Strings as block literals when multi-line, quoted when a YAML 1.1 reader (PyYAML) would
    take them for a number, a time or a boolean."""
    if isinstance(value, list):
        return [_quoted(v) for v in value]
    if isinstance(value, dict):
        return {k: _quoted(v) for k, v in value.items()}
    if not isinstance(value, str):
        return value
    if "\n" in value:
        return LiteralScalarString(value)
    try:
        plain = pyyaml.safe_load(value)
    except pyyaml.YAMLError:
        return value
    return value if isinstance(plain, str) else SingleQuotedScalarString(value)


def _dump(data: CommentedMap) -> str:
    yaml = YAML()
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()
