"""Drawing, grading and reviewing quiz attempts: pure functions, no I/O, no web.

The backend stores a :class:`Paper` per attempt (which questions, in which order, options in
which order), sends :func:`public_paper` to the browser, checks a submission with
:func:`validate_answers`, scores it with :func:`grade` and shows :func:`review`.

Answers are a mapping of question id to answer; a missing key or ``null`` is unanswered.

- ``single``: an option id; ``multiple``: a list of option ids
- ``true-false``: ``true`` or ``false``
- ``numeric``: a number, or a string holding one
- ``short``: a string (at most ``MAX_TEXT`` characters)
- ``ordering``: the presented positions (0-based) of the items in the learner's order, e.g. ``[2, 0, 1]``
- ``matching``: one entry per left, in presented order: the position of the chosen right, or ``null``
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, Field

from generator.quizzes import (
    Loc, Matching, Multiple, Ordering, Pool, Question, Quiz, ReviewLevel, Scoring, Single,
    questions_by_id,
)

MAX_TEXT = 500
CHOICE = ("single", "multiple")
Problem = tuple[Loc, str]


class PaperError(ValueError):
    """The paper names a question the quiz no longer has (the quiz changed since the attempt began)."""


class InvalidAnswers(ValueError):
    """A submission that cannot be graded; ``problems`` lists ``(loc, message)`` per field."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in problems))
        self.problems = problems


class PaperQuestion(BaseModel):
    """One question of an attempt and the order it is presented in."""

    id: str
    options: list[str] = Field(default_factory=list, description="Choice questions: option ids as presented.")
    order: list[int] = Field(
        default_factory=list,
        description="Ordering: item indices as presented. Matching: the pair index of each presented right.",
    )


class Paper(BaseModel):
    """The questions drawn for one attempt, stored by the backend as JSON."""

    quiz_id: str
    questions: list[PaperQuestion]


def draw_paper(quiz: Quiz, rng: random.Random) -> Paper:
    """Draw an attempt: ``draw`` questions from each pool, then shuffle as the quiz says.

    Without ``shuffle_questions`` drawn questions keep their written order. Options are shuffled
    unless ``fixed_order``; ordering items and matching rights are always shuffled, uniformly over
    all arrangements, the correct one included: ruling it out would tell a learner one
    arrangement that is wrong.
    """
    chosen: list[Question] = []
    for item in quiz.questions:
        if isinstance(item, Pool):
            picks = sorted(rng.sample(range(len(item.questions)), item.draw))
            chosen += [item.questions[k] for k in picks]
        else:
            chosen.append(item)
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    return Paper(quiz_id=quiz.id, questions=[_arrange(q, rng) for q in chosen])


def _arrange(question: Question, rng: random.Random) -> PaperQuestion:
    if isinstance(question, (Single, Multiple)):
        ids = [o.id for o in question.options]
        if not question.fixed_order:
            rng.shuffle(ids)
        return PaperQuestion(id=question.id, options=ids)
    if isinstance(question, Ordering):
        return PaperQuestion(id=question.id, order=_shuffled(len(question.items), rng))
    if isinstance(question, Matching):
        return PaperQuestion(id=question.id, order=_shuffled(len(question.pairs), rng))
    return PaperQuestion(id=question.id)


def _shuffled(n: int, rng: random.Random) -> list[int]:
    order = list(range(n))
    rng.shuffle(order)
    return order


Pairs = tuple[tuple[Question, PaperQuestion], ...]


def _lookup(quiz: Quiz, paper: Paper) -> Pairs:
    """Pair each paper question with the quiz's question, refusing a paper the quiz no longer fits."""
    return _make_paired(quiz, paper)[0]


def _make_paired(quiz: Quiz, paper: Paper) -> tuple[Pairs, dict[str, tuple[Question, PaperQuestion]]]:
    if paper.quiz_id != quiz.id:
        raise PaperError(f"the attempt is for quiz '{paper.quiz_id}', not '{quiz.id}'")
    keyed = _keyed(quiz)
    changed = [pq.id for pq in paper.questions if pq.id not in keyed or keyed[pq.id][1] != _paper_keys(pq)]
    if changed:
        raise PaperError(f"questions {', '.join(changed)} of quiz '{quiz.id}' changed since the attempt began")
    pairs = tuple((keyed[pq.id][0], pq) for pq in paper.questions)
    return pairs, {pq.id: (question, pq) for question, pq in pairs}


