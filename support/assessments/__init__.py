"""Assessments: the quiz catalog, attempts and grading, certificates, the learner's dashboard, tracking and reports.

``service`` is what routes and other parts call; ``grading`` is pure functions; ``attempts``,
``certificates``, ``eligibility``, ``dashboard`` and ``tracking`` keep their rows; ``migrations`` the tables.
"""
