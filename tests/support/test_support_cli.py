"""The backend's CLI commands: user add, backup and restore while the server runs, report, help texts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from support.cli import register
from support.errors import SettingsError
from support.settings import load_settings
from support_harness import PASSWORD, Live


@click.group()
def portal() -> None:
    """Stand-in for the lead's ``portal`` group."""


register(portal)


def run(*args: str, stdin: str | None = None) -> click.testing.Result:
    """Invoke ``portal ARGS`` in-process."""
    return CliRunner().invoke(portal, list(args), input=stdin, catch_exceptions=False)


def test_every_command_has_help() -> None:
    """Each command and group registered by the backend has a help text."""
    def walk(command: click.Command, path: str) -> None:
        assert command.help, f"{path} has no help"
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")
    for name, command in portal.commands.items():
        walk(command, name)
    assert run("user", "add", "--help").exit_code == 0


def test_user_add_creates_an_account_that_can_sign_in(live: Live) -> None:
    """``portal user add EMAIL --role agent --password-stdin`` creates an agent who can log in."""
    result = run("user", "add", "sam@example.com", "--role", "agent", "--name", "Sam", "--password-stdin",
                 "--data-dir", str(live.data_dir), stdin=PASSWORD + "\n")
    assert result.exit_code == 0 and result.output == "Added agent sam@example.com\n"
    client = live.client()
    client.login("sam@example.com")
    assert client.get("/support/queue").status_code == 200


def test_user_add_errors_are_clean_messages(tmp_path: Path) -> None:
    """A duplicate email or a short password ends with ``Error: ...`` and exit 1, no traceback."""
    args = ["user", "add", "sam@example.com", "--role", "agent", "--password-stdin", "--data-dir", str(tmp_path)]
    assert run(*args, stdin=PASSWORD + "\n").exit_code == 0
    duplicate = run(*args, stdin=PASSWORD + "\n")
    assert (duplicate.exit_code, duplicate.output) == (1, "Error: A user with email sam@example.com already exists\n")
    short = run("user", "add", "kim@example.com", "--role", "agent", "--password-stdin", "--data-dir", str(tmp_path), stdin="abc\n")
    assert (short.exit_code, short.output) == (1, "Error: password: Use at least 8 characters.\n")


@pytest.mark.sqlite_only
def test_backup_while_running_and_restore(live: Live, tmp_path: Path) -> None:
    """A backup taken while the server runs restores exactly: later tickets vanish, earlier ones stay readable."""
    kept = live.file(subject="Before the backup")
    backup_file = tmp_path / "backup.db"
    result = run("backup", str(backup_file), "--data-dir", str(live.data_dir))
    assert result.exit_code == 0, result.output
    later = live.file(subject="After the backup")
    restored = run("restore", str(backup_file), "--data-dir", str(live.data_dir))
    assert restored.exit_code == 0, restored.output
    client = live.client()
    assert client.get(f"/api/t/{kept['token']}").json()["subject"] == "Before the backup"
    assert client.get(f"/api/t/{later['token']}").status_code == 404
    assert list(live.data_dir.glob("portal.db.before-restore-*"))


def test_restore_refuses_a_file_that_is_not_a_portal_database(tmp_path: Path) -> None:
    """Restore checks the file first: text and foreign SQLite files are refused with a reason."""
    text = tmp_path / "notes.db"
    text.write_text("hello")
    result = run("restore", str(text), "--data-dir", str(tmp_path / "data"))
    assert result.exit_code == 1 and "cannot be restored: it is not a readable SQLite database" in result.output
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    result = run("restore", str(foreign), "--data-dir", str(tmp_path / "data"))
    assert result.exit_code == 1 and "it is not a portal database (wrong application id)" in result.output
    assert not (tmp_path / "data" / "portal.db").exists()


def test_backup_without_database_is_a_clean_error(tmp_path: Path) -> None:
    """Backing up a data dir without a database names the missing file."""
    result = run("backup", str(tmp_path / "b.db"), "--data-dir", str(tmp_path / "empty"))
    assert result.exit_code == 1 and result.output.startswith("Error: no portal database at ")


