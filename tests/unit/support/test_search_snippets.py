"""What search results show of a page: plain sentences, never raw Markdown (tables, JSON, command output)."""

from __future__ import annotations

from support.kb.snippets import marker, prose, snippet

ARTICLE = """Thresholds are stored in the database.

```console
$ linectl threshold list --station L2-S06
THR-0611 L2-S06   illumination_pct     < 80
```

| Threshold kind | Approved by |
|---|---|
| Reject rates | Quality engineering |

    {"alarm": "TQ-201", "station": "L2-S04"}

!!! warning "Never change a threshold during a shift"
    A **threshold** change [takes effect](../alarms.md) at once.
"""


def test_prose_keeps_sentences_and_table_cells_and_drops_code_json_and_markup() -> None:
    """Code blocks, command output and JSON go; a table row becomes a sentence; links and emphasis lose their markup."""
    text = prose(ARTICLE)
    assert "linectl threshold list" not in text and "THR-0611" not in text and '"alarm"' not in text
    assert "|" not in text and "---" not in text and "**" not in text and "](" not in text and "!!!" not in text
    assert "Reject rates; Quality engineering." in text
    assert "Never change a threshold during a shift" in text
    assert "A threshold change takes effect at once." in text


def test_snippet_marks_the_query_words_in_escaped_text_from_the_sentence_start() -> None:
    """The snippet starts at the sentence holding the match, escapes the page's text and marks only query words."""
    text = "Intro words here. The <b>scanner</b> reads labels. " + "More filler text. " * 20
    shown = snippet(text, marker(["scanner", "the"], frozenset({"the"})))
    assert shown.startswith("… The &lt;b&gt;<mark>scanner</mark>&lt;/b&gt; reads labels.")
    assert "<mark>The</mark>" not in shown
