"""Find and read source files, keeping the line and column of every YAML node.

YAML is read with ruamel.yaml's round-trip loader, whose mappings and sequences remember where
each key and item starts. :func:`locate` turns a pydantic error location such as
``("steps", 2, "expected")`` into the line and column of that node, so every problem can point
at the line that is wrong and not only at the model field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from .errors import Problems, did_you_mean
from .yaml_positions import load_yaml, pure_yaml

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)
MAX_NESTING = 100  # reported when ruamel's recursive composer runs out of stack (at about 250 levels)


@dataclass
class Document:
    """A parsed source: its YAML data, where it came from, and for Markdown the body.

    Attributes:
        path: Path relative to the portal folder, used in messages.
        data: The YAML mapping (ruamel round-trip types, which remember positions).
        line_offset: Lines before the YAML starts (1 for front matter after ``---``).
        body: The Markdown after the front matter ('' for YAML files).
        body_line: 1-based line where the body starts.
        text: The whole file's text.
    """

    path: str
    data: Any
    line_offset: int = 0
    body: str = ""
    body_line: int = 1
    text: str = ""


def parse_yaml(text: str, path: str, problems: Problems, line_offset: int = 0) -> Any:
    """Parse YAML text, recording a located problem and returning None when it cannot be read."""
    try:
        return load_yaml(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 0
        col = (mark.column + 1) if mark else 0
        what = (exc.problem or exc.context or "invalid YAML").strip()
        problems.add(path, line, col, f"YAML syntax: {what}")
    except ReaderError as exc:
        line, col = _place(text, exc.position)
        problems.add(path, line + line_offset, col, f"YAML syntax: unacceptable character #x{exc.character:04x}: {exc.reason}")
    except YAMLError as exc:  # pragma: no cover - ruamel marks nearly every error
        problems.add(path, 0, 0, f"YAML syntax: {exc}")
    except RecursionError:
        line, col = _too_deep(text)
        problems.add(path, line + line_offset, col, f"YAML syntax: nested too deeply to read (more than {MAX_NESTING} levels from here on): look for brackets that are never closed")
    except Exception as exc:  # noqa: BLE001 - ruamel's constructors raise ValueError, KeyError ... with no mark
        line, col, message = _unbuildable(text, exc)
        problems.add(path, line + line_offset, col, message)
    return None


def _place(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of a character index."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _too_deep(text: str) -> tuple[int, int]:
    """Where the nesting first passes ``MAX_NESTING`` levels (ruamel's parser, unlike its composer, is not recursive)."""
    depth = 0
    try:
        for event in pure_yaml().parse(text):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    return event.start_mark.line + 1, event.start_mark.column + 1
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except YAMLError:
        pass
    return 1, 1


def _unbuildable(text: str, error: Exception) -> tuple[int, int, str]:
    """Line, column and message for the first value whose tag cannot be built from it (``2026-13-45``, ``!!int x``)."""
    yaml = pure_yaml()
    pending: list[tuple[tuple[Any, ...], Node]] = [((), yaml.compose(text))]
    seen: set[int] = set()
    while pending:
        loc, node = pending.pop()
        if id(node) in seen:  # an alias, maybe of its own parent
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            try:
                yaml.constructor.construct_object(node, deep=True)
            except Exception as exc:  # noqa: BLE001 - the failure being looked for
                return node.start_mark.line + 1, node.start_mark.column + 1, _value_message(loc, node, exc)
        elif isinstance(node, MappingNode):
            children = [(loc, key) for key, _ in node.value]
            children += [(loc + (key.value if isinstance(key, ScalarNode) else "?",), value) for key, value in node.value]
            pending += sorted(children, key=lambda child: -child[1].start_mark.index)
        elif isinstance(node, SequenceNode):
            pending += reversed([(loc + (i,), item) for i, item in enumerate(node.value)])
    return 1, 1, f"cannot read the YAML: {type(error).__name__}: {error}"


TAG_MEANING = {"timestamp": "a valid date", "int": "an integer", "float": "a number", "bool": "true or false"}


def _value_message(loc: tuple[Any, ...], node: ScalarNode, error: Exception) -> str:
    tag = str(node.tag).rpartition(":")[2]
    detail = f": {error}" if tag == "timestamp" else ""
    return f"{loc_label(loc)}: '{node.value}' is not {TAG_MEANING.get(tag, f'a valid !!{tag}')}{detail}"


def read_yaml_file(file: Path, rel: str, problems: Problems) -> Document | None:
    """Read one YAML source file; None (with a problem recorded) when it cannot be used."""
    text = read_text(file, rel, problems)
    if text is None:
        return None
    data = parse_yaml(text, rel, problems)
    if data is None and not problems.errors_for(rel):
        problems.add(rel, 1, 1, "the file is empty: expected a YAML mapping of fields")
        return None
    if data is not None and not isinstance(data, CommentedMap):
        problems.add(rel, 1, 1, f"expected a YAML mapping of fields, found {type(data).__name__}")
        return None
    return Document(rel, data, text=text) if data is not None else None


def read_markdown_file(file: Path, rel: str, problems: Problems) -> Document | None:
    """Read an article: YAML front matter between ``---`` lines, then the Markdown body."""
    text = read_text(file, rel, problems)
    if text is None:
        return None
    match = FRONT_MATTER.match(text)
    if not match:
        problems.add(rel, 1, 1, "missing front matter: start the file with '---', the article's fields, then '---'")
        return None
    data = parse_yaml(match.group(1) or "", rel, problems, line_offset=1)
    if data is None:
        if not problems.errors_for(rel):
            problems.add(rel, 1, 1, "the front matter is empty: give at least id, title, owner and reviewed")
        return None
    if not isinstance(data, CommentedMap):
        problems.add(rel, 2, 1, "the front matter must be a YAML mapping of fields")
        return None
    body_line = text.count("\n", 0, match.end()) + 1
    return Document(rel, data, line_offset=1, body=text[match.end():], body_line=body_line, text=text)


def read_text(file: Path, rel: str, problems: Problems) -> str | None:
    """A source file's text; None (with a problem at the first byte that is not UTF-8) when it cannot be read."""
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        good = exc.object[: exc.start].decode("utf-8")  # everything before the first bad byte decodes
        line, col = _place(good, len(good))
        problems.add(rel, line, col, f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x}: {exc.reason}): save the file as UTF-8")
    except OSError as exc:
        problems.add(rel, 0, 0, f"cannot read the file: {exc.strerror}")
    return None