def test_report_prints_tables_and_writes_csv(live: Live, tmp_path: Path) -> None:
    """``portal report tickets --csv DIR`` prints every table and writes one CSV per table."""
    live.file(priority="P1")
    result = run("report", "tickets", "--csv", str(tmp_path / "csv"), "--data-dir", str(live.data_dir))
    assert result.exit_code == 0, result.output
    assert "SLA compliance per priority" in result.output and "Tickets with no article" in result.output
    names = sorted(p.name for p in (tmp_path / "csv").iterdir())
    assert names == ["backlog.csv", "deflection.csv", "escalation.csv", "knowledge_gaps.csv", "response_times.csv",
                     "satisfaction.csv", "satisfaction_comments.csv", "sla_compliance.csv", "targets.csv", "top_articles.csv"]
    assert (tmp_path / "csv" / "backlog.csv").read_text().splitlines()[1] == "P1,1,0,0,0,0,1"


def test_production_refuses_the_placeholder_secret(tmp_path: Path) -> None:
    """Starting in production without a real secret key stops with a message naming the setting."""
    with pytest.raises(SettingsError, match="PORTAL_SECRET_KEY: the default placeholder secret cannot be used in production"):
        load_settings(environment="production", data_dir=tmp_path)
    with pytest.raises(SettingsError, match=r"PORTAL_SLA_P1_RESOLUTION: expected a number of seconds \(3600\) or an ISO 8601 duration"):
        load_settings(sla_p1_resolution="soon", data_dir=tmp_path)


@pytest.mark.sqlite_only
def test_backup_never_replaces_the_live_database_or_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    """The live database (or its WAL) as the target is refused; an existing other file is kept unless ``--force``;
    an earlier backup is replaced; a folder that cannot be written is an ``Error:``, not a traceback."""
    data = tmp_path / "data"
    assert run("user", "add", "sam@example.com", "--role", "agent", "--password-stdin", "--data-dir", str(data),
               stdin=PASSWORD + "\n").exit_code == 0
    before = (data / "portal.db").read_bytes()
    for target in (data / "portal.db", data / "portal.db-wal"):
        refused = run("backup", str(target), "--data-dir", str(data))
        assert refused.exit_code == 1 and "is the live database" in refused.output
    assert (data / "portal.db").read_bytes() == before
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me")
    refused = run("backup", str(notes), "--data-dir", str(data))
    assert refused.exit_code == 1 and "is not a portal backup" in refused.output and "--force" in refused.output
    assert notes.read_text() == "keep me"
    assert run("backup", str(notes), "--force", "--data-dir", str(data)).exit_code == 0
    again = tmp_path / "b.db"
    assert run("backup", str(again), "--data-dir", str(data)).exit_code == 0
    assert run("backup", str(again), "--data-dir", str(data)).exit_code == 0
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    unwritable = run("backup", str(blocked / "b.db"), "--data-dir", str(data))
    assert unwritable.exit_code == 1 and unwritable.output.startswith("Error: cannot write the backup to ")


def test_user_add_refuses_what_the_sign_in_form_could_never_open(tmp_path: Path) -> None:
    """The API's limits: an address over 254 characters, a password over 200, a name over 120, bytes that are not UTF-8."""
    def add(email: str, password: str | bytes = PASSWORD, name: str = "") -> click.testing.Result:
        line = password + b"\n" if isinstance(password, bytes) else (password + "\n").encode()
        return CliRunner().invoke(portal, ["user", "add", email, "--role", "agent", "--name", name, "--password-stdin",
                                           "--data-dir", str(tmp_path)], input=line)
    long_email = add("a" * 300 + "@example.com")
    assert long_email.exit_code == 1 and long_email.output.startswith("Error: email:")
    long_password = add("kim@example.com", "p" * 201)
    assert (long_password.exit_code, long_password.output) == (1, "Error: password: Use at most 200 characters.\n")
    assert add("kim@example.com", name="n" * 121).output.startswith("Error: name:")
    not_text = add("kim@example.com", b"\xff\xfepassword-long-enough")
    assert not_text.exit_code == 1 and "not valid UTF-8" in not_text.output
    assert add("kim@example.com").exit_code == 0


def test_report_csv_into_a_place_that_cannot_be_written_is_a_clean_error(tmp_path: Path) -> None:
    """``--csv`` under a file: ``Error: cannot write the CSV files ...`` and exit 1."""
    assert run("user", "add", "sam@example.com", "--role", "agent", "--password-stdin", "--data-dir", str(tmp_path / "d"),
               stdin=PASSWORD + "\n").exit_code == 0
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("report", "tickets", "--csv", str(blocker / "csv"), "--data-dir", str(tmp_path / "d"))
    assert result.exit_code == 1 and "Error: cannot write the CSV files to" in result.output
