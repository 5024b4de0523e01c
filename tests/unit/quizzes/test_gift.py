"""Converting Moodle GIFT question banks: each supported type, escapes, and what cannot be converted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml as pyyaml
from ruamel.yaml import YAML

from generator.gift import convert_gift, import_gift
from generator.quizzes import Quiz, check_quiz

GIFT = Path(__file__).resolve().parents[2] / "data" / "gift"


def _questions(text: str) -> list[dict[str, Any]]:
    """Convert GIFT text, check the YAML loads cleanly, and return its questions."""
    out, _ = convert_gift(text, "production-operator", "bank")
    data = YAML(typ="rt").load(out)
    assert check_quiz(Quiz.model_validate(data)) == []
    return pyyaml.safe_load(out)["questions"]


def test_single_choice_with_feedback_and_general_feedback() -> None:
    """'=' marks the right option, '#' carries option feedback and '####' becomes the explanation."""
    [q] = _questions("::Stop::Which stop holds parts? {=Quality hold#Right. ~Safety stop#No. ####Holds keep parts.}")
    assert q == {
        "id": "stop", "type": "single", "prompt": "Which stop holds parts?",
        "options": [
            {"id": "quality-hold", "text": "Quality hold", "correct": True, "feedback": "Right."},
            {"id": "safety-stop", "text": "Safety stop", "feedback": "No."},
        ],
        "explanation": "Holds keep parts.",
    }


def test_multiple_choice_weights_become_partial_scoring() -> None:
    """Positive %weights% mark correct options and the question scores partially."""
    [q] = _questions("Pick two. {~%50%Alpha ~%50%Beta ~%-100%Gamma}")
    assert q["type"] == "multiple" and q["scoring"] == "partial"
    assert [(o["text"], o.get("correct", False)) for o in q["options"]] == [("Alpha", True), ("Beta", True), ("Gamma", False)]


@pytest.mark.parametrize(("block", "answer"), [("{T}", True), ("{TRUE}", True), ("{F}", False), ("{FALSE}", False)])
def test_true_false_forms(block: str, answer: bool) -> None:
    """T, TRUE, F and FALSE all convert to a true-false question."""
    [q] = _questions(f"The line is running. {block}")
    assert (q["type"], q["answer"]) == ("true-false", answer)


def test_true_false_feedback_maps_wrong_and_right_to_the_values() -> None:
    """In {FALSE#wrong#right} the first feedback goes to 'true' answers and the second to 'false' ones."""
    [q] = _questions("Parts may leave. {FALSE#They may not.#Correct, hold them.}")
    assert (q["feedback_true"], q["feedback_false"]) == ("They may not.", "Correct, hold them.")


def test_short_answer_accepts_every_listed_answer() -> None:
    """A block of '=' answers without '~' or '->' is a short answer, case-insensitive."""
    [q] = _questions("Name the third OEE factor. {=quality =quality rate}")
    assert q == {"id": "q1", "type": "short", "prompt": "Name the third OEE factor.", "accept": ["quality", "quality rate"]}


@pytest.mark.parametrize(("block", "answer", "tolerance"), [
    ("{#3.14:0.01}", 3.14, 0.01), ("{#1..5}", 3.0, 2.0), ("{#10}", 10.0, 0.0), ("{#=42:2}", 42.0, 2.0),
])
def test_numeric_with_tolerance_or_range(block: str, answer: float, tolerance: float) -> None:
    """Numbers convert with their tolerance, and a low..high range becomes its midpoint and half-width."""
    [q] = _questions(f"How much? {block}")
    assert (q["type"], q["answer"], q["tolerance"]) == ("numeric", answer, pytest.approx(tolerance))


def test_matching_pairs() -> None:
    """'=left -> right' answers become a matching question's pairs."""
    [q] = _questions("Match the states. {=RUNNING -> Building parts =STARVED -> Waiting =BLOCKED -> Stuck}")
    assert q["type"] == "matching"
    assert q["pairs"][0] == {"left": "RUNNING", "right": "Building parts"}


def test_escapes_comments_and_titles() -> None:
    """Escaped specials become plain characters, comment lines are dropped and titles become ids."""
    text = "// a comment\n::Key sep::Filter \\{x\\} \\~ status\\=RELEASED\\: which sign? {=\\= ~\\: ~\\#}\n"
    [q] = _questions(text)
    assert q["id"] == "key-sep" and q["prompt"] == "Filter {x} ~ status=RELEASED: which sign?"
    assert [o["text"] for o in q["options"]] == ["=", ":", "#"]


def test_missing_word_puts_a_blank_in_the_prompt() -> None:
    """An answer block in the middle of a sentence leaves a blank where it was."""
    [q] = _questions("Shift B ends at {~06\\:00 =22\\:00} every day.")
    assert q["prompt"] == "Shift B ends at _____ every day."
    assert [o["text"] for o in q["options"]] == ["06:00", "22:00"]


def test_unconvertible_questions_are_reported_with_their_line_and_skipped() -> None:
    """Essays, descriptions, embedded answers and unbalanced braces are reported by line; the rest converts."""
    text = "\n".join([
        "::Essay::Describe your shift. {}", "",
        "Read the handover report first.", "",
        "// comment", "Fill {=in} both {=blanks}.", "",
        "Broken { brace", "",
        "Good one? {T}",
    ])
    result = import_gift(text, "production-operator", "bank")
    assert result.messages == [
        (1, "skipped: an essay question ({}) needs a person to mark it; it cannot be graded automatically"),
        (3, "skipped: a description (text with no answer block) is not a question"),
        (6, "skipped: more than one answer block (embedded answers, cloze) cannot be converted"),
        (8, "skipped: unbalanced braces: escape a literal brace as \\{ or \\}"),
    ]
    assert (result.converted, result.skipped) == (1, 4)


def test_lossy_conversions_are_reported() -> None:
    """Partial-credit weights that the quiz format cannot express are reported, not silently dropped."""
    result = import_gift("Pick. {=Right ~%50%Half ~Wrong}\n\nName it. {=full =%50%half}", "production-operator", "bank")
    assert result.messages == [
        (1, "partial credit (50%) for 'Half' dropped: it counts as wrong"),
        (3, "partially right answer 'half' (50%) dropped"),
    ]


def test_line_control_bank_imports_cleanly() -> None:
    """The example bank converts every question of every supported type without a message."""
    result = import_gift((GIFT / "line-control.gift").read_text(encoding="utf-8"), "production-operator", "line-control")
    assert result.messages == [] and result.skipped == 0
    quiz = Quiz.model_validate(YAML(typ="rt").load(result.yaml))
    assert check_quiz(quiz) == []
    assert {q.type for q in quiz.questions} == {"single", "multiple", "true-false", "numeric", "short", "matching"}
    assert result.yaml.startswith("# Imported from a GIFT question bank")


def test_strings_a_yaml_1_1_reader_would_misread_are_quoted() -> None:
    """Times and yes/no texts stay strings for PyYAML readers too."""
    [q] = _questions("When? {=22\\:00 ~yes ~1.5}")
    assert [o["text"] for o in q["options"]] == ["22:00", "yes", "1.5"]
