"""The pydantic source models: what they accept, and what each one refuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from generator.models import (
    ArticleKind,
    ArticleMeta,
    LearningStep,
    PortalSettings,
    Role,
    Runbook,
    Severity,
)


def role_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "production-operator",
        "title": "Production Operator",
        "summary": "Runs a line during a shift.",
        "responsibilities": ["Start the line at the beginning of the shift."],
        "tasks": [{"title": "Start a line", "articles": ["starting-a-line"], "runbooks": ["line-stop"]}],
        "learning_path": [{"article": "starting-a-line"}, {"runbook": "line-stop"}, {"assessment": "operator-basics"}],
        "certifications": ["Line operator"],
    }
    data.update(changes)
    return data


def article_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "starting-a-line",
        "title": "Starting a line",
        "kind": "how-to",
        "roles": ["production-operator"],
        "tags": ["shift start", "lines"],
        "owner": "Operations",
        "reviewed": "2026-11-01",
    }
    data.update(changes)
    return data


def runbook_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "line-stop",
        "title": "Stop a line safely",
        "service": "line-control",
        "trigger": "An operator must stop a line.",
        "severity": "SEV2",
        "owner": "Operations",
        "last_reviewed": "2026-10-01",
        "steps": [{"action": "Press stop.", "command": "linectl stop 3", "expected": "The line shows STOPPED."}],
        "verification": ["The line is stopped."],
        "rollback": [{"action": "Start the line again.", "command": "linectl start 3"}],
        "escalation": [{"tier": 1, "who": "Shift lead", "when": "The line does not stop."}],
    }
    data.update(changes)
    return data


def error_types(model: type[BaseModel], data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [(tuple(e["loc"]), e["type"]) for e in info.value.errors()]


class TestRole:
    def test_valid_role_keeps_tasks_and_learning_path_in_order(self) -> None:
        """A complete role validates, and its learning path keeps the written order."""
        role = Role.model_validate(role_data())
        assert [(s.kind, s.ref) for s in role.learning_path] == [
            ("article", "starting-a-line"), ("runbook", "line-stop"), ("assessment", "operator-basics"),
        ]
        assert role.tasks[0].runbooks == ["line-stop"]

    def test_unknown_field_is_forbidden(self) -> None:
        """A misspelt field is an error, not silently ignored."""
        assert error_types(Role, role_data(responsibilites=["x"])) == [(("responsibilites",), "extra_forbidden")]

    def test_unknown_field_inside_a_task_is_forbidden(self) -> None:
        """Nested models forbid unknown fields too."""
        data = role_data(tasks=[{"title": "Start a line", "runbook": ["line-stop"]}])
        assert error_types(Role, data) == [(("tasks", 0, "runbook"), "extra_forbidden")]

    @pytest.mark.parametrize("bad_id", ["Operator", "-operator", "operator_1", "op erator", "", "a" * 81])
    def test_id_must_be_lowercase_letters_digits_and_hyphens(self, bad_id: str) -> None:
        """Ids outside ``^[a-z0-9][a-z0-9-]*$`` (or longer than 80) are refused."""
        assert error_types(Role, role_data(id=bad_id))[0][0] == ("id",)

    def test_required_fields_are_reported_missing(self) -> None:
        """id, title, summary and responsibilities are required."""
        errors = error_types(Role, {})
        assert sorted(loc for loc, kind in errors if kind == "missing") == [
            ("id",), ("responsibilities",), ("summary",), ("title",),
        ]

    def test_responsibilities_may_not_be_empty(self) -> None:
        """A role needs at least one responsibility."""
        assert error_types(Role, role_data(responsibilities=[])) == [(("responsibilities",), "too_short")]

    def test_blank_title_is_refused_after_stripping(self) -> None:
        """Whitespace-only text counts as empty."""
        assert error_types(Role, role_data(title="   "))[0][0] == ("title",)


class TestLearningStep:
    @pytest.mark.parametrize("kind", ["article", "runbook", "assessment"])
    def test_step_naming_one_kind_is_valid(self, kind: str) -> None:
        """A step with exactly one of article, runbook or assessment is valid and knows its kind."""
        step = LearningStep.model_validate({kind: "some-id", "note": "  read first  "})
        assert (step.kind, step.ref, step.note) == (kind, "some-id", "read first")

    def test_step_naming_two_kinds_is_refused(self) -> None:
        """Naming an article and a runbook in one step is an error."""
        with pytest.raises(ValidationError, match="exactly one of article, runbook or assessment"):
            LearningStep.model_validate({"article": "a", "runbook": "b"})

    def test_step_naming_no_kind_is_refused(self) -> None:
        """A step with only a note points at nothing and is refused."""
        with pytest.raises(ValidationError, match="exactly one of article, runbook or assessment"):
            LearningStep.model_validate({"note": "read something"})

    def test_step_id_must_match_the_id_pattern(self) -> None:
        """The id a step names follows the id pattern."""
        assert error_types(LearningStep, {"article": "Starting_A_Line"})[0][:1] == (("article",),)

    def test_unknown_step_field_is_forbidden(self) -> None:
        """A step has no 'quiz' field (it is called 'assessment')."""
        assert (("quiz",), "extra_forbidden") in error_types(LearningStep, {"article": "a", "quiz": "q"})


class TestArticleMeta:
    def test_valid_front_matter_parses_dates_and_kind(self) -> None:
        """A complete front matter validates into a date and an ArticleKind."""
        meta = ArticleMeta.model_validate(article_data())
        assert meta.reviewed == dt.date(2026, 11, 1)
        assert meta.kind is ArticleKind.howto
        assert meta.tags == ["shift start", "lines"]

    def test_kind_defaults_to_guide(self) -> None:
        """An article without a kind is a guide."""
        data = article_data()
        del data["kind"]
        assert ArticleMeta.model_validate(data).kind is ArticleKind.guide

    @pytest.mark.parametrize("kind", ["guide", "how-to", "faq", "troubleshooting", "reference", "concept"])
    def test_every_article_kind_is_accepted(self, kind: str) -> None:
        """Each documented article kind is a valid value."""
        assert ArticleMeta.model_validate(article_data(kind=kind)).kind.value == kind

    def test_unknown_kind_is_refused(self) -> None:
        """'howto' (without the hyphen) is not a kind."""
        assert error_types(ArticleMeta, article_data(kind="howto")) == [(("kind",), "enum")]

    def test_unknown_field_is_forbidden(self) -> None:
        """'ownr' is an unknown field, and 'owner' is then missing."""
        data = article_data()
        data["ownr"] = data.pop("owner")
        assert sorted(error_types(ArticleMeta, data)) == [(("owner",), "missing"), (("ownr",), "extra_forbidden")]

    def test_reviewed_must_be_a_date(self) -> None:
        """'last week' is not a date."""
        assert error_types(ArticleMeta, article_data(reviewed="last week"))[0][0] == ("reviewed",)

    def test_tags_are_lowercase(self) -> None:
        """Tags follow a lower-case pattern so the KB index groups them predictably."""
        assert error_types(ArticleMeta, article_data(tags=["Shift"]))[0][0] == ("tags", 0)

    def test_bad_role_id_is_refused(self) -> None:
        """Role ids in an article follow the id pattern."""
        assert error_types(ArticleMeta, article_data(roles=["Production Operator"]))[0][0] == ("roles", 0)

    def test_review_interval_must_be_positive(self) -> None:
        """A review interval of zero days is refused."""
        assert error_types(ArticleMeta, article_data(review_interval_days=0))[0][0] == ("review_interval_days",)


class TestRunbook:
    def test_valid_runbook_computes_next_review(self) -> None:
        """A runbook is due for review ``review_interval_days`` (90 by default) after last_reviewed."""
        rb = Runbook.model_validate(runbook_data())
        assert rb.review_interval_days == 90
        assert rb.next_review == dt.date(2026, 12, 30)
        assert rb.severity is Severity.sev2

    @pytest.mark.parametrize("severity", ["SEV1", "SEV2", "SEV3", "SEV4"])
    def test_every_severity_is_accepted(self, severity: str) -> None:
        """SEV1 to SEV4 are the severities."""
        assert Runbook.model_validate(runbook_data(severity=severity)).severity.value == severity

    @pytest.mark.parametrize("severity", ["sev1", "SEV5", "critical"])
    def test_unknown_severity_is_refused(self, severity: str) -> None:
        """Anything but SEV1 to SEV4 (upper case) is refused."""
        assert error_types(Runbook, runbook_data(severity=severity)) == [(("severity",), "enum")]

    def test_step_needs_an_expected_result(self) -> None:
        """Every step says what you should see when it worked."""
        data = runbook_data(steps=[{"action": "Press stop."}])
        assert error_types(Runbook, data) == [(("steps", 0, "expected"), "missing")]

    def test_at_least_one_step_and_one_verification(self) -> None:
        """A runbook without steps or verification is refused."""
        errors = error_types(Runbook, runbook_data(steps=[], verification=[]))
        assert sorted(errors) == [(("steps",), "too_short"), (("verification",), "too_short")]

    @pytest.mark.parametrize("tier", [0, 4])
    def test_escalation_tier_is_one_to_three(self, tier: int) -> None:
        """Escalation tiers run from 1 to 3."""
        data = runbook_data(escalation=[{"tier": tier, "who": "Lead", "when": "Always."}])
        assert error_types(Runbook, data)[0][0] == ("escalation", 0, "tier")

    def test_unknown_field_in_a_step_is_forbidden(self) -> None:
        """'expect' inside a step is an unknown field (and 'expected' is then missing)."""
        data = runbook_data(steps=[{"action": "Press stop.", "expect": "Stopped."}])
        assert sorted(error_types(Runbook, data)) == [
            (("steps", 0, "expect"), "extra_forbidden"), (("steps", 0, "expected"), "missing"),
        ]

    def test_bad_id_is_refused(self) -> None:
        """Runbook ids follow the id pattern."""
        assert error_types(Runbook, runbook_data(id="Line Stop"))[0][0] == ("id",)

    def test_review_interval_must_be_an_integer(self) -> None:
        """'quarterly' is not a number of days."""
        assert error_types(Runbook, runbook_data(review_interval_days="quarterly")) == [(("review_interval_days",), "int_parsing")]


class TestPortalSettings:
    def test_defaults_describe_a_standard_portal(self) -> None:
        """Without options the portal reads content/ and quizzes/ and sends help to /support."""
        settings = PortalSettings()
        assert (settings.content_dir, settings.quizzes_dir, settings.support_url) == ("content", "quizzes", "/support")
        assert settings.review.article_interval_days == 365
        assert settings.openapi == []

    def test_trailing_slash_is_removed_from_support_url(self) -> None:
        """'https://help.example.com/' becomes 'https://help.example.com'."""
        assert PortalSettings(support_url="https://help.example.com/").support_url == "https://help.example.com"

    def test_openapi_specs_are_validated(self) -> None:
        """Each OpenAPI entry needs an id and a path."""
        settings = PortalSettings.model_validate({"openapi": [{"id": "line-control", "path": "content/api/x.yaml"}]})
        assert settings.openapi[0].id == "line-control"
        assert error_types(PortalSettings, {"openapi": [{"id": "Line Control", "path": "x.yaml"}]})[0][0] == ("openapi", 0, "id")

    def test_unknown_option_is_forbidden(self) -> None:
        """A misspelt plugin option such as 'suport_url' is refused."""
        assert error_types(PortalSettings, {"suport_url": "/help"}) == [(("suport_url",), "extra_forbidden")]

    def test_unknown_review_option_is_forbidden(self) -> None:
        """The review policy forbids unknown fields too."""
        assert error_types(PortalSettings, {"review": {"interval": 30}}) == [(("review", "interval"), "extra_forbidden")]

    def test_review_interval_must_be_positive(self) -> None:
        """An article review interval of 0 days is refused."""
        assert error_types(PortalSettings, {"review": {"article_interval_days": 0}})[0][0] == ("review", "article_interval_days")
