"""The routing source: rules validated with located errors, and which rule fires for a ticket."""

from __future__ import annotations

from pathlib import Path

from support.tickets.routing import Facts, first_match, load

GOOD = """\
groups:
  maintenance: {name: Maintenance, members: [mo@example.com, max@example.com], round_robin: true}
  quality: {name: Quality, members: [qi@example.com]}
rules:
  - name: Torque trouble to maintenance
    when: {subject_words: [torque, sensor], priority: [P1, P2]}
    then: {tier: 2, group: maintenance}
  - name: Operators' pages to quality
    when: {role: production-operator, category: Problem}
    then: {group: quality, assignee: qi@example.com}
"""


def _write(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "routing.yml"
    file.write_text(text, encoding="utf-8")
    return file


def test_the_first_rule_whose_conditions_all_hold_fires(tmp_path: Path) -> None:
    """Subject words match whole words in any case; a role matches one of the page's roles; all conditions must hold."""
    rules, problems = load(_write(tmp_path, GOOD))
    assert problems == [] and rules is not None
    assert first_match(rules, Facts("Question", "P2", "TORQUE reads zero")).name == "Torque trouble to maintenance"
    assert first_match(rules, Facts("Question", "P3", "Torque reads zero")) is None
    assert first_match(rules, Facts("Question", "P1", "Torques everywhere")) is None
    assert first_match(rules, Facts("Problem", "P3", "Label", ("production-operator",))).name == "Operators' pages to quality"


def test_an_unknown_group_and_an_assignee_outside_it_are_reported_at_their_lines(tmp_path: Path) -> None:
    """Cross-reference errors name the file, line and column of the offending value; the file routes nothing."""
    text = GOOD.replace("then: {tier: 2, group: maintenance}", "then: {tier: 2, group: maintenence}").replace(
        "assignee: qi@example.com", "assignee: mo@example.com")
    file = _write(tmp_path, text)
    rules, problems = load(file)
    assert rules is None
    assert problems == [
        f"{file}:7:28: error: rules[0].then.group: unknown group 'maintenence' (groups: maintenance, quality)",
        f"{file}:10:38: error: rules[1].then.assignee: mo@example.com is not a member of group 'quality'",
    ]


def test_wrong_fields_and_values_are_reported_each_at_its_line(tmp_path: Path) -> None:
    """An unknown field, a priority that does not exist and a tier out of range: all reported in one pass."""
    text = GOOD.replace("priority: [P1, P2]", "priority: [P1, P9]").replace("tier: 2", "tier: 7").replace(
        "round_robin: true", "round_robin: true, colour: red")
    file = _write(tmp_path, text)
    rules, problems = load(file)
    assert rules is None
    assert problems == [
        f"{file}:2:99: error: groups.maintenance.colour: unknown field 'colour'",
        f"{file}:6:60: error: rules[0].when.priority[1]: 'P9' is not valid: input should be 'P1', 'P2', 'P3' or 'P4'",
        f"{file}:7:18: error: rules[0].then.tier: input should be less than or equal to 3",
    ]


def test_a_yaml_syntax_error_is_located(tmp_path: Path) -> None:
    """Broken YAML is one located error, not a traceback."""
    file = _write(tmp_path, "rules:\n  - name: [unclosed\n")
    rules, problems = load(file)
    assert rules is None and len(problems) == 1 and problems[0].startswith(f"{file}:")
