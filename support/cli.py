"""The backend's commands in the ``portal`` CLI: user, backup, restore, report, attempts.

``register(group)`` adds them to the lead's click group. User errors are ``ClickException``s
(``Error: ...``, exit 1), never tracebacks.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from generator.errors import Problems
from generator.sources import read_yaml_file, validate

from support.accounts import service as accounts
from support.clock import system_clock
from support.db.store import is_portal_database
from support.migrations import open_portal_store
from support.commandline import data_dir_option, database_path, print_tables, settings_for
from support.errors import Conflict
from support.migrations import MIGRATIONS
from support.tickets import attachments, business_hours, routing
from support.assessments import credentials
from support.periods import Period, ReportRange
from support.tickets.reports import ticket_report
from support.tickets.service import install_business_hours
from support.kb.service import parse_export

def register(group: click.Group) -> None:
    """Add ``user``, ``backup``, ``restore``, ``report``, ``attempts``, ``backend`` and ``migrate-db`` to the ``portal`` command group."""
    from support.assessments.commands import attempts, report_certifications

    report.add_command(report_certifications)
    from support.migrate_db import migrate_db

    for command in (user, backup, restore, report, attempts, backend, migrate_db):
        group.add_command(command)


@click.group()
def user() -> None:
    """Manage local accounts of the support backend."""


def _password_line() -> str:
    """The first line of standard input (``--password-stdin``); bytes that are not UTF-8 are a clean error."""
    stream = getattr(sys.stdin, "buffer", None)
    try:
        line = stream.readline().decode("utf-8") if stream is not None else sys.stdin.readline()
    except UnicodeDecodeError:
        raise click.ClickException("password: the input is not valid UTF-8 text; type it again") from None
    return line.rstrip("\r\n")


@user.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True, help="requester, trainer, agent or admin.")
@click.option("--name", default="", help="The person's display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@data_dir_option
def user_add(email: str, role: str, name: str, password_stdin: bool, data_dir: Path) -> None:
    """Create an account EMAIL with an argon2-hashed password (prompted for unless --password-stdin)."""
    if password_stdin:
        password = _password_line()
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problems = accounts.validate_new_user(email, role, password, name)
    if problems:
        raise click.ClickException("; ".join(f"{field}: {message}" for field, message in problems.items()))
    store = open_portal_store(database_path(data_dir, must_exist=False))
    try:
        accounts.add_user(store, email, role, password, name, system_clock())
    except Conflict as exc:
        raise click.ClickException(exc.detail) from None
    finally:
        store.close()
    click.echo(f"Added {role} {email}")


@user.command("passwd")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the new password from the first line of standard input.")
@data_dir_option
def user_passwd(email: str, password_stdin: bool, data_dir: Path) -> None:
    """Set a new password for EMAIL; every session of the account ends (it signs in again)."""
    if password_stdin:
        password = _password_line()
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    problem = accounts.validate_new_user("a@example.com", "requester", password).get("password")
    if problem:
        raise click.ClickException(f"password: {problem}")
    store = open_portal_store(database_path(data_dir))
    try:
        account = accounts.get_user_by_email(store, email)
        if account is None:
            raise click.ClickException(f"no account with email {email} (see `portal user list`)")
        ended = accounts.set_password(store, account["id"], password)
    finally:
        store.close()
    click.echo(f"Changed the password of {account['email']}; ended {ended} session(s)")


@user.command("list")
@data_dir_option
def user_list(data_dir: Path) -> None:
    """List accounts: email, role, state."""
    store = open_portal_store(database_path(data_dir))
    for row in accounts.list_users(store):
        click.echo(f"{row['email']}\t{row['role']}\t{'disabled' if row['disabled'] else 'active'}")
    store.close()


BACKUP_PATTERN = "portal-*.db"


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--keep", type=click.IntRange(min=1), help="FILE is a folder (created if need be): write portal-<UTC time>.db "
              "into it and delete all but the newest N such backups.")
@click.option("--force", is_flag=True, help="Replace FILE even when it is not a portal backup.")
@data_dir_option
def backup(file: Path, keep: int | None, force: bool, data_dir: Path) -> None:
    """Write a consistent copy of the database to FILE while the server keeps running (SQLite online backup).

    FILE may be a folder: the copy is then named ``portal-<UTC time>.db`` in it (for a scheduled backup).
    An existing FILE is replaced only when it is a portal backup (or with ``--force``); the live database never.
    """
    source_path = _sqlite_only(database_path(data_dir), "backup")
    try:
        if keep is not None:
            file.mkdir(parents=True, exist_ok=True)
        if file.is_dir():
            file = file / BACKUP_PATTERN.replace("*", dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ"))
        _check_backup_target(file, source_path, force)
        temp = file.with_name(file.name + ".partial")
        source, target = sqlite3.connect(source_path), sqlite3.connect(temp)
        try:
            source.backup(target)
            packed, missing = attachments.pack(target, data_dir)  # the attached files travel inside the copy
            keys = credentials.pack_keys(target, data_dir)  # and the key that signed the certificates' credentials
        finally:
            target.close()
            source.close()
        os.replace(temp, file)
    except (OSError, sqlite3.Error) as exc:
        raise click.ClickException(f"cannot write the backup to {file}: {exc}; choose a folder you can write to") from None
    click.echo(f"Backed up {source_path} and {packed} attached file(s){' with the credential signing key' if keys else ''} to {file}")
    for sha256 in missing:
        click.echo(f"Warning: attached file {sha256} is missing from {attachments.folder(data_dir)}", err=True)
    if keep is not None:
        for old in sorted(file.parent.glob(BACKUP_PATTERN))[:-keep]:
            old.unlink()
            click.echo(f"Deleted the older backup {old}")


def _check_backup_target(file: Path, source: Path, force: bool) -> None:
    """Refuse a target that is the live database (or one of its side files), or an existing file that is not a portal backup."""
    live = source.resolve()
    if file.resolve() in {live, *(live.with_name(live.name + side) for side in ("-wal", "-shm", "-journal"))}:
        raise click.ClickException(f"{file} is the live database the backup is taken from; write the backup somewhere else")
    if file.exists() and not force:
        reason = is_portal_database(file) if file.is_file() else "it is not a file"
        if reason is not None:
            raise click.ClickException(f"{file} exists and is not a portal backup ({reason}); choose another name, "
                                       "or add --force to replace it")


def _sqlite_only(where: Path | str, command: str) -> Path:
    """The SQLite file; a ``ClickException`` when PORTAL_DATABASE_URL names PostgreSQL (its own tools back it up)."""
    if isinstance(where, str):
        raise click.ClickException(f"{command} copies the SQLite file; with PORTAL_DATABASE_URL set use PostgreSQL's "
                                   "pg_dump / pg_restore (docs/deployment.md)")
    return where


@click.command("backend")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), envvar="PORTAL_SITE_DIR", required=True,
              help="The built site, served at / with its KB export (env PORTAL_SITE_DIR).")
@click.option("--portal-dir", type=click.Path(file_okay=False, path_type=Path), envvar="PORTAL_PORTAL_DIR", default=".",
              show_default=True, help="The portal folder, for its quizzes/ and content/roles/ (env PORTAL_PORTAL_DIR).")
@data_dir_option
def backend(host: str, port: int, site_dir: Path, portal_dir: Path, data_dir: Path) -> None:
    """Serve an already built site and the backend, without building or watching (for a service manager or a container).

    Migrations run at start-up; settings come from ``PORTAL_*`` (docs/deployment.md).
    """
    from support.server import serve

    if not (site_dir / "_portal" / "kb.json").is_file():
        raise click.ClickException(f"{site_dir} holds no built site (no _portal/kb.json): run `portal build` first")
    serve(portal_dir=portal_dir, site_dir=site_dir, host=host, port=port, data_dir=data_dir)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@data_dir_option
def restore(file: Path, data_dir: Path) -> None:
    """Replace the database with backup FILE, after checking it is an intact portal database.

    The copy goes through SQLite's backup API into the live file in one step, so a running
    server sees either the old or the restored data, never a mix. The replaced database is kept
    next to it as ``portal.db.before-restore-<time>``.
    """
    problem = is_portal_database(file) or _newer_schema(file)
    if problem:
        raise click.ClickException(f"{file} cannot be restored: {problem}")
    target_path = _sqlite_only(database_path(data_dir, must_exist=False), "restore")
    target_path.parent.mkdir(parents=True, exist_ok=True)
    if target_path.exists():
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        _copy(target_path, target_path.with_name(f"portal.db.before-restore-{stamp}"))
    backup_copy = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        written = attachments.unpack(backup_copy, data_dir)
        keys = credentials.unpack_keys(backup_copy, data_dir)
    finally:
        backup_copy.close()
    _copy(file, target_path)
    live = sqlite3.connect(target_path, timeout=30)
    try:
        live.execute(f"DROP TABLE IF EXISTS {attachments.BACKUP_TABLE}")  # the files are in the attachment folder now
        live.execute(f"DROP TABLE IF EXISTS {credentials.BACKUP_TABLE}")
        live.commit()
    finally:
        live.close()
    open_portal_store(target_path).close()  # bring an older backup's schema up to date
    key_note = "; the credential signing key written" if keys else ""
    click.echo(f"Restored {file} into {target_path} ({written} attached file(s) written to {attachments.folder(data_dir)}{key_note})")


def _copy(source_path: Path, target_path: Path) -> None:
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path, timeout=30)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _newer_schema(file: Path) -> str | None:
    conn = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        versions = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
    finally:
        conn.close()
    unknown = versions - {m.version for m in MIGRATIONS}
    return f"it was written by a newer version (schema migrations {sorted(unknown)})" if unknown else None


@click.group()
def report() -> None:
    """Reports from the support backend."""


def _range_problem(error: Any) -> str:
    """``--from: message`` for one error of a report range."""
    message = error["msg"].removeprefix("Value error, ")
    return f"--{error['loc'][0]}: {message}" if error["loc"] else f"--{message}"


@report.command("tickets")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False, path_type=Path), help="Also write each table as DIR/<table>.csv.")
@click.option("--from", "start", default="", help="First day (YYYY-MM-DD, in PORTAL_TIME_ZONE), included.")
@click.option("--to", "end", default="", help="Last day (YYYY-MM-DD), included.")
@data_dir_option
def report_tickets(csv_dir: Path | None, start: str, end: str, data_dir: Path) -> None:
    """SLA compliance, response times, deflection, escalation, backlog and knowledge gaps (of tickets filed --from..--to)."""
    try:
        span = ReportRange.model_validate({"from": start, "to": end})
    except ValidationError as exc:
        raise click.UsageError("; ".join(_range_problem(e) for e in exc.errors())) from None
    settings = settings_for(data_dir)
    install_business_hours(settings)
    store = open_portal_store(database_path(data_dir))
    titles = {}
    if settings.kb_file and settings.kb_file.is_file():
        titles = {i: p.get("title", i) for i, p in parse_export(settings.kb_file.read_bytes())[0].items()}
    tables = ticket_report(store, settings, system_clock(), titles, period=Period(span, settings.time_zone))
    store.close()
    print_tables(tables, csv_dir)


def check_sources(root: Path, problems: Problems) -> None:
    """``portal check``'s part (the ``portal.checks`` entry point): every problem of ``routing.yml`` and
    ``business-hours.yml`` in ``root`` (each optional), with the folder's relative paths.

    The running backend reads these files itself, logs the same problems and keeps the last good file.
    """
    for name, model, cross_check in (
        ("routing.yml", routing.RoutingFile, routing.check),
        ("business-hours.yml", business_hours.HoursFile, business_hours.check),
    ):
        file = Path(root) / name
        if not file.is_file():
            continue
        doc = read_yaml_file(file, name, problems)
        spec = validate(model, doc, problems) if doc is not None else None
        if isinstance(spec, model):
            cross_check(spec, doc, problems, name)
