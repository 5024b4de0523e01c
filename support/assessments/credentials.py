"""Certificates as Open Badges 3.0 credentials: signed VC-JWTs, a Bitstring Status List, verification.

Each certificate is issued, when its holder downloads it, as an ``OpenBadgeCredential`` (a W3C
Verifiable Credential) signed by ``openbadgeslib`` as a compact JWT (OB 3.0 section 8.2, EdDSA with the
portal's Ed25519 key, made once in ``<data_dir>/credentials/``). Its ``validUntil`` is the certificate's
expiry; its ``credentialStatus`` points at bit ``id % 131072`` of the signed status list
``<base>/credentials/status/<id // 131072>``, whose set bits are the revoked certificates.

Verification runs the library's verifier (signature, structure, validity window, status list with its
own signature) and then the portal's own record, so a credential is refused once its certificate is
revoked or expired by the app's clock, and when any byte of it was changed.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path
from typing import Any

from openbadgeslib.keys import KeyEd25519
from openbadgeslib.ob3 import Achievement, Issuer, OB3Signer, OB3Verifier, OB3VerificationError, OpenBadgeCredential
from openbadgeslib.ob3.credential import IdentityObject
from openbadgeslib.ob3.status_list import (DEFAULT_SIZE_BITS, build_status_list_credential, sign_status_list_credential,
                                          status_entry)

from support.assessments import certificates
from support.clock import parse
from support.db.store import Store

ALGORITHM = "EdDSA"
LIST_BITS = DEFAULT_SIZE_BITS
LIST_HOURS = 24  # a served status list is good for a day: an older copy cannot un-revoke a credential for long
NAMESPACE = uuid.UUID("6f1c5d3e-2a7b-4c1e-9d8f-18a0b0c0de18")
MAX_TOKEN = 20_000


class Refused(Exception):
    """A credential that does not verify; the message says why, for the person who pasted it."""


class Keys:
    """The portal's Ed25519 issuing key pair, kept in ``<data_dir>/credentials`` (created on first use, mode 0600)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        private, public = folder / "issuer-ed25519.pem", folder / "issuer-ed25519.pub.pem"
        if not private.exists():
            folder.mkdir(parents=True, exist_ok=True)
            priv_pem, pub_pem = KeyEd25519().generate_keypair()
            fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(priv_pem)
            public.write_bytes(pub_pem)
        self.private_pem, self.public_pem = private.read_bytes(), public.read_bytes()
        self.signer = OB3Signer(self.private_pem, algorithm=ALGORITHM)


KEY_FILES = ("issuer-ed25519.pem", "issuer-ed25519.pub.pem")
BACKUP_TABLE = "backup_credential_keys"


def pack_keys(conn: Any, data_dir: Path) -> int:
    """Copy the issuing key pair into a backup copy of the database (a credential's signature needs it); how many files."""
    folder = data_dir / "credentials"
    conn.execute(f"CREATE TABLE IF NOT EXISTS {BACKUP_TABLE} (name TEXT PRIMARY KEY, data BLOB NOT NULL)")
    packed = 0
    for name in KEY_FILES:
        if (folder / name).is_file():
            conn.execute(f"INSERT OR REPLACE INTO {BACKUP_TABLE} VALUES (?, ?)", [name, (folder / name).read_bytes()])
            packed += 1
    conn.commit()
    return packed


def unpack_keys(conn: Any, data_dir: Path) -> int:
    """Write a backup's key pair into ``<data_dir>/credentials`` unless a key is there already; how many files were written."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [BACKUP_TABLE]).fetchone() is None:
        return 0
    folder, rows = data_dir / "credentials", dict(conn.execute(f"SELECT name, data FROM {BACKUP_TABLE}").fetchall())
    if set(rows) != set(KEY_FILES) or (folder / KEY_FILES[0]).exists():
        return 0  # an incomplete pair is useless, and a key in place is never overwritten (credentials signed with it stay valid)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / KEY_FILES[0], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(rows[KEY_FILES[0]])
    (folder / KEY_FILES[1]).write_bytes(rows[KEY_FILES[1]])
    return 2


def issuer_id(base: str) -> str:
    """The issuer's id: the URL of its profile on this backend."""
    return f"{base}/credentials/issuer"


def status_url(base: str, cert_id: int) -> str:
    """The status list holding a certificate's revocation bit."""
    return f"{base}/credentials/status/{cert_id // LIST_BITS}"


