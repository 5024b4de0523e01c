"""Settings of the support backend (environment variables ``PORTAL_*``), validated at start-up."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (Field, SecretStr, ValidationError, ValidatorFunctionWrapHandler, WrapValidator, field_validator,
                      model_validator)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from support.errors import SettingsError
from support.timezones import zones

PLACEHOLDER_SECRET = "insecure-development-key-change-me"
PRIORITIES = ("P1", "P2", "P3", "P4")
SECONDS = re.compile(r"\s*[+-]?[0-9]+(\.[0-9]+)?\s*")
LONGEST = dt.timedelta(days=3650)  # much longer would overflow the date arithmetic of SLA clocks (year 9999)
SECRETS = ("secret_key", "metrics_token", "hr_api_token")  # never echoed in an error message
LOOPBACK = ("localhost", "127.0.0.1", "::1")
OUT_OF_RANGE = "must be more than 0 seconds and at most 3650 days"
MIB = 1024 * 1024
ATTACHMENT_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "webp", "pdf", "txt", "log", "csv", "json", "zip", "svg")  # see support.tickets.filetypes
DEFAULT_ATTACHMENT_TYPES = ("png", "jpg", "jpeg", "gif", "webp", "pdf", "txt", "log", "csv", "json", "zip")


def _duration(value: Any, handler: ValidatorFunctionWrapHandler) -> dt.timedelta:
    """Seconds (``3600``, also as text from the environment) or ISO 8601 (``PT1H``, ``P3D``); above zero, at most 10 years."""
    if isinstance(value, str) and SECONDS.fullmatch(value):
        value = float(value)  # pydantic reads a bare number only as a number, not as text
    if isinstance(value, (int, float)) and not 0 < value <= LONGEST.total_seconds():
        raise ValueError(OUT_OF_RANGE)
    try:
        duration = handler(value)
    except ValidationError:
        raise ValueError("expected a number of seconds (3600) or an ISO 8601 duration (PT1H, P3D)") from None
    if not dt.timedelta(0) < duration <= LONGEST:
        raise ValueError(OUT_OF_RANGE)
    return duration


Duration = Annotated[dt.timedelta, WrapValidator(_duration)]


class Settings(BaseSettings):
    """Every setting, with its default; each can be set as ``PORTAL_<NAME>`` in the environment.

    Durations accept seconds (``3600``) or ISO 8601 (``PT1H``, ``P3D``), more than 0 and at most 3650 days.
    """

    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="forbid")

    data_dir: Path = Path(".portal-data")
    database_url: str = Field("", description="postgresql://... to keep the data in PostgreSQL; empty: <data_dir>/portal.db (SQLite).")
    site_dir: Path | None = None
    kb_path: Path | None = Field(None, description="Defaults to <site_dir>/_portal/kb.json.")
    portal_dir: Path | None = Field(None, description="The portal folder: quizzes and roles default to its quizzes/ and content/roles/.")
    quizzes_dir: Path | None = Field(None, description="Quiz sources; defaults to <portal_dir>/quizzes.")
    roles_dir: Path | None = Field(None, description="Role sources; defaults to <portal_dir>/content/roles.")
    routing_file: Path | None = Field(None, description="Routing groups and rules (YAML); defaults to <portal_dir>/routing.yml.")
    secret_key: SecretStr = SecretStr(PLACEHOLDER_SECRET)
    environment: Literal["development", "production"] = "development"
    base_url: str = Field("", description="Public URL of the backend, e.g. https://support.example.com.")
    site_url: str = Field("", description="Public URL of the static site when hosted on its own.")
    allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    categories: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["Question", "Problem", "Access request", "Documentation feedback"]
    )
    sla_p1_first_response: Duration = dt.timedelta(hours=1)
    sla_p1_resolution: Duration = dt.timedelta(hours=4)
    sla_p2_first_response: Duration = dt.timedelta(hours=4)
    sla_p2_resolution: Duration = dt.timedelta(days=1)
    sla_p3_first_response: Duration = dt.timedelta(days=1)
    sla_p3_resolution: Duration = dt.timedelta(days=3)
    sla_p4_first_response: Duration = dt.timedelta(days=3)
    sla_p4_resolution: Duration = dt.timedelta(days=10)
    sla_warning_window: Duration = dt.timedelta(hours=1)
    sla_warning_fraction: float = Field(0.25, gt=0, lt=1)
    sla_sweep_seconds: int = Field(60, ge=0, description="0 turns the background sweep off.")
    source_check_seconds: float = Field(1.0, ge=0, description="How often, at most, to look for a changed kb.json, quiz or "
                                        "role file (0: on every request that uses them).")
    suggestion_count: int = Field(5, ge=1, le=20)
    page_size: int = Field(25, ge=5, le=200)
    alert_token: SecretStr | None = Field(None, description="The secret an alert source sends (Authorization: Bearer); unset: alerts in are off.")
    alert_resolves: bool = Field(False, description="A resolved alert group also resolves its ticket (it always adds a note).")
    session_max_age: int = Field(14 * 24 * 3600, ge=300)
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Addresses or networks (10.0.0.0/8) whose X-Forwarded-For and -Proto are believed.")
    metrics_token: SecretStr | None = Field(None, description="Bearer token that opens /metrics.")
    metrics_allow: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Addresses or networks that may read /metrics without the token.")
    log_format: Literal["text", "json"] = Field("text", description="json: one JSON object per line, for log collectors.")
    smtp_host: str = Field("", description="The SMTP server; empty: each message is written to <data_dir>/mail/ as an .eml file.")
    smtp_port: int | None = Field(None, ge=1, le=65535, description="Defaults to 25 (none), 587 (starttls) or 465 (ssl).")
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_security: Literal["none", "starttls", "ssl"] = "starttls"
    smtp_timeout: float = Field(30.0, gt=0, le=600)
    mail_from: str = Field("Support portal <support@localhost>", description="The From: of every message the portal sends.")
    mail_poll_seconds: float = Field(1.0, gt=0, le=3600, description="How often the sender looks for queued mail.")
    maildir: Path | None = Field(None, description="The Maildir requests and replies are read from; defaults to <data_dir>/inbox.")
    reminder_seconds: float = Field(3600, ge=0, le=86400, description="How often certificate reminders are looked for (0: never).")
    mail_in_seconds: float = Field(5.0, ge=0, le=3600, description="How often the Maildir is read (0: never).")
    # Attachments (issue 17): limits in bytes, and the file name extensions that may be attached.
    attachment_max_bytes: int = Field(10 * MIB, ge=1024, le=512 * MIB, description="The largest file one may attach.")
    attachment_ticket_max_bytes: int = Field(25 * MIB, ge=1024, le=4096 * MIB, description="A ticket's attachments together.")
    attachment_types: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_ATTACHMENT_TYPES), description="Extensions that may be attached, of: "
        + ", ".join(ATTACHMENT_EXTENSIONS) + ".")

    @field_validator("attachment_types", mode="before")
    @classmethod
    def _split_types(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.split(",")
        return [str(part).strip().lower().lstrip(".") for part in value if str(part).strip()] if isinstance(value, list) else value

    @field_validator("attachment_types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        unknown = [part for part in value if part not in ATTACHMENT_EXTENSIONS]
        if unknown:
            raise ValueError(f"unknown file type {unknown[0]!r}; expected some of {', '.join(ATTACHMENT_EXTENSIONS)}")
        return value

    @model_validator(mode="after")
    def _check_attachments(self) -> "Settings":
        if self.attachment_max_bytes > self.attachment_ticket_max_bytes:
            raise ValueError("attachment_max_bytes: must not be more than PORTAL_ATTACHMENT_TICKET_MAX_BYTES")
        if self.site_dir and self.data_dir.resolve().is_relative_to(self.site_dir.resolve()):
            raise ValueError("data_dir: must not be inside PORTAL_SITE_DIR, which is served (attachments are kept in it)")
        return self
    # issue 17 items 5 and 9 (business hours, time zones, report ranges)
    time_zone: str = Field("UTC", description="The portal's time zone (IANA name, e.g. Europe/Berlin): times for users who chose "
                           "none, the days of report ranges, the default of business-hours calendars.")
    business_hours_file: Path | None = Field(None, description="Business-hours calendars (YAML); defaults to "
                                             "<portal_dir>/business-hours.yml; none: every SLA clock runs round the clock.")

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str) -> str:
        if value and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("expected a PostgreSQL URL, postgresql://user@host/database (or empty for the SQLite file)")
        return value

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in zones():
            raise ValueError(f"{value!r} is not a time zone of the IANA database; expected e.g. UTC, Europe/Berlin, America/Chicago")
        return value
    # digests and owners (issue 15)
    notifications: bool = Field(True, description="false: no notification is queued at all (the outbox stays empty).")
    digest_hour: int = Field(7, ge=0, le=23, description="The hour (UTC) daily digests and the owners' weekly digest are sent.")
    digest_seconds: float = Field(60, ge=0, le=3600, description="How often digests due are looked for (0: never).")
    owner_digest_weekday: int = Field(0, ge=0, le=6, description="The day of the owners' weekly digest (0 Monday ... 6 Sunday).")
    owners_file: Path | None = Field(None, description="Owners' mail addresses (YAML); defaults to <portal_dir>/owners.yml.")
    # training (issue 18)
    retention_days: int = Field(30, ge=1, le=3650, description="Days after certification when the retention check is offered.")
    retention_questions: int = Field(5, ge=1, le=50, description="Questions in a retention check (drawn from the quiz's pools).")
    assignment_due_soon_days: int = Field(3, ge=0, le=90, description="Days before an assignment's due date when its reminder goes out.")
    # issue 18: certificates that travel
    hr_api_token: SecretStr | None = Field(None, description="Bearer token of the HR API (/api/hr/...); unset: the HR API is off.")

    @field_validator("allowed_origins", "categories", "trusted_proxies", "metrics_allow", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies", "metrics_allow")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        networks = []
        for part in value:
            try:
                networks.append(str(ipaddress.ip_network(part, strict=False)))
            except ValueError:
                raise ValueError(f"{part!r} is not an IP address or network; expected e.g. 127.0.0.1, 10.0.0.0/8, ::1") from None
        return networks

    @field_validator("metrics_token", "hr_api_token")
    @classmethod
    def _long_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("use at least 16 characters (python -c 'import secrets; print(secrets.token_urlsafe(32))')")
        return value

    @field_validator("base_url", "site_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _check(self) -> "Settings":
        if self.environment == "production" and self.secret_key.get_secret_value() == PLACEHOLDER_SECRET:
            raise ValueError(
                "secret_key: the default placeholder secret cannot be used in production; "
                "set PORTAL_SECRET_KEY to a long random value (python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        self._check_mail()
        for priority in PRIORITIES:
            first, resolve = self.sla_targets(priority)
            if first > resolve:
                raise ValueError(f"sla_{priority.lower()}_first_response: must not be longer than the resolution target")
        return self

    def _check_mail(self) -> None:
        name, address = parseaddr(self.mail_from)
        if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", address or ""):
            raise ValueError(f"mail_from: expected an address such as 'Support <support@example.com>' (got {self.mail_from!r})")
        if self.smtp_host and address.endswith("@localhost"):
            raise ValueError("mail_from: set PORTAL_MAIL_FROM to the portal's own address when PORTAL_SMTP_HOST is set")
        if self.smtp_password.get_secret_value() and self.smtp_security == "none" and self.smtp_host not in LOOPBACK:
            raise ValueError("smtp_security: 'none' would send PORTAL_SMTP_PASSWORD in clear to a remote server; use starttls or ssl")
        if bool(self.smtp_username) != bool(self.smtp_password.get_secret_value()):
            raise ValueError("smtp_username: set both PORTAL_SMTP_USERNAME and PORTAL_SMTP_PASSWORD, or neither")

    @property
    def smtp_port_or_default(self) -> int:
        """The SMTP port: the one set, else the usual one for the security chosen."""
        return self.smtp_port or {"none": 25, "starttls": 587, "ssl": 465}[self.smtp_security]

    @property
    def mail_dir(self) -> Path:
        """Where messages are written when no SMTP server is set (one ``.eml`` file each)."""
        return self.data_dir / "mail"

    @property
    def owners_path(self) -> Path | None:
        """The owners' addresses file (``PORTAL_OWNERS_FILE``, else ``<portal_dir>/owners.yml``), if either is set."""
        return self.owners_file or (self.portal_dir / "owners.yml" if self.portal_dir else None)

    @property
    def inbox(self) -> Path:
        """The Maildir mail in is read from."""
        return self.maildir or self.data_dir / "inbox"

    @property
    def kb_file(self) -> Path | None:
        """Where the build's KB export is read from."""
        if self.kb_path is not None:
            return self.kb_path
        return self.site_dir / "_portal" / "kb.json" if self.site_dir else None

    @property
    def database_path(self) -> Path:
        """The SQLite file."""
        return self.data_dir / "portal.db"

    @property
    def database(self) -> Path | str:
        """Where the data is: the PostgreSQL URL when one is set, else the SQLite file."""
        return self.database_url or self.database_path

    def sla_targets(self, priority: str) -> tuple[dt.timedelta, dt.timedelta]:
        """(first response, resolution) targets of a priority ``P1``..``P4``."""
        key = priority.lower()
        return getattr(self, f"sla_{key}_first_response"), getattr(self, f"sla_{key}_resolution")


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment and ``overrides``, raising one ``SettingsError`` naming each bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(format_errors(exc)) from None


def format_errors(exc: ValidationError) -> str:
    """One line per problem: ``PORTAL_<NAME>: message (got value)``."""
    lines = []
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if not name and ":" in message:
            name, message = (part.strip() for part in message.split(":", 1))
        shown = name and name not in SECRETS and not isinstance(error["input"], dict)
        got = f" (got {error['input']!r})" if shown else ""
        lines.append(f"PORTAL_{name.upper()}: {message}{got}" if name else message)
    return "invalid settings:\n  " + "\n  ".join(lines)
