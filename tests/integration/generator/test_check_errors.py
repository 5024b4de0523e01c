"""``portal check`` on broken portals: each fixture in tests/data/bad/ and the exact lines it prints.

Every fixture folder mirrors a portal: its files replace (or join) the scaffold's sources. The
expected output was read off a real run and checked by hand against the fixture: the line and
column point at the YAML node, front matter field or Markdown link that is wrong.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner, Result

from generator.cli import cli

MakePortal = Callable[..., Path]  # the make_portal fixture
RunPortal = Callable[..., Result]  # the run_portal fixture

BAD_CASES: dict[str, list[str]] = {
    "backend-sources-broken": [  # the backend's own sources, checked through the portal.checks entry point
        "business-hours.yml:5:7: error: calendars.office.hours: mon: '13:00-25:00' is not a period such as 08:00-12:00",
        "routing.yml:6:19: error: rules[0].then.group: unknown group 'qualty' (groups: desk)",
    ],
    "yaml-syntax-error": [
        "content/roles/trainee.yml:7:3: error: YAML syntax: expected the node content, but found '-'",
    ],
    "front-matter-syntax-error": [
        "content/articles/shift-handover.md:5:6: error: YAML syntax: expected ',' or ']', but got ':'",
    ],
    "impossible-date": [
        "content/articles/shift-notes.md:5:11: error: reviewed: '2026-13-45' is not a valid date: month must be in 1..12",
    ],
    "not-utf8": [
        "content/articles/cafe-notes.md:3:26: error: not UTF-8 text (byte 0xe9: invalid continuation byte): save the file as UTF-8",
    ],
    "syntax-error-in-referenced-role": [
        "content/roles/operator.yml:7:59: error: YAML syntax: mapping values are not allowed here",
    ],
    "quiz-several-problems": [
        "quizzes/operator/basics.yml:4:12: error: pass_mark: input should be less than or equal to 100",
        "quizzes/operator/basics.yml:10:7: error: questions[0].options: no option is marked correct: add 'correct: true' to the right option",
        "quizzes/operator/basics.yml:12:5: error: questions[1].prompt: field required",
        "quizzes/operator/basics.yml:14:5: error: questions[1].promt: unknown field 'promt' (did you mean 'prompt'?)",
        "quizzes/operator/basics.yml:22:98: error: questions[2].questions[1].options: a choice question needs at least 2 options, found 1",
        "quizzes/operator/basics.yml:22:98: error: questions[2].questions[1].options: no option is marked correct: add 'correct: true' to each right option",
    ],
    "duplicate-yaml-key": [
        'content/roles/trainee.yml:6:1: error: YAML syntax: found duplicate key "title" with value "Apprentice" (original value: "Trainee")',
    ],
    "missing-required-field": [
        "content/runbooks/check-disk.yml:12:5: error: steps[1].expected: field required",
    ],
    "wrong-typed-field": [
        "content/runbooks/check-disk.yml:8:23: error: review_interval_days: input should be a valid integer, unable to parse string as an integer",
    ],
    "invalid-enum-value": [
        "content/runbooks/check-disk.yml:5:11: error: severity: 'critical' is not valid: input should be 'SEV1', 'SEV2', 'SEV3' or 'SEV4'",
    ],
    "bad-id-pattern": [
        "content/runbooks/check-disk.yml:1:5: error: id: 'Check_Disk' is not valid: string should match pattern '^[a-z0-9][a-z0-9-]*$'",
    ],
    "unknown-field-did-you-mean": [
        "content/articles/faq.md:2:1: error: owner: field required",
        "content/articles/faq.md:5:1: error: ownr: unknown field 'ownr' (did you mean 'owner'?)",
    ],
    "duplicate-id": [
        "content/articles/welcome.md:2:5: error: duplicate article id 'getting-started': already used by content/articles/getting-started.md:2; give each article its own id",
    ],
    "unknown-role-reference": [
        "content/articles/getting-started.md:4:9: error: roles[0]: unknown role 'operater' (did you mean 'operator'?)",
    ],
    "unknown-article-reference": [
        "content/roles/operator.yml:8:16: error: tasks[0].articles[0]: unknown article 'getting-startd' (did you mean 'getting-started'?)",
    ],
    "unknown-runbook-reference": [
        "content/roles/operator.yml:8:14: error: learning_path[1].runbook: unknown runbook 'restart-servce' (did you mean 'restart-service'?)",
    ],
    "unknown-assessment-reference": [
        "content/roles/operator.yml:8:17: error: learning_path[1].assessment: unknown assessment (quiz) 'operator-basics'",
    ],
    "learning-step-two-kinds": [
        "content/roles/trainee.yml:8:5: error: learning_path[1]: a learning path step names exactly one of article, runbook or assessment",
    ],
    "broken-id-link": [
        "content/articles/getting-started.md:11:19: error: link to unknown runbook 'restart-servic' (did you mean 'restart-service'?)",
    ],
    "broken-anchor": [
        "content/articles/getting-started.md:12:28: error: broken anchor in 'runbook:restart-service#step-9': runbooks/restart-service.md has no heading '#step-9' (did you mean 'step-2'?)",
    ],
    "broken-relative-link": [
        "content/articles/getting-started.md:8:24: error: broken link 'getting-startd.md': no page articles/getting-startd.md (did you mean 'articles/getting-started.md'?); link by id instead, e.g. (article:some-id)",
    ],
    "missing-front-matter": [
        "content/articles/notes.md:1:1: error: missing front matter: start the file with '---', the article's fields, then '---'",
    ],
    "unresolvable-openapi-ref": [
        "content/api/service.yaml:23:25: error: unresolvable $ref '#/components/schemas/Itme' (did you mean 'Item'?)",
    ],
    "glossary-unknown-references": [
        "content/glossary.yml:4:16: error: terms[0].articles[0]: unknown article 'getting-startd' (did you mean 'getting-started'?)",
        "content/glossary.yml:5:16: error: terms[0].runbooks[0]: unknown runbook 'restart-servce' (did you mean 'restart-service'?)",
        "content/glossary.yml:6:16: error: terms[0].see_also[0]: unknown glossary term 'hots' (did you mean 'host'?)",
        "content/glossary.yml:8:17: error: link to unknown runbook 'restart-servic' (did you mean 'restart-service'?)",
        "content/glossary.yml:9:11: error: terms[2]: duplicate glossary term 'service': already terms[0]; give it another id",
    ],
    "unknown-owner": [
        "content/runbooks/restart-service.yml:6:8: error: owner: unknown owner 'Operations' (did you mean 'Operation'?)",
    ],
    "owners-bad-address": [
        "owners.yml:3:33: error: owners.Operations[1]: 'not-an-address' is not a mail address such as team@plant.example",
    ],
    "glossary-misspelt-field": [
        "content/glossary.yml:4:5: error: terms[1].definition: field required",
        "content/glossary.yml:5:5: error: terms[1].defintion: unknown field 'defintion' (did you mean 'definition'?)",
    ],
    "article-at-generated-path": [
        "content/roles/operator.md:1:1: error: the page roles/operator.md is also the page of 'Operator': move this article to another folder (e.g. articles/)",
    ],
}

OVERDUE = (
    "content/runbooks/restart-service.yml:8:16: {}: review overdue since 2026-04-05 (last reviewed 2026-01-05, "
    "every 90 days): walk through the runbook, then update 'last_reviewed'"
)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def count_line(errors: int, warnings: int) -> str:
    return f"portal check: {plural(errors, 'error')}, {plural(warnings, 'warning')}"


def test_every_bad_fixture_has_an_expected_output() -> None:
    """Each folder under tests/data/bad/ is paired with the lines it must print (none is forgotten)."""
    bad = Path(__file__).resolve().parents[2] / "data" / "bad"
    assert sorted(p.name for p in bad.iterdir() if p.is_dir()) == sorted([*BAD_CASES, "runbook-overdue"])


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_fixture_prints_its_located_error(case: str, tmp_path: Path, make_portal: MakePortal, run_portal: RunPortal) -> None:
    """The check prints exactly the fixture's ``path:line:col: error: message`` lines and a count, exit 1."""
    portal = make_portal(tmp_path / "portal", f"bad/{case}")
    result = run_portal("check", portal)
    expected = BAD_CASES[case]
    assert result.stderr.splitlines() == [*expected, count_line(len(expected), 0)]
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def test_clean_scaffold_checks_with_exit_0(tmp_portal: Path, run_portal: RunPortal) -> None:
    """The scaffold has no problems: one count line on stdout, exit 0."""
    result = run_portal("check", tmp_portal)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "portal check: 0 errors, 0 warnings\n", "")


