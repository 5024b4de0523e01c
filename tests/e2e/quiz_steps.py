"""Answering an assessment in the browser the way a learner who studied would: the right answers come from the
quiz's YAML source (the browser never receives them), entered with the mouse or with the keyboard alone."""

from __future__ import annotations

import re
from typing import Any

import yaml
from e2e_harness import REPO
from playwright.sync_api import Locator, Page
from steps import tab_to


def answer_key(role: str, quiz_file: str = "certification.yml") -> dict[str, dict[str, Any]]:
    """Every question of a quiz by id, pools included, from ``quizzes/<role>/<quiz_file>``."""
    source = yaml.safe_load((REPO / "quizzes" / role / quiz_file).read_text(encoding="utf-8"))
    questions: dict[str, dict[str, Any]] = {}
    for entry in source["questions"]:
        for question in entry.get("questions", [entry]):
            questions[question["id"]] = question
    return questions


def plain(text: str) -> str:
    """Text without Markdown emphasis and code marks, spaces collapsed: how an option reads on the page."""
    return " ".join(re.sub(r"[`*]", "", str(text)).split())


def questions_on(page: Page) -> list[tuple[Locator, str, str]]:
    """(fieldset, question id, type) of each question of the attempt form, in page order."""
    fieldsets = page.locator("fieldset[data-question]")
    return [(fs, fs.get_attribute("data-question") or "", fs.get_attribute("data-type") or "") for fs in fieldsets.all()]


def choose_wrong_answers(page: Page, key: dict[str, dict[str, Any]]) -> None:
    """Pick a wrong option in every single-choice question and leave the rest unanswered."""
    for fieldset, qid, kind in questions_on(page):
        if kind == "single":
            wrong = next(o["id"] for o in key[qid]["options"] if not o.get("correct"))
            fieldset.locator(f'input[value="{wrong}"]').check()


def choose_right_answers(page: Page, key: dict[str, dict[str, Any]]) -> None:
    """Answer every question right with the mouse: click options, fill fields, pick from lists."""
    for fieldset, qid, kind in questions_on(page):
        question = key[qid]
        if kind in ("single", "multiple", "true-false"):
            for value in _right_values(question):
                fieldset.locator(f'input[value="{value}"]').check()
        elif kind in ("numeric", "short"):
            fieldset.locator("input").fill(_right_text(question))
        else:
            for select, wanted in _selects(fieldset, question):
                select.select_option(_option_value(select, wanted))


def answer_right_with_keyboard(page: Page, key: dict[str, dict[str, Any]]) -> None:
    """Answer every question right using only Tab, arrows, Space and typing, in page order."""
    keys = page.keyboard
    for fieldset, qid, kind in questions_on(page):
        question, scope = key[qid], f'fieldset[data-question="{qid}"]'
        if kind in ("single", "true-false"):
            tab_to(page, f"{scope} input")  # a radio group is one tab stop; arrows move and select
            values = [r.get_attribute("value") for r in fieldset.locator("input").all()]
            position = values.index(_right_values(question)[0])
            for _ in range(position):
                keys.press("ArrowDown")
            if position == 0:
                keys.press("Space")
        elif kind == "multiple":
            shown = [box.get_attribute("value") for box in fieldset.locator("input").all()]
            for value in sorted(_right_values(question), key=shown.index):  # in page order, as Tab reaches them
                tab_to(page, f'{scope} input[value="{value}"]')
                keys.press("Space")
        elif kind in ("numeric", "short"):
            tab_to(page, f"{scope} input")
            keys.type(_right_text(question))
        else:
            for select, wanted in _selects(fieldset, question):
                tab_to(page, f'select[name="{select.get_attribute("name")}"]')
                options = [plain(o) for o in select.locator("option").all_inner_texts()]
                for _ in range(options.index(plain(wanted))):
                    keys.press("ArrowDown")  # a closed list steps to the next option


def submit_for_grading(page: Page) -> None:
    """Review and submit, then confirm on the summary page."""
    page.get_by_role("button", name="Review and submit").click()
    page.get_by_role("button", name="Submit for grading").click()


def _right_values(question: dict[str, Any]) -> list[str]:
    if question["type"] == "true-false":
        return [str(question["answer"]).lower()]
    return [o["id"] for o in question["options"] if o.get("correct")]


def _right_text(question: dict[str, Any]) -> str:
    return str(question["answer"]) if question["type"] == "numeric" else str(question["accept"][0])


def _selects(fieldset: Locator, question: dict[str, Any]) -> list[tuple[Locator, str]]:
    """Each list of an ordering or matching question with the option text it should be set to."""
    selects = fieldset.locator("select").all()
    if question["type"] == "ordering":
        return list(zip(selects, question["items"]))
    right_of = {plain(pair["left"]): pair["right"] for pair in question["pairs"]}
    labels = [plain(label) for label in fieldset.locator("ul.pairs label").all_inner_texts()]
    return [(select, right_of[label]) for select, label in zip(selects, labels)]


def _option_value(select: Locator, wanted: str) -> str:
    for option in select.locator("option").all():
        if plain(option.inner_text()) == plain(wanted):
            return option.get_attribute("value") or ""
    raise AssertionError(f"no option reads {wanted!r} in {select.get_attribute('name')}")

