"""The quiz source format (``quizzes/<role>/<quiz>.yml``) and its semantic checks.

:class:`Quiz` validates the shape of a quiz; :func:`check_quiz` finds what a schema cannot
(no correct option, a pool smaller than its draw, duplicate ids), each located by a ``loc`` path
into the YAML data like a pydantic error. :func:`public_rules` is the only view of a quiz that
the static site may show: it never contains questions or answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Iterator, Literal, Union

from pydantic import Discriminator, Field, StringConstraints, Tag, TypeAdapter, ValidationError, model_validator

from .errors import Problems
from .models import Id, Strict, Text
from .sources import Document, loc_label, locate, validate

Loc = tuple[str | int, ...]

Anchor = Annotated[
    str,
    StringConstraints(pattern=r"^[\w-]+$", max_length=200),
    Field(description="A heading anchor as the page's table of contents makes it, e.g. 'stop-types'."),
]
QUESTION_TYPES = ("single", "multiple", "true-false", "numeric", "short", "ordering", "matching")


class SourceRef(Strict):
    """A link to an article or a runbook, optionally to one section (a heading anchor)."""

    article: Id | None = None
    runbook: Id | None = None
    section: Anchor | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "SourceRef":
        if (self.article is None) == (self.runbook is None):
            raise ValueError("name exactly one of article or runbook")
        return self

    @property
    def kind(self) -> str:
        """``"article"`` or ``"runbook"``."""
        return "article" if self.article else "runbook"

    @property
    def ref(self) -> str:
        """The id of the article or runbook."""
        return self.article or self.runbook or ""


class Scoring(str, Enum):
    """How a multiple-choice or matching question scores a partly right answer."""

    all_or_nothing = "all-or-nothing"
    partial = "partial"


class ReviewLevel(str, Enum):
    """What a learner sees after submitting; each level includes the ones before it."""

    score = "score"
    wrong = "wrong"
    answers = "answers"


class LatePolicy(str, Enum):
    """What happens to a submission after the time limit (and grace) has passed."""

    grade = "grade"
    zero = "zero"


class QuestionBase(Strict):
    """Fields every question has."""

    id: Id
    prompt: Text = Field(description="The question, in Markdown.")
    points: float = Field(default=1.0, gt=0)
    fixed_order: bool = Field(default=False, description="Show options in the written order.")
    explanation: str = Field(default="", description="Shown after submitting when review is 'answers'.")
    teaches: SourceRef | None = Field(default=None, description="The article or runbook section that teaches it.")


class Option(Strict):
    """One choice of a single- or multiple-choice question."""

    id: Id
    text: Text
    correct: bool = False
    feedback: str = Field(default="", description="Shown after submitting to a learner who picked it.")


class ChoiceQuestion(QuestionBase):
    """Base of the two choice questions."""

    options: list[Option]

    def correct_ids(self) -> set[str]:
        """Ids of the correct options, from ``answer`` when given, else from ``correct: true``."""
        answer = getattr(self, "answer", None)
        if answer is not None:
            return {answer} if isinstance(answer, str) else set(answer)
        return {o.id for o in self.options if o.correct}


class Single(ChoiceQuestion):
    """Single choice: exactly one option is correct."""

    type: Literal["single"]
    answer: Id | None = Field(default=None, description="The correct option's id, instead of 'correct: true'.")


class Multiple(ChoiceQuestion):
    """Multiple choice: several options may be correct.

    ``all-or-nothing`` gives the points only for exactly the correct set. ``partial`` gives
    ``points * max(0, (right picks - wrong picks) / number of correct options)``: each wrong
    pick cancels a right one, so ticking every box scores nothing.
    """

    type: Literal["multiple"]
    answer: list[Id] | None = Field(default=None, description="The correct options' ids, instead of 'correct: true'.")
    scoring: Scoring = Scoring.all_or_nothing


class TrueFalse(QuestionBase):
    """A statement that is true or false."""

    type: Literal["true-false"]
    answer: bool
    feedback_true: str = Field(default="", description="Shown to a learner who answered true.")
    feedback_false: str = Field(default="", description="Shown to a learner who answered false.")


class Numeric(QuestionBase):
    """A number, right when within ``tolerance`` (absolute, inclusive) of ``answer``."""

    type: Literal["numeric"]
    answer: float
    tolerance: float = Field(default=0.0, ge=0)


class Short(QuestionBase):
    """Short text, right when it equals one accepted answer (whitespace trimmed and collapsed)."""

    type: Literal["short"]
    accept: list[Text] = Field(min_length=1)
    case_sensitive: bool = False


class Ordering(QuestionBase):
    """Put items in order; ``items`` are written in the correct order and shown shuffled."""

    type: Literal["ordering"]
    items: list[Text]


class Pair(Strict):
    """One left-right pair of a matching question."""

    left: Text
    right: Text


class Matching(QuestionBase):
    """Match each left to its right; the rights are shown shuffled.

    ``partial`` (the default) gives ``points * correct pairs / pairs``; ``all-or-nothing`` gives
    the points only when every pair is right.
    """

    type: Literal["matching"]
    pairs: list[Pair]
    scoring: Scoring = Scoring.partial


Question = Single | Multiple | TrueFalse | Numeric | Short | Ordering | Matching
POOL_TAG = "pool-item"  # a union tag that is never a field name, so error locations stay in the data


def _item_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        kind = POOL_TAG if "pool" in value else value.get("type")
    else:
        kind = POOL_TAG if isinstance(value, Pool) else getattr(value, "type", None)
    return kind if kind in QUESTION_TYPES or kind == POOL_TAG else None


_TYPES = ", ".join(QUESTION_TYPES)
_TYPE_HELP = f"a question needs 'type:' one of {_TYPES} (a pool needs 'pool:', 'draw:' and 'questions:')"
_POOL_TYPE_HELP = f"a question in a pool needs 'type:' one of {_TYPES}; a pool cannot contain pools"
_TAGGED = [Annotated[q, Tag(t)] for q, t in zip(Question.__args__, QUESTION_TYPES)]
QuestionField = Annotated[
    Union[tuple(_TAGGED)],  # type: ignore[valid-type]
    Discriminator(_item_kind, custom_error_type="question_type", custom_error_message=_POOL_TYPE_HELP),
]


class Pool(Strict):
    """A pool of questions of which ``draw`` are picked at random for each attempt."""

    pool: Id
    draw: int = Field(ge=1)
    questions: list[QuestionField] = Field(min_length=1)


ItemField = Annotated[
    Union[tuple(_TAGGED + [Annotated[Pool, Tag(POOL_TAG)]])],  # type: ignore[valid-type]
    Discriminator(_item_kind, custom_error_type="question_type", custom_error_message=_TYPE_HELP),
]
_ITEM: TypeAdapter[Any] = TypeAdapter(ItemField)
_QUESTION: TypeAdapter[Any] = TypeAdapter(QuestionField)


class Certification(Strict):
    """The certificate a pass issues."""

    name: Text
    validity_days: int = Field(gt=0)
    role: Id = Field(description="The role the certificate counts toward.")


class Quiz(Strict):
    """An assessment (``quizzes/<role>/<quiz>.yml``)."""

    id: Id
    title: Text
    role: Id
    description: str = ""
    covers: list[SourceRef] = Field(default_factory=list, description="Articles and runbooks the quiz covers.")
    pass_mark: float = Field(ge=0, le=100, description="Percent of the points needed to pass.")
    time_limit_minutes: int | None = Field(default=None, gt=0)
    attempts_allowed: int | None = Field(default=None, ge=1, description="None means unlimited.")
    retake_wait_hours: float = Field(default=0, ge=0)
    review: ReviewLevel = ReviewLevel.score
    late_policy: LatePolicy = LatePolicy.grade
    grace_seconds: int = Field(default=30, ge=0, description="Seconds past the time limit still graded as on time.")
    certification: Certification | None = None
    shuffle_questions: bool = True
    questions: list[ItemField] = Field(min_length=1)


def iter_questions(quiz: Quiz) -> Iterator[tuple[Loc, Question]]:
    """Every question of a quiz, pools included, with its loc in the YAML data."""
    for i, item in enumerate(quiz.questions):
        if isinstance(item, Pool):
            for j, question in enumerate(item.questions):
                yield ("questions", i, "questions", j), question
        else:
            yield ("questions", i), item


def questions_by_id(quiz: Quiz) -> dict[str, Question]:
    """Every question of a quiz keyed by id."""
    return {q.id: q for _, q in iter_questions(quiz)}


def questions_per_attempt(quiz: Quiz) -> int:
    """How many questions one attempt has (each pool counts its draw)."""
    return sum(item.draw if isinstance(item, Pool) else 1 for item in quiz.questions)


@dataclass(frozen=True)
class QuizIssue:
    """A semantic problem in a quiz: where it is (a loc into the YAML data) and what to do."""

    loc: Loc
    message: str


def _issue(loc: Loc, text: str) -> QuizIssue:
    return QuizIssue(loc, f"{loc_label(loc)}: {text}")


def check_quiz(quiz: Quiz) -> list[QuizIssue]:
    """The problems a schema cannot see, each with a message that says how to fix it.

    Checks: choice questions with no correct option, several correct options on a single choice,
    an ``answer`` that names no option, duplicate option ids, pools smaller than their draw,
    duplicate question and pool ids (across pools too), ordering questions with fewer than two
    items, matching questions with repeated lefts or rights.
    """
    pools = [(("questions", i), item) for i, item in enumerate(quiz.questions) if isinstance(item, Pool)]
    return _check(pools, list(iter_questions(quiz)))


def validate_quiz(doc: Document, problems: Problems) -> Quiz | None:
    """Validate a quiz and run :func:`check_quiz`, recording every problem at its line; None on any.

    When the schema refuses part of the quiz, the checks still run on each question (and pool)
    that is valid on its own, so all problems are reported in one pass.
    """
    quiz = validate(Quiz, doc, problems)
    issues = check_quiz(quiz) if quiz is not None else _check(*_valid_parts(doc.data))
    for issue in issues:
        line, col = locate(doc.data, issue.loc, doc.line_offset)
        problems.add(doc.path, line, col, issue.message)
    return quiz if not issues else None


def _valid_parts(data: Any) -> tuple[list[tuple[Loc, Pool]], list[tuple[Loc, Question]]]:
    """The pools and questions of a quiz's data that validate on their own, with their locs."""
    pools: list[tuple[Loc, Pool]] = []
    questions: list[tuple[Loc, Question]] = []
    items = data.get("questions")
    for i, item in enumerate(items if isinstance(items, list) else []):
        valid = _valid(_ITEM, item)
        if isinstance(valid, Pool):
            pools.append((("questions", i), valid))
            questions += [(("questions", i, "questions", j), q) for j, q in enumerate(valid.questions)]
        elif valid is not None:
            questions.append((("questions", i), valid))
        elif isinstance(item, dict) and isinstance(item.get("questions"), list):  # a pool with errors
            for j, raw in enumerate(item["questions"]):
                question = _valid(_QUESTION, raw)
                questions += [(("questions", i, "questions", j), question)] if question is not None else []
    return pools, questions