def test_overdue_runbook_is_a_warning_with_exit_0(tmp_path: Path, make_portal: MakePortal, run_portal: RunPortal) -> None:
    """A runbook past its review date is a located warning, and the check still passes."""
    portal = make_portal(tmp_path / "portal", "bad/runbook-overdue")
    result = run_portal("check", portal)
    assert result.stderr.splitlines() == [OVERDUE.format("warning"), count_line(0, 1)]
    assert result.exit_code == 0


def test_overdue_runbook_is_an_error_under_strict(tmp_path: Path, make_portal: MakePortal, run_portal: RunPortal) -> None:
    """With --strict the same overdue review is an error and the check fails."""
    portal = make_portal(tmp_path / "portal", "bad/runbook-overdue")
    result = run_portal("check", portal, "--strict")
    assert result.stderr.splitlines() == [OVERDUE.format("error"), count_line(1, 0)]
    assert result.exit_code == 1


def test_not_yet_overdue_runbook_is_clean(tmp_path: Path, make_portal: MakePortal) -> None:
    """The same runbook checked on a day before its due date has no warning."""
    portal = make_portal(tmp_path / "portal", "bad/runbook-overdue")
    result = CliRunner(env={"PORTAL_TODAY": "2026-04-05"}).invoke(cli, ["check", str(portal)])
    assert (result.exit_code, result.stdout) == (0, "portal check: 0 errors, 0 warnings\n")


