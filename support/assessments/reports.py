"""Assessment reports for admins: pass rate and score distribution per quiz, item analysis per question.

Item analysis runs over each learner's *first* attempt at a quiz (later attempts are practised
and would flatter the questions): facility is the mean share of a question's points earned,
discrimination the upper-minus-lower-group facility (:func:`support.assessments.grading.item_analysis`).
"""

from __future__ import annotations

import statistics
from typing import Any

from generator.quizzes import Quiz, questions_by_id
from support.assessments.rows import loads
from support.assessments.catalog import Catalog
from support.db.store import Store
from support.assessments.grading import item_analysis
from support.tables import Table

BINS = [(0, 10), (10, 20), (20, 30), (30, 40), (40, 50), (50, 60), (60, 70), (70, 80), (80, 90), (90, 101)]
MOST_MISSED = 5


def summary(db: Store, catalog: Catalog) -> Table:
    """Per quiz: attempts, learners, passes, pass rate overall and at the first attempt, mean score."""
    table = Table("quiz_summary", "Pass rate per assessment",
                  ["quiz", "title", "attempts", "learners", "passed", "pass_rate_pct", "first_attempt_pass_rate_pct", "mean_score"],
                  chart="pass_rate_pct", unit="%")
    for quiz_id in _quiz_ids(db, catalog):
        rows = _submitted(db, quiz_id)
        firsts = [r for r in rows if r["number"] == 1]
        table.rows.append([quiz_id, _title(catalog, quiz_id), len(rows), len({r["user_id"] for r in rows}),
                           sum(r["passed"] for r in rows), _rate(rows), _rate(firsts),
                           round(statistics.mean(r["score"] for r in rows), 1) if rows else ""])
    return table


def distribution(db: Store, quiz_id: str) -> Table:
    """How many submitted attempts scored in each band of 10 points (a band holds its lower bound; 100 is in the last)."""
    scores = [r["score"] for r in _submitted(db, quiz_id)]
    table = Table(f"{quiz_id}-scores", "Score distribution (all submitted attempts)", ["score", "attempts"], chart="attempts")
    for low, high in BINS:
        label = f"{low}–{min(high, 100)}%"
        table.rows.append([label, sum(1 for s in scores if low <= s < high)])
    return table


def items(db: Store, quiz: Quiz, pages: dict[str, dict[str, Any]]) -> Table:
    """Facility and discrimination of every question over first attempts, hardest first."""
    firsts = [r for r in _submitted(db, quiz.id) if r["number"] == 1]
    data = [(r["score"], _fractions(r)) for r in firsts]
    known = questions_by_id(quiz)
    ids = list(known) + sorted({q for _, f in data for q in f} - set(known))
    stats = item_analysis(ids, data)
    table = Table(f"{quiz.id}-items", "Item analysis over first attempts",
                  ["question", "type", "responses", "facility", "discrimination", "prompt", "teaches", "teaches_url"])
    for stat in sorted(stats, key=lambda s: (s.facility is None, s.facility if s.facility is not None else 0, s.id)):
        question = known.get(stat.id)
        link = question.teaches if question else None
        page = pages.get(link.ref, {}) if link else {}
        url = page.get("url", "") + (f"#{link.section}" if link and link.section and page else "")
        table.rows.append([stat.id, question.type if question else "", stat.responses, _blank(stat.facility),
                           _blank(stat.discrimination), question.prompt if question else "(no longer in the quiz)",
                           page.get("title", link.ref if link else ""), url])
    return table


def most_missed(table: Table, limit: int = MOST_MISSED) -> list[dict[str, Any]]:
    """The questions with the lowest facility (answered at least once), with the page that teaches them."""
    rows = [dict(zip(table.columns, row)) for row in table.rows if row[3] != ""]
    return rows[:limit]


def quiz_report(db: Store, catalog: Catalog, quiz_id: str, pages: dict[str, dict[str, Any]]) -> list[Table]:
    """Every table of one quiz's report."""
    quiz = catalog.quiz(quiz_id)
    return [distribution(db, quiz_id), items(db, quiz, pages)]


def _quiz_ids(db: Store, catalog: Catalog) -> list[str]:
    taken = [r["quiz_id"] for r in db.all("SELECT DISTINCT quiz_id FROM attempts ORDER BY quiz_id")]
    return sorted(set(catalog.quizzes) | set(taken))


def _submitted(db: Store, quiz_id: str) -> list[dict[str, Any]]:
    return db.all("SELECT user_id, number, score, passed, result FROM attempts WHERE quiz_id = ? AND status = 'submitted' ORDER BY id",
                  [quiz_id])


def _fractions(row: dict[str, Any]) -> dict[str, float]:
    return {q["id"]: q["earned"] / q["possible"] for q in loads(row["result"], {})["questions"] if q["possible"]}


def _rate(rows: list[dict[str, Any]]) -> float | str:
    return round(100 * sum(r["passed"] for r in rows) / len(rows), 1) if rows else ""


def _title(catalog: Catalog, quiz_id: str) -> str:
    quiz = catalog.quizzes.get(quiz_id)
    return quiz.title if quiz else quiz_id


def _blank(value: float | None) -> float | str:
    return "" if value is None else value
