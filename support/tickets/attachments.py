"""Attachments: files kept under ``<data_dir>/attachments`` by the SHA-256 of their content, and a row per file attached.

The folder is outside any served folder (settings refuse a data folder inside the site); files are
sent only through the routes in ``routes/attachments.py``, after the ticket's access check. A file is
written (and synced) before the transaction that records it, so a refused or failed upload leaves no
row; an unreferenced file left by a crash is harmless and is stored again under the same name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import sqlite3
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from support.db.store import Store
from support.errors import NotFound, SupportError
from support.settings import Settings
from support.tickets import filetypes

CHUNK = 256 * 1024
HEAD = 4096  # how much of a file its type is recognised from
BACKUP_TABLE = "backup_attachment_files"


class UploadRefused(SupportError):
    """A file that cannot be attached: too large (413) or of a type not allowed, empty or disguised (422)."""

    def __init__(self, status: int, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.status, self.field, self.message = status, field, detail


@dataclass(frozen=True)
class Stored:
    """A file written to the attachment folder, not yet attached to anything."""

    name: str
    ext: str
    size: int
    sha256: str


def folder(data_dir: Path) -> Path:
    """Where attachment files are kept."""
    return data_dir / "attachments"


def blob_path(data_dir: Path, sha256: str) -> Path:
    """The file holding the content with this hash."""
    return folder(data_dir) / sha256[:2] / sha256


def megabytes(size: int) -> str:
    """A size for people: ``10 MB``, ``2.5 MB``, ``800 kB``."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} kB"


def take(settings: Settings, field: str, files: Iterable[tuple[str, BinaryIO]], already: int = 0) -> list[Stored]:
    """Check and store uploaded files (name, stream); ``UploadRefused`` names the field, the file and the limit.

    ``already`` is what the ticket holds: the per-ticket limit counts it.
    """
    stored, total = [], already
    for name, stream in files:
        item = _take_one(settings, field, name, stream)
        total += item.size
        if total > settings.attachment_ticket_max_bytes:
            raise UploadRefused(413, field, f"{item.name} would bring the ticket's attachments to {megabytes(total)}; "
                                f"the limit per ticket is {megabytes(settings.attachment_ticket_max_bytes)}")
        stored.append(item)
    return stored


def _take_one(settings: Settings, field: str, name: str, stream: BinaryIO) -> Stored:
    ext = filetypes.extension(name)
    shown = filetypes.safe_name(name, ext)
    if ext not in settings.attachment_types:
        raise UploadRefused(422, field, f"{shown} cannot be attached: the types allowed are {', '.join(settings.attachment_types)}")
    root = folder(settings.data_dir) / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=root, delete=False) as out:
        try:
            size, digest = _copy(settings, field, shown, ext, stream, out)
        except BaseException:
            out.close()
            os.unlink(out.name)
            raise
    target = blob_path(settings.data_dir, digest)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(out.name, target)  # the same content has the same name: storing it twice is harmless
    return Stored(shown, ext, size, digest)


def _copy(settings: Settings, field: str, shown: str, ext: str, stream: BinaryIO, out: Any) -> tuple[int, str]:
    """Copy ``stream`` to ``out`` checking size and type as it goes; (size, sha256)."""
    digest, size, head = hashlib.sha256(), 0, b""
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > settings.attachment_max_bytes:
            raise UploadRefused(413, field, f"{shown} is larger than {megabytes(settings.attachment_max_bytes)}, "
                                "the limit per file")
        if len(head) < HEAD:
            head += chunk[: HEAD - len(head)]
            if len(head) >= HEAD:
                _check_type(field, shown, ext, head)
        digest.update(chunk)
        out.write(chunk)
    if size == 0:
        raise UploadRefused(422, field, f"{shown} is empty")
    _check_type(field, shown, ext, head)
    out.flush()
    os.fsync(out.fileno())
    return size, digest.hexdigest()


def _check_type(field: str, shown: str, ext: str, head: bytes) -> None:
    if not filetypes.matches(ext, head):
        raise UploadRefused(422, field, f"{shown} is not {filetypes.TYPES[ext].label} (its content does not match its name)")


