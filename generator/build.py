"""Check and build a portal folder: run the core, then MkDocs into a fresh folder, then swap.

The previous site is replaced only after a build succeeded, so a broken source never leaves a
half-written or empty site behind.
"""

from __future__ import annotations

import logging
import re
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import click
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from . import plugin
from .errors import Problems
from .pipeline import Result, generate
from .sources import parse_yaml, read_text
from .yaml_positions import load_yaml

CONFIG_FILE = "mkdocs.yml"


class PortalError(click.ClickException):
    """A user error: printed as a message with exit status 1, never a traceback."""


@dataclass
class Checked:
    """A loaded MkDocs config and the core's result for it."""

    config: MkDocsConfig
    result: Result


class _Format(logging.Formatter):
    """MkDocs' ``LEVEL -  message`` lines; the portal's own problems as they are (path:line:col: ...)."""

    def format(self, record: logging.LogRecord) -> str:
        if record.name == "mkdocs.plugins.portal":
            return record.getMessage()
        return f"{record.levelname:<7} -  {record.getMessage()}"


class _Capture(logging.Handler):
    """Collects MkDocs' config messages so they can be reported as located problems."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _config_line(file: Path, record: logging.LogRecord) -> str:
    """``mkdocs.yml:LINE:COL: error: message``, finding the line of the option the message names."""
    message = record.getMessage()
    names = re.findall(r"option '([^']+)'|Config value '([^']+)'", message)
    name = next((a or b for a, b in reversed(names) if a or b), "")
    for number, text in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        col = text.find(f"{name}:") if name else -1
        if col >= 0:
            return f"{CONFIG_FILE}:{number}:{col + 1}: error: {message}"
    return f"{CONFIG_FILE}: error: {message}"


def _unreadable_config(file: Path, error: Exception) -> str:
    """The located line for a config MkDocs could not read, found by reading it as the sources are read."""
    problems = Problems()
    parse_yaml(file.read_text(encoding="utf-8"), CONFIG_FILE, problems)
    return "\n".join(p.format() for p in problems.items) or f"{CONFIG_FILE}: error: {type(error).__name__}: {error}"


def quiet_mkdocs_logging(verbose: bool = False) -> None:
    """Print MkDocs' warnings (and with ``verbose`` its progress) as MkDocs' own CLI does."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_portal", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_Format())
        handler._portal = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.propagate = False


def load_mkdocs_config(root: Path, **overrides: object) -> MkDocsConfig:
    """Load and validate ``DIR/mkdocs.yml``; a problem becomes a :class:`PortalError`."""
    file = root / CONFIG_FILE
    if not file.is_file():
        raise PortalError(f"{file}: not found: run 'portal new {root}' to start a portal, or pass the folder that holds mkdocs.yml")
    unreadable = Problems()
    if read_text(file, CONFIG_FILE, unreadable) is None:
        raise PortalError(unreadable.items[0].format())
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")
    capture = _Capture()
    config_log = logging.getLogger("mkdocs.config")
    config_log.addHandler(capture)
    config_log.propagate = False
    try:
        config = load_config(config_file=str(file), **overrides)
    except MkDocsException as exc:
        lines = [_config_line(file, record) for record in capture.records if record.levelno >= logging.ERROR]
        raise PortalError("\n".join(lines) or f"{CONFIG_FILE}: error: {exc}") from None
    except (ValueError, RecursionError) as exc:  # PyYAML's unmarked errors: an impossible date, deep nesting
        raise PortalError(_unreadable_config(file, exc)) from None
    finally:
        config_log.removeHandler(capture)
        config_log.propagate = True
    if "portal" not in config.plugins:
        raise PortalError(f"{CONFIG_FILE}: the 'portal' plugin is not enabled: add '- portal' under 'plugins'")
    return config


def check(root: Path, quick: bool = False) -> Checked:
    """Run every check of the core on a portal folder and return its result.

    ``quick`` leaves out the slowest check that can only warn (plain-text mentions), for
    ``portal serve``'s page updates: the whole-site build that follows reports its warnings.
    """
    config = load_mkdocs_config(root)
    settings = config.plugins["portal"].settings  # type: ignore[attr-defined]
    result = generate(root.resolve(), settings, config.site_name, config.use_directory_urls, mentions=not quick)
    return Checked(config, result)


def build(root: Path, strict: bool = False, site_dir: Path | None = None, keep_parsed: bool = False) -> Problems:
    """Check, then build the site into a new folder and swap it in; raise on any problem.

    Warnings (an overdue review, MkDocs' own) fail the build only with ``strict``, whatever
    ``strict:`` in mkdocs.yml says: a warning must not stop a fix from being published.
    The parsed sources are let go before MkDocs runs (peak memory), unless ``keep_parsed``
    (``portal serve``, whose next look re-reads only the sources an edit changed).
    """
    root = root.resolve()
    checked = check(root)
    problems = checked.result.problems.promoted(strict)
    if problems.errors:
        raise PortalError("the site was not built; the previous site is unchanged\n" + problems.report("portal build"))
    final = Path(site_dir or checked.config.site_dir).resolve()
    staging = final.with_name(f"{final.name}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    config = load_mkdocs_config(root, site_dir=str(staging), strict=strict)
    plugin.PRECOMPUTED[config.config_file_path] = checked.result
    del checked  # the plugin lets the result go once MkDocs holds the pages
    if not keep_parsed:
        load_yaml.cache_clear()
    try:
        mkdocs_build(config)
    except (MkDocsException, click.ClickException) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        raise PortalError(f"the site was not built; the previous site is unchanged\n{message}") from None
    finally:
        plugin.PRECOMPUTED.pop(config.config_file_path, None)
    swap(staging, final)
    return problems


def swap(new: Path, final: Path) -> None:
    """Replace ``final`` with ``new`` using renames, so readers see the old or the new site."""
    old = final.with_name(f"{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)
