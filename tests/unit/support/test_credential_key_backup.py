"""The credential signing key travels in a backup: credentials issued before a restore still verify after it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from support.assessments import credentials


def test_the_key_pair_is_packed_into_a_backup_and_written_back_only_where_none_is(tmp_path: Path) -> None:
    data = tmp_path / "data"
    keys = credentials.Keys(data / "credentials")
    copy = sqlite3.connect(tmp_path / "backup.db")
    assert credentials.pack_keys(copy, data) == 2
    elsewhere = tmp_path / "new-machine"
    assert credentials.unpack_keys(copy, elsewhere) == 2
    assert credentials.Keys(elsewhere / "credentials").public_pem == keys.public_pem
    assert (elsewhere / "credentials" / "issuer-ed25519.pem").stat().st_mode & 0o777 == 0o600
    other = credentials.Keys(tmp_path / "other" / "credentials")
    assert credentials.unpack_keys(copy, tmp_path / "other") == 0  # a key in place is never overwritten
    assert credentials.Keys(tmp_path / "other" / "credentials").public_pem == other.public_pem


def test_a_backup_without_keys_writes_none(tmp_path: Path) -> None:
    copy = sqlite3.connect(tmp_path / "backup.db")
    assert credentials.pack_keys(copy, tmp_path / "no-data") == 0
    assert credentials.unpack_keys(copy, tmp_path / "target") == 0
    assert not (tmp_path / "target" / "credentials").exists()