def test_overdue_article_is_a_warning_at_its_reviewed_field(tmp_portal: Path, run_portal: RunPortal) -> None:
    """An article reviewed more than the policy's 365 days ago is a warning pointing at 'reviewed'."""
    article = tmp_portal / "content/articles/getting-started.md"
    article.write_text(article.read_text().replace("reviewed: 2026-11-01", "reviewed: 2025-01-01"))
    result = run_portal("check", tmp_portal)
    assert result.stderr.splitlines() == [
        "content/articles/getting-started.md:8:11: warning: review overdue since 2026-01-01 (reviewed 2025-01-01): "
        "check the article, then update 'reviewed'",
        count_line(0, 1),
    ]
    assert result.exit_code == 0


def test_all_problems_are_reported_at_once(tmp_path: Path, make_portal: MakePortal, run_portal: RunPortal) -> None:
    """Three different mistakes in three files give three lines and one count, not a stop at the first."""
    portal = make_portal(
        tmp_path / "portal", "bad/unknown-role-reference", "bad/missing-required-field", "bad/unresolvable-openapi-ref"
    )
    result = run_portal("check", portal)
    assert result.stderr.splitlines() == [
        *BAD_CASES["unresolvable-openapi-ref"],
        *BAD_CASES["unknown-role-reference"],
        *BAD_CASES["missing-required-field"],
        "portal check: 3 errors, 0 warnings",
    ]
    assert result.exit_code == 1


def test_source_whose_id_cannot_be_read_silences_unknown_ids_of_its_kind_only(tmp_portal: Path, run_portal: RunPortal) -> None:
    """When the broken line is the id itself, no role reference is called unknown; references of other kinds still are."""
    role = tmp_portal / "content/roles/operator.yml"
    role.write_text(role.read_text().replace("id: operator", "id: [operator"))
    runbook = tmp_portal / "content/runbooks/restart-service.yml"
    runbook.write_text(runbook.read_text().replace("related_articles: [getting-started]", "related_articles: [getting-startd]"))
    result = run_portal("check", tmp_portal)
    assert result.stderr.splitlines() == [
        "content/roles/operator.yml:3:6: error: YAML syntax: expected ',' or ']', but got ':'",
        "content/runbooks/restart-service.yml:32:20: error: related_articles[0]: unknown article 'getting-startd' (did you mean 'getting-started'?)",
        count_line(2, 0),
    ]