def _make_quiz_entry(quiz: Quiz) -> tuple[dict[str, tuple[Question, tuple[list[str], list[int]]]], dict[str, Question]]:
    by_id = questions_by_id(quiz)
    return {qid: (question, _arrange_keys(question)) for qid, question in by_id.items()}, by_id


def _keyed(quiz: Quiz) -> dict[str, tuple[Question, tuple[list[str], list[int]]]]:
    """Each question of the quiz with the option ids and positions a paper of it must have."""
    return _make_quiz_entry(quiz)[0]


def question_index(quiz: Quiz) -> dict[str, Question]:
    """Every question of a quiz by id, as ``generator.quizzes.questions_by_id``."""
    return _make_quiz_entry(quiz)[1]


def _make_facts(question: Question) -> tuple[frozenset[str], dict[str, Any], dict[str, Any] | None]:
    choice = question.type in CHOICE
    link = question.teaches
    return (frozenset(question.correct_ids()) if choice else frozenset(),
            {o.id: o for o in question.options} if choice else {},
            {"kind": link.kind, "id": link.ref, "section": link.section} if link else None)


def _arrange_keys(question: Question) -> tuple[list[str], list[int]]:
    kind = question.type
    if kind in CHOICE:
        return sorted(o.id for o in question.options), []
    size = len(question.items) if kind == "ordering" else len(question.pairs) if kind == "matching" else 0
    return [], list(range(size))


def _paper_keys(pq: PaperQuestion) -> tuple[list[str], list[int]]:
    return sorted(pq.options), sorted(pq.order)


def public_paper(quiz: Quiz, paper: Paper) -> dict[str, Any]:
    """What the learner's browser gets: questions as presented, never an answer or feedback."""
    questions = []
    for question, pq in _lookup(quiz, paper):
        shown: dict[str, Any] = {"id": question.id, "type": question.type, "prompt": question.prompt, "points": question.points}
        if isinstance(question, (Single, Multiple)):
            texts = {o.id: o.text for o in question.options}
            shown["options"] = [{"id": oid, "text": texts[oid]} for oid in pq.options]
        if isinstance(question, Multiple):
            shown["scoring"] = question.scoring.value
        if isinstance(question, Ordering):
            shown["items"] = [question.items[k] for k in pq.order]
        if isinstance(question, Matching):
            shown["left"] = [p.left for p in question.pairs]
            shown["right"] = [question.pairs[k].right for k in pq.order]
        questions.append(shown)
    return {"quiz_id": quiz.id, "title": quiz.title, "questions": questions}


def validate_answers(quiz: Quiz, paper: Paper, answers: Any) -> list[Problem]:
    """Per-field problems with a submission (for a 422): unknown questions or options, wrong shapes."""
    if not isinstance(answers, Mapping):
        return [((), "answers must be an object that maps question ids to answers")]
    in_paper = _make_paired(quiz, paper)[1]
    problems: list[Problem] = []
    for qid, value in answers.items():
        if qid not in in_paper:
            problems.append(((str(qid),), f"question '{qid}' is not in this attempt"))
        elif value is not None:
            question, pq = in_paper[qid]
            found = _shape_problems(question, pq, value)
            if found:
                problems += [((qid, *sub), msg) for sub, msg in found]
    return problems


def _shape_problems(question: Question, pq: PaperQuestion, value: Any) -> list[tuple[Loc, str]]:
    kind = question.type  # dispatch on the tag: isinstance on pydantic models (ABCMeta) costs more
    if kind == "single":
        if not isinstance(value, str):
            return [((), "expected an option id")]
        return [] if value in pq.options else [((), f"'{value}' is not an option of this question")]
    if kind == "multiple":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return [((), "expected a list of option ids")]
        bad = [((k,), f"'{v}' is not an option of this question") for k, v in enumerate(value) if v not in pq.options]
        return bad or ([] if len(set(value)) == len(value) else [((), "an option is chosen more than once")])
    if kind == "true-false":
        return [] if isinstance(value, bool) else [((), "expected true or false")]
    if kind == "numeric":
        return [] if _number(value) is not None else [((), "expected a number")]
    if kind == "short":
        if not isinstance(value, str):
            return [((), "expected text")]
        return [] if len(value) <= MAX_TEXT else [((), f"the answer is longer than {MAX_TEXT} characters")]
    if kind == "ordering":
        n = len(pq.order)
        if not _ints(value) or sorted(value) != list(range(n)):
            return [((), f"expected the item positions 0 to {n - 1} in your order, each once")]
        return []
    assert kind == "matching", kind
    n = len(pq.order)
    if not isinstance(value, list) or len(value) != n:
        return [((), f"expected a list of {n} entries, one per left: the position of its right, or null")]
    return [((k,), f"expected the position of a right, 0 to {n - 1}, or null") for k, v in enumerate(value)
            if v is not None and not (_ints([v]) and 0 <= v < n)]