def locate(data: Any, loc: tuple[Any, ...], line_offset: int = 0, key: bool = False) -> tuple[int, int]:
    """The 1-based line and column of the node at ``loc`` in ruamel-loaded YAML.

    Parts of ``loc`` that are not in the data (a missing field, a union tag) stop the walk at the
    deepest node that exists. With ``key`` set, a mapping entry points at its key, not its value.
    """
    line, col = _start(data)
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, CommentedMap) and part in node:
            k_line, k_col, v_line, v_col = node.lc.data[part]
            line, col = (k_line, k_col) if key and last else (v_line, v_col)
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line, col = node.lc.data[part]
            node = node[part]
        else:
            break
    return line + 1 + line_offset, col + 1


def _start(node: Any) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is not None and lc.line is not None:
        return lc.line, lc.col
    return 0, 0


def loc_label(loc: tuple[Any, ...]) -> str:
    """``("steps", 2, "expected")`` as ``steps[2].expected``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(file)"


def validate(model: type[BaseModel], doc: Document, problems: Problems) -> BaseModel | None:
    """Validate a document against a model, recording each error at its line; None on failure."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = _data_loc(doc.data, tuple(err["loc"]))
            is_extra = err["type"] == "extra_forbidden"
            line, col = locate(doc.data, loc, doc.line_offset, key=is_extra)
            problems.add(doc.path, line, col, describe(model, loc, err))
        return None


def _data_loc(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the parts pydantic adds that are not in the data (union tags), keeping a last missing field."""
    out: list[Any] = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            node = node[part]
            out.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            out.append(part)
        elif i == len(loc) - 1:
            out.append(part)
    return tuple(out)


def describe(model: type[BaseModel], loc: tuple[Any, ...], err: dict[str, Any]) -> str:
    """A user-facing message for one pydantic error, naming the field and how to fix it."""
    label = loc_label(loc)
    kind = err["type"]
    if kind == "missing":
        return f"{label}: field required"
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, loc[:-1])
        hint = did_you_mean(str(loc[-1]), allowed) if allowed else ""
        return f"{label}: unknown field '{loc[-1]}'{hint}"
    msg = err["msg"]
    msg = msg[0].lower() + msg[1:] if msg else msg
    msg = msg.removeprefix("value error, ")
    value = err.get("input")
    if kind.startswith(("string_pattern", "enum", "literal")) and isinstance(value, str):
        msg = f"'{value}' is not valid: {msg}"
    return f"{label}: {msg}"


def _allowed_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the sub-model at ``loc``, for did-you-mean hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        current = _inner_model(fields[part].annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