def test_links_to_an_article_that_failed_to_parse_are_not_also_reported(tmp_portal: Path, run_portal: RunPortal) -> None:
    """An article whose front matter is broken gives its syntax error, not 'unknown article' or 'broken link' wherever it is linked."""
    article = tmp_portal / "content/articles/getting-started.md"
    article.write_text(article.read_text().replace("roles: [operator]", "roles: [operator"))
    (tmp_portal / "content/articles/notes.md").write_text(
        "---\nid: notes\ntitle: Notes\nowner: Ops\nreviewed: 2026-11-01\n---\n\n"
        "See [getting started](getting-started.md) and [its start](article:getting-started).\n"
    )
    result = run_portal("check", tmp_portal)
    assert result.stderr.splitlines() == [
        "content/articles/getting-started.md:6:5: error: YAML syntax: expected ',' or ']', but got ':'",
        count_line(1, 0),
    ]


def test_yaml_nested_20000_levels_deep_is_one_located_error(tmp_portal: Path, run_portal: RunPortal) -> None:
    """YAML nested far deeper than any source needs is one error where the nesting gets too deep, not a RecursionError."""
    (tmp_portal / "content/roles/deep.yml").write_text("id: deep\ntitle: " + "[" * 20_000 + "]" * 20_000 + "\n")
    result = run_portal("check", tmp_portal)
    assert result.stderr.splitlines() == [
        "content/roles/deep.yml:2:107: error: YAML syntax: nested too deeply to read (more than 100 levels from here on): "
        "look for brackets that are never closed",
        count_line(1, 0),
    ]
    assert result.exit_code == 1


class TestUserErrorsOutsideSources:
    def test_folder_without_mkdocs_yml_is_a_one_line_error(self, tmp_path: Path, run_portal: RunPortal) -> None:
        """Checking a folder that is not a portal says how to start one, exit 1, no traceback."""
        result = run_portal("check", tmp_path)
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: {tmp_path}/mkdocs.yml: not found: run 'portal new {tmp_path}' to start a portal, "
            "or pass the folder that holds mkdocs.yml\n"
        )

    def test_missing_openapi_spec_is_reported_against_mkdocs_yml(self, tmp_portal: Path, run_portal: RunPortal) -> None:
        """An OpenAPI entry whose file does not exist is an error naming the setting."""
        config = tmp_portal / "mkdocs.yml"
        config.write_text(config.read_text().replace("content/api/service.yaml", "content/api/nope.yaml"))
        result = run_portal("check", tmp_portal)
        assert result.stderr.splitlines() == [
            "mkdocs.yml: error: plugins.portal.openapi: spec file 'content/api/nope.yaml' does not exist",
            "portal check: 1 error, 0 warnings",
        ]
        assert result.exit_code == 1


    def test_impossible_date_in_mkdocs_yml_is_a_located_error(self, tmp_portal: Path, run_portal: RunPortal) -> None:
        """A date that cannot exist in mkdocs.yml is reported at its line, not as a ValueError from the YAML reader."""
        config = tmp_portal / "mkdocs.yml"
        config.write_text(config.read_text() + "extra:\n  launched: 2026-02-30\n")
        line = len(config.read_text().splitlines())
        result = run_portal("check", tmp_portal)
        assert result.stderr == f"Error: mkdocs.yml:{line}:13: error: extra.launched: '2026-02-30' is not a valid date: day is out of range for month\n"
        assert result.exit_code == 1


    def test_mkdocs_yml_not_in_utf8_is_located_at_the_bad_byte(self, tmp_portal: Path, run_portal: RunPortal) -> None:
        """A Latin-1 byte in mkdocs.yml is reported at its line and column, not as a character offset."""
        config = tmp_portal / "mkdocs.yml"
        config.write_bytes(config.read_bytes().replace(b"site_name: My Portal", b"site_name: My Portal \xa7 2"))
        result = run_portal("check", tmp_portal)
        assert result.stderr == "Error: mkdocs.yml:1:22: error: not UTF-8 text (byte 0xa7: invalid start byte): save the file as UTF-8\n"
        assert result.exit_code == 1


