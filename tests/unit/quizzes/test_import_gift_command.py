"""The `portal import-gift` command, run through click's CliRunner."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from generator.quiz_commands import register

BANK = Path(__file__).resolve().parents[2] / "data" / "gift" / "line-control.gift"


@pytest.fixture
def portal() -> click.Group:
    """A `portal` group with the quiz commands registered."""

    @click.group()
    def group() -> None:
        """Test group."""

    register(group)
    return group


def test_import_writes_the_quiz_under_quizzes_role(portal: click.Group, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """By default the quiz is written to quizzes/ROLE/ID.yml with the id taken from the file name."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(portal, ["import-gift", str(BANK), "--role", "production-operator"])
    assert result.exit_code == 0, result.output
    assert result.output == "Wrote quizzes/production-operator/line-control.yml: 12 questions converted, 0 skipped.\n"
    assert "id: line-control" in (tmp_path / "quizzes/production-operator/line-control.yml").read_text()


def test_import_refuses_to_overwrite_without_force(portal: click.Group, tmp_path: Path) -> None:
    """An existing output file is kept unless --force is given."""
    out = tmp_path / "bank.yml"
    out.write_text("keep me")
    args = ["import-gift", str(BANK), "--role", "production-operator", "--id", "bank", "--out", str(out)]
    refused = CliRunner().invoke(portal, args)
    assert refused.exit_code == 1 and f"Error: {out} already exists: pass --force to overwrite it" in refused.output
    assert out.read_text() == "keep me"
    forced = CliRunner().invoke(portal, [*args, "--force"])
    assert forced.exit_code == 0 and "id: bank" in out.read_text()


def test_import_warns_per_skipped_question_and_still_writes(portal: click.Group, tmp_path: Path) -> None:
    """Unconvertible questions are printed as FILE:LINE: warning: lines and the rest is written."""
    bank = tmp_path / "mixed.gift"
    bank.write_text("Describe your shift. {}\n\nGood one? {T}\n")
    result = CliRunner().invoke(portal, ["import-gift", str(bank), "--role", "developer", "--out", str(tmp_path / "o.yml")])
    assert result.exit_code == 0
    assert f"{bank}:1: warning: skipped: an essay question" in result.output
    assert result.output.endswith("1 question converted, 1 skipped.\n")


def test_import_fails_when_nothing_converts(portal: click.Group, tmp_path: Path) -> None:
    """A bank with no convertible question exits 1 and writes nothing."""
    bank = tmp_path / "essays.gift"
    bank.write_text("Describe your shift. {}\n")
    out = tmp_path / "o.yml"
    result = CliRunner().invoke(portal, ["import-gift", str(bank), "--role", "developer", "--out", str(out)])
    assert result.exit_code == 1 and f"Error: no question in {bank} could be converted; nothing written" in result.output
    assert not out.exists()


def test_unreadable_file_and_bad_ids_are_user_errors(portal: click.Group, tmp_path: Path) -> None:
    """A missing file or an invalid role id ends with an Error: line and exit 1, not a traceback."""
    missing = CliRunner().invoke(portal, ["import-gift", str(tmp_path / "nope.gift"), "--role", "developer"])
    assert missing.exit_code == 1 and "Error: cannot read" in missing.output and "Traceback" not in missing.output
    bad_role = CliRunner().invoke(portal, ["import-gift", str(BANK), "--role", "Production Operator"])
    assert bad_role.exit_code == 1
    assert "Error: --role 'Production Operator' is not an id: use lower-case letters, digits and hyphens" in bad_role.output


def test_import_gift_has_help(portal: click.Group) -> None:
    """The command documents itself and each option."""
    result = CliRunner().invoke(portal, ["import-gift", "--help"])
    assert result.exit_code == 0
    for text in ("Convert the Moodle GIFT question bank FILE", "--role", "--id", "--out", "--force"):
        assert text in result.output
