"""Located problems: how one is formatted, how a report is sorted and counted, did-you-mean."""

from __future__ import annotations

from generator.errors import Problem, Problems, did_you_mean


def test_problem_formats_as_path_line_col_severity_message() -> None:
    """A located problem prints as ``path:line:col: severity: message``."""
    problem = Problem("content/roles/operator.yml", 22, 9, "error", "learning_path[3]: unknown article 'x'")
    assert problem.format() == "content/roles/operator.yml:22:9: error: learning_path[3]: unknown article 'x'"


def test_problem_without_line_names_only_the_file() -> None:
    """Line 0 means the whole file, so no position is printed."""
    assert Problem("mkdocs.yml", 0, 0, "error", "no content folder").format() == "mkdocs.yml: error: no content folder"


def test_report_sorts_by_place_and_counts_errors_and_warnings() -> None:
    """The report lists problems by file, line and column, then one count line with plurals right."""
    problems = Problems()
    problems.add("b.yml", 3, 1, "late", "warning")
    problems.add("a.yml", 9, 2, "second")
    problems.add("a.yml", 2, 5, "first")
    assert problems.report("portal check").splitlines() == [
        "a.yml:2:5: error: first",
        "a.yml:9:2: error: second",
        "b.yml:3:1: warning: late",
        "portal check: 2 errors, 1 warning",
    ]


def test_clean_report_is_only_the_count_line() -> None:
    """With no problems the report says so in one line."""
    assert Problems().report("portal check") == "portal check: 0 errors, 0 warnings"


def test_strict_promotes_warnings_to_errors() -> None:
    """Under --strict a warning fails the run; without it, it does not."""
    problems = Problems()
    problems.add("r.yml", 8, 16, "review overdue", "warning")
    assert not problems.failed() and problems.failed(strict=True)
    promoted = problems.promoted(strict=True)
    assert [p.severity for p in promoted.items] == ["error"]
    assert problems.promoted(strict=False).items == problems.items


def test_did_you_mean_suggests_the_closest_choice() -> None:
    """A near miss gets a hint; a value like nothing offered gets none."""
    assert did_you_mean("ownr", ["owner", "title", "roles"]) == " (did you mean 'owner'?)"
    assert did_you_mean("zzz", ["owner", "title"]) == ""