class TestRealCommand:
    """The installed ``portal`` script, as a user runs it: exit codes and no traceback."""

    def portal(self, *args: object) -> subprocess.CompletedProcess[str]:
        script = Path(sys.executable).with_name("portal")
        return subprocess.run([str(script), *map(str, args)], capture_output=True, text=True, timeout=120)

    def test_check_exits_0_on_a_clean_portal(self, tmp_portal: Path) -> None:
        """``portal check`` of the scaffold exits 0."""
        proc = self.portal("check", tmp_portal)
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "portal check: 0 errors, 0 warnings\n", "")

    def test_check_exits_1_with_located_lines_and_no_traceback(self, tmp_path: Path, make_portal: MakePortal, env: None) -> None:
        """``portal check`` of a broken portal prints the located line on stderr, exits 1, no traceback."""
        portal = make_portal(tmp_path / "portal", "bad/yaml-syntax-error")
        proc = self.portal("check", portal)
        assert proc.returncode == 1
        assert proc.stderr.splitlines() == [*BAD_CASES["yaml-syntax-error"], count_line(1, 0)]
        assert "Traceback" not in proc.stderr + proc.stdout

    def test_impossible_date_is_a_located_line_not_a_traceback(self, tmp_path: Path, make_portal: MakePortal, env: None) -> None:
        """``reviewed: 2026-13-45`` gives its located error line, exit 1, and no Python traceback."""
        portal = make_portal(tmp_path / "portal", "bad/impossible-date")
        proc = self.portal("check", portal)
        assert (proc.returncode, proc.stderr.splitlines()) == (1, [*BAD_CASES["impossible-date"], count_line(1, 0)])
        assert "Traceback" not in proc.stderr + proc.stdout

    def test_unknown_plugin_option_names_the_key(self, tmp_portal: Path) -> None:
        """A misspelt option under the portal plugin is reported at its line with a did-you-mean, exit 1, no traceback."""
        config = tmp_portal / "mkdocs.yml"
        config.write_text(config.read_text().replace("support_url:", "suport_url:"))
        proc = self.portal("check", tmp_portal)
        assert proc.returncode == 1
        line = next(i for i, text in enumerate(config.read_text().splitlines(), start=1) if "suport_url:" in text)
        assert proc.stderr.splitlines() == [
            f"Error: mkdocs.yml:{line}:7: error: Config value 'plugins': Plugin 'portal' option 'suport_url': "
            "unknown option 'suport_url' (did you mean 'support_url'?)",
        ]


def test_the_overdue_banner_says_the_owner_is_told_only_when_owners_yml_has_them(tmp_path: Path, make_portal: MakePortal) -> None:
    """With the runbook's owner in owners.yml the banner says the owner is mailed; without the file it asks the reader to tell them."""
    from generator.models import PortalSettings
    from generator.pipeline import generate

    portal = make_portal(tmp_path / "portal", "bad/runbook-overdue")
    untold = generate(portal, PortalSettings(), "Portal").rendered.pages["runbooks/restart-service.md"].markdown
    assert "and tell the owner (Operations)" in untold and "told by mail" not in untold
    (portal / "owners.yml").write_text("owners:\n  Operations: [ops@example.com]\n  Docs team: [docs@example.com]\n")
    told = generate(portal, PortalSettings(), "Portal")
    assert not told.problems.errors
    page = told.rendered.pages["runbooks/restart-service.md"].markdown
    assert "its owner (Operations) is told by mail each week until it is reviewed" in page
    [exported] = [p for p in json.loads(told.exports["_portal/kb.json"])["pages"] if p["id"] == "restart-service"]
    assert (exported["review_due"], exported["review_soon_from"]) == ("2026-04-05", "2026-03-22")  # the scaffold warns 14 days ahead