def _valid(adapter: TypeAdapter[Any], value: Any) -> Any:
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return None


def _check(pools: list[tuple[Loc, Pool]], questions: list[tuple[Loc, Question]]) -> list[QuizIssue]:
    issues: list[QuizIssue] = []
    pool_ids: dict[str, Loc] = {}
    for loc, pool in pools:
        issues += _check_pool(pool, loc, pool_ids)
    seen: dict[str, Loc] = {}
    for loc, question in questions:
        if question.id in seen:
            first = loc_label(seen[question.id])
            issues.append(_issue((*loc, "id"), f"duplicate question id '{question.id}' (first used at {first}): give each question its own id"))
        seen.setdefault(question.id, loc)
        check = _CHECKS.get(question.type)
        issues += check(question, loc) if check else []
    return issues


def _check_pool(pool: Pool, loc: Loc, pools: dict[str, Loc]) -> list[QuizIssue]:
    issues = []
    if pool.pool in pools:
        issues.append(_issue((*loc, "pool"), f"duplicate pool id '{pool.pool}' (first used at {loc_label(pools[pool.pool])}): give each pool its own id"))
    pools.setdefault(pool.pool, loc)
    if pool.draw > len(pool.questions):
        have = len(pool.questions)
        issues.append(_issue((*loc, "draw"), f"draw {pool.draw} is more than the {have} questions in pool '{pool.pool}': lower draw or add questions"))
    return issues


