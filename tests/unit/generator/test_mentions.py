"""Plain-text mentions of other runbooks and articles: what counts as one."""

from __future__ import annotations

from generator.mentions import WORD, Index, Target, mentions


def _targets(*items: tuple[str, str, str, str]) -> Index:
    found = []
    for kind, ident, title, name in items:
        words = WORD.findall(name)
        found.append((words, Target(kind, ident, title, tuple(words), name == ident)))
    return Index(found)


TARGETS = _targets(
    ("runbook", "failed-health-check", "Failed health check on a LineCtl API server", "failed-health-check"),
    ("runbook", "failed-health-check", "Failed health check on a LineCtl API server", "Failed health check on a LineCtl API server"),
    ("article", "first-article-inspection", "First-article inspection", "First-article inspection"),
    ("runbook", "plc-gateway-restart", "Restart a PLC gateway", "Restart a PLC gateway"),
)


def found(text: str, own: tuple[str, str] = ("article", "x")) -> list[tuple[str, str]]:
    return [(text[offset:offset + 12], target.ident) for offset, target in mentions(text, TARGETS, own)]


def test_an_id_named_in_prose_is_a_mention() -> None:
    """"see the failed-health-check runbook" names the runbook by its id."""
    assert found("If it fails, see the failed-health-check runbook.") == [("failed-healt", "failed-health-check")]


def test_a_title_with_its_own_capitals_is_a_mention_even_across_a_line_break() -> None:
    """The title as written, wrapped over two lines, is found; a name with capitals may start in lower case."""
    assert found("Read Failed health check on a\nLineCtl API server first.") == [("Failed healt", "failed-health-check")]
    assert found("then restart a PLC gateway.") == [("restart a PL", "plc-gateway-restart")]


def test_the_same_words_used_as_a_term_are_not_a_mention() -> None:
    """"a first-article inspection" is the process, not the article "First-article inspection"."""
    assert found("The first part needs a first-article inspection.") == []


def test_links_code_and_headings_are_not_mentions() -> None:
    """Text already linked, inline or fenced code and headings are skipped."""
    text = ("[the failed-health-check runbook](runbook:failed-health-check) and `failed-health-check`\n"
            "```\nfailed-health-check\n```\n## First-article inspection\n")
    assert found(text) == []


def test_a_source_naming_itself_is_not_a_mention() -> None:
    """A runbook may say its own id."""
    assert found("This is the failed-health-check runbook.", own=("runbook", "failed-health-check")) == []


def test_a_longer_word_is_not_a_mention() -> None:
    """``failed-health-check-v2`` or ``xfailed-health-check`` is another word."""
    assert found("the failed-health-check-v2 and xfailed-health-check jobs") == []


def test_text_after_a_heading_is_still_read() -> None:
    """A heading hides only its own line."""
    assert found("## Restarting\n\nSee the failed-health-check runbook.\n") == [("failed-healt", "failed-health-check")]


def test_mentions_come_in_text_order_wherever_they_stand() -> None:
    """At the text's start, after an apostrophe, before a possessive 's, after a link: each found, in order."""
    text = ("failed-health-check first; 'Restart a PLC gateway' then [x](y) Failed health check on a LineCtl API server's "
            "log and restart a PLC gateway.")
    assert found(text) == [("failed-healt", "failed-health-check"), ("Restart a PL", "plc-gateway-restart"),
                           ("Failed healt", "failed-health-check"), ("restart a PL", "plc-gateway-restart")]


def test_a_name_inside_a_longer_word_is_not_a_mention() -> None:
    """After letters and an apostrophe or a slash the name is part of another word."""
    assert found("the o'failed-health-check and ci/failed-health-check jobs") == []


def test_a_title_cut_short_is_not_a_mention() -> None:
    """All the title's words, as written: its second word elsewhere in the text is not enough."""
    assert found("Failed checks: health check on a LineCtl API server, Failed health checks on a LineCtl API server.") == []