def mime(ext: str) -> str:
    """The type a file of this extension is served as."""
    return filetypes.TYPES[ext].mime


def from_mail(settings: Settings, parts: Iterable[tuple[str, bytes]]) -> tuple[list[Stored], list[str]]:
    """Store a message's attachments (file name, content); (those kept, why each other one was not)."""
    kept: list[Stored] = []
    refused: list[str] = []
    for name, data in parts:
        try:
            kept += take(settings, "attachment", [(name, io.BytesIO(data))], sum(k.size for k in kept))
        except UploadRefused as exc:
            refused.append(exc.message)
    return kept, refused


def record(db: Store, ticket_id: int, message_id: int | None, items: list[Stored], actor: str, now: dt.datetime) -> None:
    """Attach stored files to a ticket (and to one of its messages), inside the caller's transaction."""
    for item in items:
        db.insert("attachments", {"ticket_id": ticket_id, "message_id": message_id, "sha256": item.sha256, "name": item.name,
                                  "extension": item.ext, "size": item.size, "uploaded_by": actor, "created_at": now.isoformat()})


def total_size(db: Store, ticket_id: int) -> int:
    """The bytes a ticket's attachments take together."""
    row = db.one("SELECT COALESCE(SUM(size), 0) AS n FROM attachments WHERE ticket_id = ?", [ticket_id])
    return row["n"] if row else 0


def of_ticket(db: Store, ticket_id: int, include_internal: bool) -> list[dict[str, Any]]:
    """A ticket's attachments, oldest first; those of internal notes only with ``include_internal``."""
    rows = db.all("SELECT a.*, COALESCE(m.internal, 0) AS internal FROM attachments a LEFT JOIN messages m ON m.id = a.message_id "
                  "WHERE a.ticket_id = ? ORDER BY a.id", [ticket_id])
    return [_public(r) for r in rows if include_internal or not r["internal"]]


def _public(row: dict[str, Any]) -> dict[str, Any]:
    kind = filetypes.TYPES.get(row["extension"])
    return {**row, "image": bool(kind and kind.image), "size_text": megabytes(row["size"])}


def attachment(db: Store, ticket_id: int, attachment_id: int, include_internal: bool) -> dict[str, Any]:
    """One attachment of a ticket, as the viewer may see it; ``NotFound`` otherwise."""
    for row in of_ticket(db, ticket_id, include_internal):
        if row["id"] == attachment_id:
            return row
    raise NotFound(f"Attachment {attachment_id} not found")


def pack(conn: sqlite3.Connection, data_dir: Path) -> tuple[int, list[str]]:
    """Copy every attached file into a backup copy of the database (table ``backup_attachment_files``).

    Returns (files packed, hashes whose file is missing from the attachment folder).
    """
    conn.execute(f"CREATE TABLE IF NOT EXISTS {BACKUP_TABLE} (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL)")
    packed, missing = 0, []
    for (sha256,) in conn.execute("SELECT DISTINCT sha256 FROM attachments").fetchall():
        path = blob_path(data_dir, sha256)
        if not path.is_file():
            missing.append(sha256)
            continue
        conn.execute(f"INSERT OR REPLACE INTO {BACKUP_TABLE} VALUES (?, ?)", [sha256, path.read_bytes()])
        packed += 1
    conn.commit()
    return packed, missing


def unpack(conn: sqlite3.Connection, data_dir: Path) -> int:
    """Write the files a backup carries into the attachment folder (those not there already); how many were written."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [BACKUP_TABLE]).fetchone() is None:
        return 0
    written = 0
    for sha256, data in conn.execute(f"SELECT sha256, data FROM {BACKUP_TABLE}"):
        path = blob_path(data_dir, sha256)
        if path.is_file() or hashlib.sha256(data).hexdigest() != sha256:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(path.name + ".partial")
        temp.write_bytes(data)
        os.replace(temp, path)
        written += 1
    return written
