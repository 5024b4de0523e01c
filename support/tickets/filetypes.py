"""What each attachable file type is: the type it is served as, and how its content is recognised.

The type a file is served as comes from this table, never from what the client said. A file whose
content does not look like its extension (an HTML page named ``.png``) is refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from support.settings import ATTACHMENT_EXTENSIONS


@dataclass(frozen=True)
class FileType:
    """One attachable type."""

    label: str
    mime: str
    magic: tuple[bytes, ...] = ()  # the content starts with one of these (none: text, checked as UTF-8)
    image: bool = False  # shown as a thumbnail (an <img>, in which no script runs)
    binary: bool = True


TYPES = {
    "png": FileType("a PNG image", "image/png", (b"\x89PNG\r\n\x1a\n",), image=True),
    "jpg": FileType("a JPEG image", "image/jpeg", (b"\xff\xd8\xff",), image=True),
    "jpeg": FileType("a JPEG image", "image/jpeg", (b"\xff\xd8\xff",), image=True),
    "gif": FileType("a GIF image", "image/gif", (b"GIF87a", b"GIF89a"), image=True),
    "webp": FileType("a WebP image", "image/webp", (b"RIFF",), image=True),
    "pdf": FileType("a PDF document", "application/pdf", (b"%PDF-",)),
    "zip": FileType("a ZIP archive", "application/zip", (b"PK\x03\x04", b"PK\x05\x06")),
    "txt": FileType("a text file", "text/plain; charset=utf-8", binary=False),
    "log": FileType("a log file", "text/plain; charset=utf-8", binary=False),
    "csv": FileType("a CSV file", "text/csv; charset=utf-8", binary=False),
    "json": FileType("a JSON file", "application/json", binary=False),
    "svg": FileType("an SVG image", "image/svg+xml", binary=False),  # never a thumbnail: an SVG may hold scripts
}
assert set(TYPES) == set(ATTACHMENT_EXTENSIONS), "support.settings.ATTACHMENT_EXTENSIONS and TYPES must list the same types"
UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;]+')


def extension(name: str) -> str:
    """The lower-case extension of a file name ('' if none)."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def matches(ext: str, head: bytes) -> bool:
    """Whether content starting with ``head`` looks like a file of type ``ext``."""
    kind = TYPES[ext]
    if kind.binary:
        return head.startswith(kind.magic) and (ext != "webp" or head[8:12] == b"WEBP")
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # only a character cut at the end of the sample is forgiven
            return False
    return ext != "svg" or b"<svg" in head.lower()


def safe_name(name: str, ext: str = "") -> str:
    """A file name safe to store and send back: no folders, control or reserved characters, at most 120 characters."""
    base = unicodedata.normalize("NFC", re.split(r"[/\\]", name)[-1])
    base = re.sub(r"\s+", " ", UNSAFE.sub("_", base)).strip(" ._")
    if not base:
        return f"file.{ext}" if ext else "file"
    if len(base) > 120:
        keep = f".{extension(base)}" if extension(base) else ""
        base = base[: 120 - len(keep)] + keep
    return base
