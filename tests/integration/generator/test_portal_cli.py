"""The ``portal`` command line: help for every command, ``portal new``, ``portal schema``."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, Callable

import click
import pytest
from click.testing import Result

from generator.cli import cli

REPO = Path(__file__).resolve().parents[3]

RunPortal = Callable[..., Result]  # the run_portal fixture

SCHEMAS = ("role", "runbook", "article-front-matter", "glossary", "quiz")


def objects(schema: Any) -> list[dict[str, Any]]:
    """Every sub-schema describing an object with properties."""
    found = []
    if isinstance(schema, dict):
        if "properties" in schema:
            found.append(schema)
        for value in schema.values():
            found += objects(value)
    elif isinstance(schema, list):
        for value in schema:
            found += objects(value)
    return found


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and sub-command of a group, as name paths such as ("report", "tickets")."""
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths += command_paths(command, (*prefix, name))
    return paths


def command_at(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


@pytest.mark.parametrize("path", command_paths(cli), ids=" ".join)
def test_every_command_has_help_with_a_description(path: tuple[str, ...], run_portal: RunPortal) -> None:
    """``portal CMD --help`` exits 0 and describes the command; each of its options has help text."""
    command = command_at(path)
    assert command.help and len(command.help.split()) >= 4, f"'portal {' '.join(path)}' needs a docstring"
    result = run_portal(*path, "--help")
    assert result.exit_code == 0
    assert f"Usage: portal {' '.join(path)}" in result.output
    assert " ".join(command.help.split("\n")[0].split()[:4]) in " ".join(result.output.split())
    for option in (p for p in command.params if isinstance(p, click.Option) and not p.hidden):
        assert option.help, f"'portal {' '.join(path)} {option.opts[0]}' needs help text"


def test_documented_commands_exist() -> None:
    """build, check, serve, new and schema are all commands of ``portal``."""
    assert {"build", "check", "serve", "new", "schema"} <= set(cli.commands)


def readme_commands() -> list[str]:
    """Every command README shows: the lines of its bash and console blocks, and inline code naming a program."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"^```(?:bash|console)\n(.*?)^```", text, re.S | re.M):
        commands += [line.removeprefix("$ ").split("  #")[0].strip() for line in block.splitlines() if line.strip()]
    prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    spans = [span.replace("\\|", "|") for span in re.findall(r"`([^`\n]+)`", prose)]
    return commands + [span for span in spans if re.match(r"(\.venv/bin/|portal |mkdocs |python |make |bash )", span)]


def runs_as_written(command: str) -> bool:
    """Whether each program of a command line exists in a fresh clone once ``make venv`` has run."""
    targets = re.findall(r"^([\w-]+):", (REPO / "Makefile").read_text(encoding="utf-8"), re.M)
    for part in command.split(" | "):
        program, *args = part.split()
        if program == "echo":
            continue
        if program == "make":
            if args[0] not in targets:
                return False
        elif program == "bash":
            if not (REPO / args[0]).is_file():
                return False
        elif not program.startswith(".venv/bin/") or not Path(sys.executable).with_name(program.removeprefix(".venv/bin/")).exists():
            return False
        elif program == ".venv/bin/portal":
            group: click.Command = cli
            for word in args:
                if not isinstance(group, click.Group) or word not in group.commands:
                    break
                group = group.commands[word]
            if args and group is cli:
                return False
    return True


def test_every_command_readme_shows_runs_as_written_after_make_venv() -> None:
    """README names programs as a fresh clone has them (``make`` targets, ``.venv/bin/portal`` and its commands), never a bare ``portal``."""
    commands = readme_commands()
    assert '.venv/bin/portal user add ada@example.com --role admin --name "Ada Admin"' in commands
    assert [command for command in commands if not runs_as_written(command)] == []


def test_top_level_help_lists_the_commands(run_portal: RunPortal) -> None:
    """``portal --help`` describes the tool and lists its commands."""
    result = run_portal("--help")
    assert result.exit_code == 0
    assert "build and serve a documentation, training and support portal" in result.output
    for name in ("build", "check", "new", "schema", "serve"):
        assert f"  {name} " in result.output


class TestNew:
    def test_new_creates_a_portal_that_checks_clean(self, tmp_path: Path, run_portal: RunPortal) -> None:
        """``portal new DIR`` writes the scaffold, which passes ``portal check``."""
        target = tmp_path / "docs-portal"
        result = run_portal("new", target)
        assert result.exit_code == 0
        assert result.output == f"portal new: created {target}. Next: portal check {target} && portal serve {target}\n"
        for source in ("mkdocs.yml", "content/roles/operator.yml", "content/runbooks/restart-service.yml",
                       "content/articles/getting-started.md", "content/api/service.yaml"):
            assert (target / source).is_file(), source
        assert run_portal("check", target).exit_code == 0

    def test_new_accepts_an_existing_empty_folder(self, tmp_path: Path, run_portal: RunPortal) -> None:
        """An empty folder is fine to scaffold into."""
        assert run_portal("new", tmp_path).exit_code == 0
        assert (tmp_path / "mkdocs.yml").is_file()

    def test_new_refuses_a_folder_that_is_not_empty(self, tmp_path: Path, run_portal: RunPortal) -> None:
        """``portal new`` never writes over existing files: exit 1 and a one-line reason."""
        (tmp_path / "notes.txt").write_text("mine")
        result = run_portal("new", tmp_path)
        assert result.exit_code == 1
        assert result.stderr == f"Error: {tmp_path}: the folder is not empty: choose a new folder\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


class TestSchema:
    @pytest.fixture
    def written(self, tmp_path: Path, run_portal: RunPortal) -> Path:
        """The folder ``portal schema --out`` wrote, after checking what it printed."""
        out = tmp_path / "schema"
        result = run_portal("schema", "--out", out)
        assert result.exit_code == 0, result.output
        assert result.output.splitlines() == [f"wrote {out / name}.schema.json" for name in SCHEMAS]
        return out

    def test_schema_writes_one_json_schema_per_source_format(self, written: Path) -> None:
        """role, runbook, article front matter, glossary and quiz schemas are written as valid JSON Schema documents."""
        for name in SCHEMAS:
            schema = json.loads((written / f"{name}.schema.json").read_text(encoding="utf-8"))
            assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
            assert schema["type"] == "object"
            assert ("terms" if name == "glossary" else "id") in schema["required"]

    def test_schemas_reject_unknown_fields(self, written: Path) -> None:
        """Every object in every schema sets ``additionalProperties: false``, like the models."""
        for name in SCHEMAS:
            schema = json.loads((written / f"{name}.schema.json").read_text(encoding="utf-8"))
            for sub in objects(schema):
                assert sub.get("additionalProperties") is False, (name, sorted(sub["properties"]))

    def test_role_schema_rejects_a_misspelt_field(self, written: Path) -> None:
        """A role with 'responsibilites' fails the schema (checked with jsonschema when it is installed)."""
        schema = json.loads((written / "role.schema.json").read_text(encoding="utf-8"))
        assert "responsibilites" not in schema["properties"]
        assert schema["additionalProperties"] is False
        try:
            import jsonschema
        except ImportError:
            return
        good = {"id": "operator", "title": "Operator", "summary": "Runs it.", "responsibilities": ["Run it."]}
        jsonschema.validate(good, schema)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**good, "responsibilites": ["x"]}, schema)
