"""Drawing papers (pools, shuffling) and the public paper the browser gets."""

from __future__ import annotations

import itertools
import json
import math
import random
from collections import Counter
from typing import Any, Callable

import pytest

from generator.quizzes import Quiz, iter_questions
from support.assessments.grading import Paper, PaperError, draw_paper, grade, public_paper

WRITTEN = ["stop-type", "checklist", "escalation", "torque", "oee-factor", "start-steps", "states"]
POOL = {"pool-a", "pool-b", "pool-c"}


def test_draw_takes_the_draw_count_from_each_pool(all_types: Quiz) -> None:
    """Every written question and exactly two of the three pool questions are drawn."""
    for seed in range(20):
        ids = [q.id for q in draw_paper(all_types, random.Random(seed)).questions]
        assert set(WRITTEN) <= set(ids) and len(ids) == 9
        assert len(set(ids) & POOL) == 2


def test_same_seed_draws_the_same_paper(all_types: Quiz) -> None:
    """Drawing is deterministic for a seeded random generator and varies between seeds."""
    first = draw_paper(all_types, random.Random(7))
    assert draw_paper(all_types, random.Random(7)) == first
    assert any(draw_paper(all_types, random.Random(s)) != first for s in range(8, 12))


def test_questions_keep_written_order_without_shuffle(all_types_data: dict[str, Any]) -> None:
    """With shuffle_questions off, written questions and pool picks keep their written order."""
    quiz = Quiz.model_validate(all_types_data | {"shuffle_questions": False})
    for seed in range(10):
        ids = [q.id for q in draw_paper(quiz, random.Random(seed)).questions]
        assert ids[:7] == WRITTEN and ids[7:] == sorted(ids[7:])


def test_questions_are_shuffled_when_configured(all_types: Quiz) -> None:
    """With shuffle_questions on (the default) the question order varies between attempts."""
    orders = {tuple(q.id for q in draw_paper(all_types, random.Random(s)).questions[:3]) for s in range(10)}
    assert len(orders) > 1


def test_options_are_shuffled_unless_fixed_order(all_types_data: dict[str, Any]) -> None:
    """Options come in varying orders, except for a question with fixed_order."""
    all_types_data["questions"][1]["fixed_order"] = True
    quiz = Quiz.model_validate(all_types_data)
    seen_single, seen_fixed = set(), set()
    for seed in range(30):
        paper = {q.id: q for q in draw_paper(quiz, random.Random(seed)).questions}
        seen_single.add(tuple(paper["stop-type"].options))
        seen_fixed.add(tuple(paper["checklist"].options))
    assert len(seen_single) > 1
    assert seen_fixed == {("status", "alarms", "ppe", "old-session", "ack-all")}


def test_ordering_and_matching_are_shuffled_uniformly_over_every_arrangement(make_quiz: Callable[..., Quiz]) -> None:
    """Each of the n! arrangements of items (and of rights) is drawn about 1/n! of the time, the correct order included.

    Never showing the correct order would tell a learner one arrangement that is wrong. With a
    seeded generator the counts are the same on every run; each is within 4.5 standard deviations
    of n_draws / n!, far from the old draw's 0 for the correct order.
    """
    quiz = make_quiz([
        {"id": "steps", "type": "ordering", "prompt": "P", "items": ["one", "two", "three"]},
        {"id": "states", "type": "matching", "prompt": "P", "pairs": [{"left": f"L{k}", "right": f"R{k}"} for k in range(3)]},
    ], shuffle_questions=False)
    draws, arrangements = 6000, sorted(itertools.permutations(range(3)))
    rng = random.Random(20261201)
    counts: dict[str, Counter[tuple[int, ...]]] = {"steps": Counter(), "states": Counter()}
    for _ in range(draws):
        for question in draw_paper(quiz, rng).questions:
            counts[question.id][tuple(question.order)] += 1
    expected = draws / len(arrangements)
    spread = 4.5 * math.sqrt(draws * (1 / 6) * (5 / 6))
    for seen in counts.values():
        assert sorted(seen) == arrangements
        assert all(abs(n - expected) < spread for n in seen.values()), seen
        assert abs(seen[(0, 1, 2)] - expected) < spread