def _ints(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class QuestionResult(BaseModel):
    """The grade of one question of an attempt."""

    id: str
    type: str
    answered: bool
    given: Any = None
    earned: float
    possible: float
    correct: bool


class GradeResult(BaseModel):
    """The grade of an attempt."""

    quiz_id: str
    questions: list[QuestionResult]
    earned: float
    possible: float
    score: float = Field(description="Percent of the possible points, rounded half up to 1 decimal.")
    pass_mark: float
    passed: bool = Field(description="Whether the rounded score is at least the pass mark.")


def grade(quiz: Quiz, paper: Paper, answers: Mapping[str, Any]) -> GradeResult:
    """Grade a submission; raises :class:`InvalidAnswers` when :func:`validate_answers` finds problems."""
    problems = validate_answers(quiz, paper, answers)
    if problems:
        raise InvalidAnswers(problems)
    results, earned = [], 0.0
    for question, pq in _lookup(quiz, paper):
        given = answers.get(question.id)
        fraction = _fraction(question, pq, given) if given is not None else 0.0
        points = round(question.points * fraction, 4)
        earned += points
        results.append({"id": question.id, "type": question.type, "answered": given is not None, "given": given,
                        "earned": points, "possible": question.points, "correct": fraction == 1})
    earned = round(earned, 4)
    possible = sum(r["possible"] for r in results)
    score = _round1(100 * earned / possible) if possible else 0.0
    # one validation of plain data: building a QuestionResult per question cost twice as much
    return GradeResult.model_validate({
        "quiz_id": quiz.id, "questions": results, "earned": earned, "possible": possible,
        "score": score, "pass_mark": quiz.pass_mark, "passed": score >= quiz.pass_mark,
    })


def _round1(value: float) -> float:
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _fraction(question: Question, pq: PaperQuestion, given: Any) -> float:
    """The share of the points a valid answer earns, 0 to 1."""
    kind = question.type
    if kind == "single":
        return float(given in _make_facts(question)[0])
    if kind == "multiple":
        return _choice_fraction(question, set(given))
    if kind == "true-false":
        return float(given is question.answer)
    if kind == "numeric":
        difference = abs(_number(given) - Decimal(repr(question.answer)))  # type: ignore[operator]
        return float(difference <= Decimal(repr(question.tolerance)))
    if kind == "short":
        return float(_normal(given, question.case_sensitive) in {_normal(a, question.case_sensitive) for a in question.accept})
    if kind == "ordering":
        return float([pq.order[p] for p in given] == list(range(len(question.items))))
    assert kind == "matching", kind
    right = sum(1 for left, p in enumerate(given) if p is not None and pq.order[p] == left)
    if question.scoring is Scoring.partial:
        return right / len(question.pairs)
    return float(right == len(question.pairs))


def _choice_fraction(question: Multiple, picks: set[str]) -> float:
    correct = _make_facts(question)[0]
    if question.scoring is Scoring.all_or_nothing:
        return float(picks == correct)
    right, wrong = len(picks & correct), len(picks - correct)
    return max(0.0, (right - wrong) / len(correct))


def _normal(text: str, case_sensitive: bool) -> str:
    collapsed = " ".join(text.split())
    return collapsed if case_sensitive else collapsed.casefold()


def review(quiz: Quiz, paper: Paper, result: GradeResult, level: ReviewLevel | str | None = None) -> dict[str, Any]:
    """What the result page may show under a review level (the quiz's own when not given).

    ``score``: the score, pass or fail and the quiz's covered sources to study. ``wrong``: also
    each question with whether it was right. ``answers``: also the learner's and the correct
    answers, the explanation, per-option feedback and the ``teaches`` link.
    """
    level = ReviewLevel(level or quiz.review)
    shown: dict[str, Any] = {
        "quiz_id": quiz.id, "title": quiz.title, "review": level.value,
        "score": result.score, "passed": result.passed, "pass_mark": result.pass_mark,
        "earned": result.earned, "possible": result.possible,
        "study": [{"kind": c.kind, "id": c.ref, "section": c.section} for c in quiz.covers],
    }
    if level is ReviewLevel.score:
        return shown
    graded = {r.id: r for r in result.questions}
    shown["questions"] = []
    for question, pq in _lookup(quiz, paper):
        r = graded[question.id]
        item = {"id": r.id, "type": r.type, "prompt": question.prompt, "answered": r.answered,
                "correct": r.correct, "earned": r.earned, "possible": r.possible}
        if level is ReviewLevel.answers:
            item |= _answer_detail(question, pq, r.given)
        shown["questions"].append(item)
    return shown


def _answer_detail(question: Question, pq: PaperQuestion, given: Any) -> dict[str, Any]:
    correct, options, link = _make_facts(question)
    detail: dict[str, Any] = {"explanation": question.explanation, "teaches": dict(link) if link else None, "given": given}
    kind = question.type
    if kind in CHOICE:
        chosen = set([given] if isinstance(given, str) else given or [])
        detail["options"] = [
            {"id": oid, "text": options[oid].text, "correct": oid in correct, "chosen": oid in chosen, "feedback": options[oid].feedback}
            for oid in pq.options
        ]
    elif kind == "true-false":
        feedback = {True: question.feedback_true, False: question.feedback_false}
        detail |= {"answer": question.answer, "feedback": feedback.get(given, "") if given is not None else ""}
    elif kind == "numeric":
        detail |= {"answer": question.answer, "tolerance": question.tolerance}
    elif kind == "short":
        detail["accept"] = list(question.accept)
    elif kind == "ordering":
        detail["correct_order"] = list(question.items)
        detail["given"] = [question.items[pq.order[p]] for p in given] if given is not None else None
    elif kind == "matching":
        rights = [question.pairs[k].right for k in pq.order]
        picked = given or [None] * len(question.pairs)
        detail["pairs"] = [{"left": p.left, "right": p.right, "given": rights[g] if g is not None else None}
                           for p, g in zip(question.pairs, picked)]
    return detail


class ItemStat(BaseModel):
    """Item analysis of one question over a set of attempts."""

    id: str
    responses: int = Field(description="Attempts in which the question appeared.")
    facility: float | None = Field(description="Mean fraction of the points earned, 0 to 1.")
    discrimination: float | None = Field(description="Upper-group minus lower-group facility, -1 to 1.")


def item_analysis(quiz_questions: Iterable[Question | str], attempts: list[tuple[float, dict[str, float]]]) -> list[ItemStat]:
    """Facility and discrimination index of each question over a set of attempts.

    ``attempts`` holds ``(total score, {question id: fraction of its points earned})`` per attempt;
    a question drawn from a pool counts only over the attempts that contained it (``n`` of them).

    - facility = mean fraction earned over those ``n`` attempts.
    - discrimination = facility in the upper group minus facility in the lower group, where the
      ``n`` attempts are ranked by total score (ties keep the given order) and each group is the
      top or bottom ``g = max(1, floor(0.27 * n + 0.5))`` attempts, at most ``n // 2``.

    Both are rounded to 3 decimals; facility is None with no responses, discrimination with fewer
    than two.
    """
    stats = []
    for question in quiz_questions:
        qid = question if isinstance(question, str) else question.id
        seen = [(total, fractions[qid]) for total, fractions in attempts if qid in fractions]
        n = len(seen)
        facility = round(sum(f for _, f in seen) / n, 3) if n else None
        stats.append(ItemStat(id=qid, responses=n, facility=facility, discrimination=_discrimination(seen)))
    return stats


def _discrimination(seen: list[tuple[float, float]]) -> float | None:
    n = len(seen)
    if n < 2:
        return None
    ranked = sorted(seen, key=lambda pair: pair[0], reverse=True)
    g = min(max(1, math.floor(0.27 * n + 0.5)), n // 2)
    upper = sum(f for _, f in ranked[:g]) / g
    lower = sum(f for _, f in ranked[-g:]) / g
    return round(upper - lower, 3)