def _check_choice(q: Single | Multiple, loc: Loc) -> list[QuizIssue]:
    ids = [o.id for o in q.options]
    issues = [_issue((*loc, "options"), f"a choice question needs at least 2 options, found {len(ids)}")] if len(ids) < 2 else []
    issues += _duplicates([(*loc, "options", k, "id") for k in range(len(ids))], ids, "option id")
    marked = [o.id for o in q.options if o.correct]
    if q.answer is not None:
        answers = [q.answer] if isinstance(q.answer, str) else q.answer
        locs = [(*loc, "answer")] if isinstance(q.answer, str) else [(*loc, "answer", k) for k in range(len(answers))]
        issues += [_issue(where, f"'{a}' is not one of the options {', '.join(ids)}") for where, a in zip(locs, answers) if a not in ids]
        if marked:
            issues.append(_issue((*loc, "answer"), "give the correct options either with 'answer' or with 'correct: true', not both"))
    correct = sorted(q.correct_ids(), key=lambda x: ids.index(x) if x in ids else len(ids))
    if not correct:
        where = (*loc, "answer") if q.answer is not None else (*loc, "options")
        which = "the right option" if q.type == "single" else "each right option"
        issues.append(_issue(where, f"no option is marked correct: add 'correct: true' to {which}"))
    elif q.type == "single" and len(correct) > 1:
        issues.append(_issue((*loc, "options"), f"{len(correct)} options are marked correct ({', '.join(correct)}): a single-choice question has exactly one; use 'type: multiple' for several"))
    return issues


