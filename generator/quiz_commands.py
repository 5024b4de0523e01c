"""Quiz commands of the ``portal`` CLI: ``portal import-gift``."""

from __future__ import annotations

import re
from pathlib import Path

import click

from .gift import import_gift

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def register(group: click.Group) -> None:
    """Add the quiz commands to the ``portal`` command group."""
    group.add_command(import_gift_command)


@click.command("import-gift")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--role", required=True, help="Id of the role the quiz is for, e.g. production-operator.")
@click.option("--id", "quiz_id", help="Id of the new quiz. Default: the file name, e.g. line-control for line-control.gift.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="File to write. Default: quizzes/ROLE/ID.yml.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def import_gift_command(file: Path, role: str, quiz_id: str | None, out: Path | None, force: bool) -> None:
    """Convert the Moodle GIFT question bank FILE into a quiz.

    Converts single and multiple choice (with %weights%), true/false, short answer, numeric
    (answer:tolerance and low..high) and matching questions, with titles, feedback and general
    feedback. Questions it cannot convert (essays, descriptions, embedded answers) are printed
    as FILE:LINE: warning: ... and skipped. The quiz gets placeholder rules (pass mark 80,
    30 minutes, 3 attempts, 24 hours between attempts) to review before use.
    """
    quiz_id = quiz_id or re.sub(r"[^a-z0-9]+", "-", file.stem.lower()).strip("-")
    _require_id("--role", role)
    _require_id("--id", quiz_id)
    target = out or Path("quizzes") / role / f"{quiz_id}.yml"
    if target.exists() and not force:
        raise click.ClickException(f"{target} already exists: pass --force to overwrite it")
    result = import_gift(_read(file), role, quiz_id)
    for line, message in result.messages:
        click.echo(f"{file}:{line}: warning: {message}", err=True)
    if not result.converted:
        raise click.ClickException(f"no question in {file} could be converted; nothing written")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(result.yaml, encoding="utf-8")
    click.echo(f"Wrote {target}: {_count(result.converted, 'question')} converted, {result.skipped} skipped.")


def _require_id(option: str, value: str) -> None:
    if not ID_PATTERN.match(value):
        raise click.ClickException(
            f"{option} '{value}' is not an id: use lower-case letters, digits and hyphens, e.g. production-operator"
        )


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file} is not UTF-8 text ({exc.reason} at byte {exc.start}): save it as UTF-8") from None
    except OSError as exc:
        raise click.ClickException(f"cannot read {file}: {exc.strerror}") from None


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