def credential(cert: dict[str, Any], email: str, role_title: str, base: str, portal_name: str) -> OpenBadgeCredential:
    """The certificate as an (unsigned) Open Badges 3.0 credential; the holder is identified by a salted hash of their email."""
    achievement = Achievement(
        id=f"{base}/credentials/achievements/{cert['quiz_id']}", name=cert["name"], achievement_type="Certificate",
        description=f"{cert['name']}: certification for the role {role_title}.",
        criteria_narrative=f"Passed the assessment \"{cert['quiz_title']}\" at or above its pass mark.")
    return OpenBadgeCredential(
        issuer=Issuer(id=issuer_id(base), name=portal_name, url=base or None), recipient_id=None,
        achievement=achievement, id=f"urn:uuid:{uuid.uuid5(NAMESPACE, cert['code'])}", name=cert["name"],
        issuance_date=parse(cert["issued_at"]), expiration_date=parse(cert["expires_at"]),
        evidence_url=f"{base}/verify/{cert['code']}",
        identifiers=[IdentityObject.create(email.lower(), salt=cert["code"])],
        credential_status=[status_entry(status_url(base, cert["id"]), "revocation", cert["id"] % LIST_BITS)])


def sign(keys: Keys, cert: dict[str, Any], email: str, role_title: str, base: str, portal_name: str) -> str:
    """The certificate as a signed VC-JWT (compact JWS), what the holder downloads."""
    return keys.signer.sign(credential(cert, email, role_title, base, portal_name))


def status_list(db: Store, keys: Keys, base: str, number: int) -> str:
    """Status list ``number`` as a signed ``BitstringStatusListCredential`` JWT: one bit per certificate, set when revoked.

    Its window is the wall clock's, not the app's: the verifiers that read it check it against their own clocks.
    """
    low, high = number * LIST_BITS, (number + 1) * LIST_BITS
    revoked = [row["id"] % LIST_BITS for row in db.all(
        "SELECT id FROM certificates WHERE revoked_at IS NOT NULL AND id >= ? AND id < ?", [low, high])]
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    doc = build_status_list_credential(issuer_id(base), f"{base}/credentials/status/{number}", "revocation", revoked,
                                       LIST_BITS, issued=now, valid_until=now + dt.timedelta(hours=LIST_HOURS))
    return sign_status_list_credential(doc, keys.private_pem, ALGORITHM)


def verify(db: Store, keys: Keys, base: str, token: str, now: dt.datetime) -> dict[str, Any]:
    """The certificate a pasted credential stands for, if it verifies; ``Refused`` saying why otherwise.

    The library checks the signature, the structure, the validity window and the status list (fetched from
    this backend's own records, never over the network); the portal then checks its record of the certificate.
    """
    token = "".join(token.split())
    if not token:
        raise Refused("Paste a credential (the text of the .jwt file) or choose its file")
    if len(token) > MAX_TOKEN:
        raise Refused(f"This is longer than any credential this portal issues ({MAX_TOKEN} characters at most)")

    def fetch(url: str) -> bytes:
        prefix = f"{base}/credentials/status/"
        if not url.startswith(prefix) or not url[len(prefix):].isdigit():
            raise Refused("The credential's status list is not this portal's")
        return status_list(db, keys, base, int(url[len(prefix):])).encode()

    try:
        cred = OB3Verifier(keys.public_pem).verify(token, check_status=True, download=fetch)
    except Refused:
        raise
    except OB3VerificationError as exc:
        raise Refused(_plain(str(exc))) from None
    return _record(db, cred, base, now)


def _record(db: Store, cred: OpenBadgeCredential, base: str, now: dt.datetime) -> dict[str, Any]:
    if cred.issuer.id != issuer_id(base):
        raise Refused("The credential was not issued by this portal")
    code = (cred.evidence_url or "").rsplit("/", 1)[-1]
    row = db.one("SELECT * FROM certificates WHERE code = ?", [certificates.normalize_code(code)]) if code else None
    if row is None or cred.id != f"urn:uuid:{uuid.uuid5(NAMESPACE, row['code'])}":
        raise Refused("No certificate of this portal matches the credential")
    state = certificates.status(row, now)
    if state == "revoked":
        raise Refused(f"The certificate was revoked on {row['revoked_at'][:10]}")
    if state == "expired":
        raise Refused(f"The certificate expired on {row['expires_at'][:10]}")
    return row


def _plain(message: str) -> str:
    """The library's message, told to a person: a revoked status and a bad signature in words."""
    lowered = message.lower()
    if "revoked" in lowered or "'revocation' is set" in lowered:
        return "The certificate was revoked: its issuer's status list marks it"
    if "signature" in lowered or "invalid jwt" in lowered or "malformed" in lowered or "decode" in lowered:
        return "The credential was changed after it was signed, or is not a credential (the signature does not match)"
    return f"The credential does not verify: {message}"
