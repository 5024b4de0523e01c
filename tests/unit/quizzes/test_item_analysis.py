"""Item analysis (facility and discrimination index) on a small set with hand-computed figures."""

from __future__ import annotations

from generator.quizzes import Quiz
from support.assessments.grading import ItemStat, item_analysis

# total score -> fraction of the points earned on q1, q2, q3 (q4 only in some attempts, q5 in one)
TABLE = {
    90: {"q1": 1, "q2": 0, "q3": 1.0, "q4": 1},
    85: {"q1": 1, "q2": 0, "q3": 0.5},
    80: {"q1": 0, "q2": 0, "q3": 1.0},
    70: {"q1": 1, "q2": 1, "q3": 0.5, "q5": 1},
    60: {"q1": 1, "q2": 1, "q3": 0.5, "q4": 1},
    55: {"q1": 0, "q2": 1, "q3": 0.5},
    50: {"q1": 1, "q2": 1, "q3": 0.0, "q4": 0},
    40: {"q1": 0, "q2": 1, "q3": 0.5},
    30: {"q1": 0, "q2": 1, "q3": 0.0},
    20: {"q1": 0, "q2": 1, "q3": 0.0, "q4": 0},
}
# Given out of score order, to show that ranking is by total score.
ATTEMPTS = [(total, TABLE[total]) for total in (55, 90, 20, 70, 40, 85, 30, 60, 80, 50)]


def test_facility_and_discrimination_match_hand_computed_figures() -> None:
    """With 10 attempts the groups are the top and bottom 3 (27 % of 10, rounded), giving these figures."""
    stats = {s.id: s for s in item_analysis(["q1", "q2", "q3"], ATTEMPTS)}
    # q1: 5 of 10 right; upper (90, 85, 80) = 2/3, lower (40, 30, 20) = 0.
    assert stats["q1"] == ItemStat(id="q1", responses=10, facility=0.5, discrimination=0.667)
    # q2: 7 of 10 right, all in the lower half: upper 0, lower 1.
    assert stats["q2"] == ItemStat(id="q2", responses=10, facility=0.7, discrimination=-1.0)
    # q3: 4.5 / 10; upper (1 + 0.5 + 1) / 3 = 0.833, lower (0.5 + 0 + 0) / 3 = 0.167.
    assert stats["q3"] == ItemStat(id="q3", responses=10, facility=0.45, discrimination=0.667)


def test_pool_question_counts_only_attempts_that_contained_it() -> None:
    """A pool question seen in 4 attempts uses groups of 1 (27 % of 4, rounded) among those 4."""
    [stat] = item_analysis(["q4"], ATTEMPTS)
    assert stat == ItemStat(id="q4", responses=4, facility=0.5, discrimination=1.0)


def test_too_few_responses_leave_indices_empty() -> None:
    """One response gives a facility but no discrimination; none gives neither."""
    assert item_analysis(["q5", "q6"], ATTEMPTS) == [
        ItemStat(id="q5", responses=1, facility=1.0, discrimination=None),
        ItemStat(id="q6", responses=0, facility=None, discrimination=None),
    ]


def test_item_analysis_accepts_question_models(all_types: Quiz) -> None:
    """Questions may be given as models; their ids are used."""
    stats = item_analysis(all_types.questions[:2], [(80.0, {"stop-type": 1.0, "checklist": 0.5})])
    assert [(s.id, s.facility) for s in stats] == [("stop-type", 1.0), ("checklist", 0.5)]
