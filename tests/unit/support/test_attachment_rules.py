"""Attachment rules without a server: types recognised from content, names made safe, limits checked, settings validated."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from support.errors import SettingsError
from support.settings import load_settings
from support.tickets import attachments, filetypes


@pytest.mark.parametrize(("ext", "head", "ok"), [
    ("png", b"\x89PNG\r\n\x1a\nrest", True), ("png", b"<html><script>", False), ("jpg", b"\xff\xd8\xff\xe0", True),
    ("gif", b"GIF89a...", True), ("webp", b"RIFF\x00\x00\x00\x00WEBPVP8", True), ("webp", b"RIFF\x00\x00\x00\x00WAVE", False),
    ("pdf", b"%PDF-1.7", True), ("zip", b"PK\x03\x04", True), ("txt", "naïve log line\n".encode(), True),
    ("log", b"binary\x00data", False), ("txt", b"\xff\xfe\xfd bad utf-8 at the start", False),
    ("txt", "cut at the end: é".encode()[:-1], True), ("svg", b"<?xml version='1.0'?><svg xmlns=...>", True),
    ("svg", b"<html>not an svg</html>", False),
])
def test_content_must_look_like_its_extension(ext: str, head: bytes, ok: bool) -> None:
    """Binary types by their first bytes, text as UTF-8 without NUL bytes, SVG by its root element."""
    assert filetypes.matches(ext, head) is ok


@pytest.mark.parametrize(("name", "safe"), [
    ("../../etc/passwd.txt", "passwd.txt"), ("C:\\Users\\me\\shot.png", "shot.png"), ('a<b>:"c"|?*.log', "a_b_c_.log"),
    ("line\r\nbreak.txt", "line_break.txt"), ("...", "file.txt"), ("x" * 200 + ".png", "x" * 116 + ".png"),
])
def test_names_are_made_safe(name: str, safe: str) -> None:
    """No folders, control or reserved characters, no leading dots, at most 120 characters with the extension kept."""
    assert filetypes.safe_name(name, "txt" if name == "..." else filetypes.extension(name)) == safe


def test_take_refuses_past_the_limits_and_keeps_nothing(tmp_path: Path) -> None:
    """A file over the per-file limit is a 413 naming it; the temporary copy is removed; a good one is kept by its hash."""
    settings = load_settings(data_dir=tmp_path, attachment_max_bytes=2048, attachment_ticket_max_bytes=4096)
    with pytest.raises(attachments.UploadRefused) as refused:
        attachments.take(settings, "attachments", [("big.txt", io.BytesIO(b"a" * 3000))])
    assert (refused.value.status, refused.value.detail) == (413, "attachments: big.txt is larger than 2 kB, the limit per file")
    assert list((tmp_path / "attachments" / "tmp").iterdir()) == []
    [kept] = attachments.take(settings, "attachments", [("ok.txt", io.BytesIO(b"fine"))], already=100)
    assert attachments.blob_path(tmp_path, kept.sha256).read_bytes() == b"fine"
    with pytest.raises(attachments.UploadRefused, match="the limit per ticket is 4 kB"):
        attachments.take(settings, "attachments", [("ok.txt", io.BytesIO(b"fine"))], already=4095)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"attachment_types": "png,exe"}, "PORTAL_ATTACHMENT_TYPES: unknown file type 'exe'"),
    ({"attachment_max_bytes": 4096, "attachment_ticket_max_bytes": 2048},
     "PORTAL_ATTACHMENT_MAX_BYTES: must not be more than PORTAL_ATTACHMENT_TICKET_MAX_BYTES"),
    ({"attachment_max_bytes": 10}, "PORTAL_ATTACHMENT_MAX_BYTES: Input should be greater than or equal to 1024"),
])
def test_attachment_settings_are_validated_at_start(overrides: dict, message: str) -> None:
    """Unknown types, a per-file limit above the per-ticket one, and absurd limits stop the start, naming the setting."""
    with pytest.raises(SettingsError) as error:
        load_settings(**overrides)
    assert message in str(error.value)


def test_a_data_folder_inside_the_served_site_is_refused(tmp_path: Path) -> None:
    """Attachments live in the data folder, so it may not be inside the folder the server serves."""
    with pytest.raises(SettingsError, match="PORTAL_DATA_DIR: must not be inside PORTAL_SITE_DIR"):
        load_settings(site_dir=tmp_path, data_dir=tmp_path / "data")