def _check_ordering(q: Ordering, loc: Loc) -> list[QuizIssue]:
    issues = []
    if len(q.items) < 2:
        issues.append(_issue((*loc, "items"), f"an ordering question needs at least 2 items, found {len(q.items)}"))
    issues += _duplicates([(*loc, "items", k) for k in range(len(q.items))], q.items, "item")
    if q.fixed_order:
        issues.append(_issue((*loc, "fixed_order"), "fixed_order would show the items in the correct order: remove it"))
    return issues


def _check_matching(q: Matching, loc: Loc) -> list[QuizIssue]:
    issues = []
    if len(q.pairs) < 2:
        issues.append(_issue((*loc, "pairs"), f"a matching question needs at least 2 pairs, found {len(q.pairs)}"))
    for side in ("left", "right"):
        values = [getattr(p, side) for p in q.pairs]
        issues += _duplicates([(*loc, "pairs", k, side) for k in range(len(values))], values, side)
    if q.fixed_order:
        issues.append(_issue((*loc, "fixed_order"), "fixed_order would show each right next to its left: remove it"))
    return issues


def _duplicates(locs: list[Loc], values: list[str], what: str) -> list[QuizIssue]:
    first: dict[str, Loc] = {}
    issues = []
    for where, value in zip(locs, values):
        if value in first:
            issues.append(_issue(where, f"duplicate {what} '{value}' (also at {loc_label(first[value])}): each {what} must be different"))
        first.setdefault(value, where)
    return issues


_CHECKS: dict[str, Any] = {"single": _check_choice, "multiple": _check_choice, "ordering": _check_ordering, "matching": _check_matching}


def quiz_references(quiz: Quiz) -> list[tuple[Loc, str, str]]:
    """Every ``(loc, kind, id)`` the quiz refers to: its role, covers, teaches links, certification role."""
    refs: list[tuple[Loc, str, str]] = [(("role",), "role", quiz.role)]
    for i, ref in enumerate(quiz.covers):
        refs.append((("covers", i, ref.kind), ref.kind, ref.ref))
    for loc, question in iter_questions(quiz):
        if question.teaches:
            refs.append(((*loc, "teaches", question.teaches.kind), question.teaches.kind, question.teaches.ref))
    if quiz.certification:
        refs.append((("certification", "role"), "role", quiz.certification.role))
    return refs


def quiz_sections(quiz: Quiz) -> list[tuple[Loc, str, str, str]]:
    """Every ``(loc, kind, id, anchor)`` section link, for checking anchors against the built pages."""
    links: list[tuple[Loc, SourceRef]] = [(("covers", i), ref) for i, ref in enumerate(quiz.covers)]
    links += [((*loc, "teaches"), q.teaches) for loc, q in iter_questions(quiz) if q.teaches]
    return [((*loc, "section"), ref.kind, ref.ref, ref.section) for loc, ref in links if ref.section]


_REVIEW_TEXT = {
    ReviewLevel.score: "You see your score and whether you passed.",
    ReviewLevel.wrong: "You see your score and which questions you got wrong.",
    ReviewLevel.answers: "You see your score, the correct answers and explanations, and what to study.",
}


def public_rules(quiz: Quiz) -> dict[str, Any]:
    """What the quiz's page on the static site may show; nothing about questions or answers.

    Raw values sit next to display strings (``time_limit``, ``attempts``, ``wait``, ``review``)
    so templates need no logic. There is no ``id`` key: callers key the rules by quiz id.
    """
    cert = quiz.certification
    mark = quiz.pass_mark
    return {
        "title": quiz.title,
        "description": quiz.description,
        "role": quiz.role,
        "question_count": questions_per_attempt(quiz),
        "pass_mark": int(mark) if mark.is_integer() else mark,
        "time_limit_minutes": quiz.time_limit_minutes,
        "time_limit": f"{quiz.time_limit_minutes} minutes" if quiz.time_limit_minutes else "No limit",
        "attempts_allowed": quiz.attempts_allowed,
        "attempts": str(quiz.attempts_allowed) if quiz.attempts_allowed else "Unlimited",
        "retake_wait_hours": quiz.retake_wait_hours,
        "wait": _hours(quiz.retake_wait_hours),
        "review_policy": quiz.review.value,
        "review": _REVIEW_TEXT[quiz.review],
        "late_policy": quiz.late_policy.value,
        "covers": [{"kind": c.kind, "id": c.ref, "section": c.section} for c in quiz.covers],
        "certification": cert.name if cert else None,
        "validity_days": cert.validity_days if cert else None,
        "certification_role": cert.role if cert else None,
    }


def _hours(hours: float) -> str:
    value = int(hours) if float(hours).is_integer() else hours
    return "None" if not hours else f"{value} hour" + ("" if value == 1 else "s")


def quiz_json_schema() -> dict[str, Any]:
    """The JSON Schema of the quiz format, for editors."""
    return Quiz.model_json_schema()
