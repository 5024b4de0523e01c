"""The ``portal`` command: thin wrappers over the pipeline, the build and the support backend."""

from __future__ import annotations

from importlib.metadata import entry_points

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .build import PortalError, build, check, quiet_mkdocs_logging
from .errors import Problems
from .models import SOURCE_MODELS

DIR = click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))


class PortalGroup(click.Group):
    """The ``portal`` group; the support backend's and the quiz commands are imported on first need.

    Importing them (FastAPI, argon2 and the backend's modules) took about half a second, which
    ``portal check``, ``portal build`` and the other core commands paid at every start for nothing.
    Asking for any other command, listing the commands (``--help``) or reading ``commands`` loads them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._extensions_loaded = False
        super().__init__(*args, **kwargs)

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        """Every command, the extensions' included."""
        if not self._extensions_loaded:
            self._extensions_loaded = True
            _register_extensions(self)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        """Add a command without loading the extensions."""
        loaded, self._extensions_loaded = self._extensions_loaded, True
        try:
            super().add_command(cmd, name)
        finally:
            self._extensions_loaded = loaded

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """A core command straight away; any other name loads the extensions first."""
        command = self._commands.get(cmd_name)
        return command if command is not None else super().get_command(ctx, cmd_name)


@click.group(cls=PortalGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="portal")
def cli() -> None:
    """portalgen: build and serve a documentation, training and support portal."""


@cli.command("check")
@DIR
@click.option("--strict", is_flag=True, help="Treat warnings (such as overdue reviews) as errors.")
def check_cmd(directory: Path, strict: bool) -> None:
    """Check every source of the portal in DIRECTORY and report all problems at once.

    Prints one line per problem as path:line:col: severity: message, then a count.
    Exits 0 when there are no errors (and, with --strict, no warnings), 1 otherwise.
    """
    problems = check(directory).result.problems
    _run_extension_checks(directory, problems)
    problems = problems.promoted(strict)
    click.echo(problems.report("portal check"), err=bool(problems.items))
    if problems.errors:
        sys.exit(1)


@cli.command("build")
@DIR
@click.option("--strict", is_flag=True, help="Treat warnings as errors (also MkDocs' own).")
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), help="Where to write the site (default: site_dir of mkdocs.yml).")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' progress messages.")
@click.option("--engine", type=click.Choice(["mkdocs", "zensical"]), default="mkdocs", show_default=True,
              help="The site generator: MkDocs + Material, or Zensical (its 'zensical' command on PATH or in PORTAL_ZENSICAL).")
def build_cmd(directory: Path, strict: bool, site_dir: Path | None, verbose: bool, engine: str) -> None:
    """Check the portal in DIRECTORY, then build its site.

    The site is built into a new folder and swapped in only when the build succeeded: on any
    error the previous site is left exactly as it was. With --engine zensical the rendered pages,
    nav and settings are written as a plain project in DIRECTORY/.zensical and Zensical builds it.
    """
    quiet_mkdocs_logging(verbose)
    if engine == "zensical":
        from . import zensical

        problems = zensical.build(directory, strict=strict, site_dir=site_dir)
    else:
        problems = build(directory, strict=strict, site_dir=site_dir)
    count = len(problems.warnings)
    click.echo(f"portal build: site written ({count} warning{'' if count == 1 else 's'})")


@cli.command("serve")
@DIR
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), envvar="PORTAL_DATA_DIR", help="Support backend data folder (env PORTAL_DATA_DIR; default DIRECTORY/.portal-data).")
@click.option("--no-watch", is_flag=True, help="Do not rebuild the site when a source changes.")
def serve_cmd(directory: Path, host: str, port: int, data_dir: Path | None, no_watch: bool) -> None:
    """Build the portal in DIRECTORY and serve the site and support backend together.

    The site is at /, the support pages under /support and the API under /api. Sources under
    the content and quizzes folders are watched; a change rebuilds the site, and a change with
    errors prints them and keeps the previous site. An open page reloads itself after each change.
    """
    from .serve import serve

    quiet_mkdocs_logging()
    serve(directory.resolve(), host=host, port=port, data_dir=data_dir, watch_sources=not no_watch)


@cli.command("new")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def new_cmd(directory: Path) -> None:
    """Create a working minimal portal in DIRECTORY, with one source of each kind."""
    if directory.exists() and any(directory.iterdir()):
        raise PortalError(f"{directory}: the folder is not empty: choose a new folder")
    scaffold = Path(__file__).parent / "scaffold"
    shutil.copytree(scaffold, directory, dirs_exist_ok=True)
    click.echo(f"portal new: created {directory}. Next: portal check {directory} && portal serve {directory}")


@cli.command("schema")
@click.option("--out", "out", default="schema", show_default=True, type=click.Path(file_okay=False, path_type=Path), help="Folder to write the JSON Schemas into.")
def schema_cmd(out: Path) -> None:
    """Write a JSON Schema for each YAML source format, for editors to validate as you type.

    Point your editor's YAML language server at them, e.g. for VS Code's YAML extension:
    "yaml.schemas": {"schema/role.schema.json": "content/roles/*.yml"}.
    """
    out.mkdir(parents=True, exist_ok=True)
    for name, model in schema_models().items():
        target = out / f"{name}.schema.json"
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        target.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
        click.echo(f"wrote {target}")


def schema_models() -> dict[str, type]:
    """Every source format's model, by schema name."""
    models: dict[str, type] = dict(SOURCE_MODELS)
    try:
        from .quizzes import Quiz
    except ImportError:  # pragma: no cover - the quiz format ships with the package
        return models
    models["quiz"] = Quiz
    return models


def _register_extensions(group: click.Group) -> None:
    """Add the commands other parts install under the ``portal.commands`` entry points (the backend's, the quiz tools)."""
    for entry in sorted(entry_points(group="portal.commands"), key=lambda e: e.name):
        try:
            register = entry.load()
        except ImportError:  # a part whose dependencies are not installed
            continue
        register(group)


def _run_extension_checks(directory: Path, problems: Problems) -> None:
    """Let other parts check the sources they read (``portal.checks`` entry points: the backend's routing and business hours)."""
    for entry in sorted(entry_points(group="portal.checks"), key=lambda e: e.name):
        try:
            checker = entry.load()
        except ImportError:  # a part whose dependencies are not installed
            continue
        checker(directory, problems)


def main() -> None:
    """Entry point of the ``portal`` console script."""
    cli(prog_name="portal")
