"""The links mailed to requesters (proof of address, rating, private link) are signed tokens that keep working across releases."""

from __future__ import annotations

import datetime as dt

from itsdangerous import URLSafeSerializer

from support.settings import load_settings
from support.tickets import notices

SETTINGS = load_settings()
NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
TICKET = {"id": 4711, "requester_email": "Tom.Technician@Example.com", "resolved_at": "2026-12-07T08:59:00+00:00",
          "token_hash": "ab" * 32}


def library(salt: str) -> URLSafeSerializer:
    """itsdangerous' own serializer with the portal's key: what every release has signed these links with."""
    return URLSafeSerializer(SETTINGS.secret_key.get_secret_value(), salt=salt)


def test_a_proof_link_is_the_token_the_library_writes_for_the_same_payload() -> None:
    payload = [4711, "tom.technician@example.com", int(NOW.timestamp())]
    assert notices.proof_token(SETTINGS, TICKET, NOW) == library("address-proof").dumps(payload)


def test_links_signed_before_are_still_read_compressed_or_not() -> None:
    proof = library("address-proof").dumps([4711, "tom.technician@example.com", int(NOW.timestamp())])
    rating = library("satisfaction-rating").dumps([4711, TICKET["resolved_at"]])
    long_mail_link = library("ticket-mail-link").dumps([4711, "x" * 200])  # long enough that zlib made it shorter
    assert long_mail_link.startswith(".")  # the compressed form
    assert notices.read_proof_token(SETTINGS, proof, NOW + dt.timedelta(days=1)) == (4711, "tom.technician@example.com")
    assert notices.read_rating_token(SETTINGS, rating) == (4711, TICKET["resolved_at"])
    assert notices.read_mail_token(SETTINGS, long_mail_link) == (4711, "x" * 200)


def test_a_link_signed_with_another_key_is_not_read() -> None:
    forged = URLSafeSerializer("another portal's key", salt="satisfaction-rating").dumps([4711, TICKET["resolved_at"]])
    assert notices.read_rating_token(SETTINGS, forged) is None