def test_a_paper_drawn_in_the_correct_order_still_grades_right(make_quiz: Callable[..., Quiz]) -> None:
    """When the shuffle lands on the correct order, answering the positions in order earns the points, and any other order does not."""
    quiz = make_quiz([{"id": "steps", "type": "ordering", "prompt": "P", "items": ["one", "two", "three"]}])
    rng = random.Random(1)
    paper = next(p for p in (draw_paper(quiz, rng) for _ in range(100)) if p.questions[0].order == [0, 1, 2])
    assert public_paper(quiz, paper)["questions"][0]["items"] == ["one", "two", "three"]
    assert grade(quiz, paper, {"steps": [0, 1, 2]}).questions[0].correct
    assert not grade(quiz, paper, {"steps": [1, 0, 2]}).questions[0].correct


def test_paper_round_trips_through_json(all_types: Quiz) -> None:
    """A paper stored as JSON by the backend loads back identical."""
    paper = draw_paper(all_types, random.Random(3))
    assert Paper.model_validate_json(paper.model_dump_json()) == paper


def test_public_paper_shows_options_items_and_pairs_as_presented(all_types: Quiz) -> None:
    """The public paper lists options, items and rights in the paper's presented order."""
    paper = draw_paper(all_types, random.Random(5))
    shown = {q["id"]: q for q in public_paper(all_types, paper)["questions"]}
    stored = {q.id: q for q in paper.questions}
    assert [o["id"] for o in shown["stop-type"]["options"]] == stored["stop-type"].options
    items = all_types.questions[5].items
    assert shown["start-steps"]["items"] == [items[k] for k in stored["start-steps"].order]
    assert shown["states"]["left"] == ["RUNNING", "STARVED", "BLOCKED", "MAINTENANCE"]
    assert sorted(shown["states"]["right"]) == sorted(p.right for p in all_types.questions[6].pairs)
    assert [q["id"] for q in public_paper(all_types, paper)["questions"]] == [q.id for q in paper.questions]


ANSWER_KEYS = {"correct", "answer", "accept", "tolerance", "feedback", "feedback_true", "feedback_false", "explanation", "teaches", "pairs"}


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _secrets(quiz: Quiz) -> set[str]:
    """Every answer-revealing value written in the quiz: accepted answers, numbers, feedback, explanations."""
    found: set[str] = set()
    for _, q in iter_questions(quiz):
        found |= {q.explanation} | set(getattr(q, "accept", []))
        found |= {o.feedback for o in getattr(q, "options", [])}
        found |= {getattr(q, "feedback_true", ""), getattr(q, "feedback_false", "")}
        if q.type == "numeric":
            found |= {repr(q.answer), repr(q.tolerance)} - {"0.0"}
    return found - {""}


@pytest.mark.parametrize("seed", range(10))
def test_public_paper_contains_no_answer_data(all_types: Quiz, seed: int) -> None:
    """No answer key, correct marker, accepted answer, number, feedback or explanation is in the public paper."""
    public = public_paper(all_types, draw_paper(all_types, random.Random(seed)))
    text = json.dumps(public)
    assert _keys(public) & ANSWER_KEYS == set()
    assert [secret for secret in _secrets(all_types) if secret in text] == []
    assert "SECRET" not in text and "true" not in text.lower().replace("true-false", "")


def test_paper_of_a_changed_quiz_is_refused(all_types: Quiz, make_quiz) -> None:
    """A paper naming questions the quiz no longer has raises PaperError instead of guessing."""
    paper = draw_paper(all_types, random.Random(1))
    other = make_quiz([{"id": "x", "type": "true-false", "prompt": "P", "answer": True}], id="all-types")
    with pytest.raises(PaperError, match="changed since the attempt began"):
        public_paper(other, paper)


def test_paper_whose_options_changed_is_refused(all_types: Quiz, all_types_data: dict[str, Any]) -> None:
    """Removing an option or an ordering item after a paper was drawn makes that paper unusable."""
    paper = draw_paper(all_types, random.Random(1))
    del all_types_data["questions"][0]["options"][2]
    del all_types_data["questions"][5]["items"][3]
    with pytest.raises(PaperError, match="questions (start-steps, stop-type|stop-type, start-steps) of quiz 'all-types' changed"):
        public_paper(Quiz.model_validate(all_types_data), paper)


def test_paper_of_another_quiz_is_refused(all_types: Quiz, make_quiz) -> None:
    """A paper drawn for one quiz cannot be used with another."""
    paper = draw_paper(all_types, random.Random(1))
    other = make_quiz([{"id": "x", "type": "true-false", "prompt": "P", "answer": True}])
    with pytest.raises(PaperError, match="the attempt is for quiz 'all-types', not 'q'"):
        public_paper(other, paper)
