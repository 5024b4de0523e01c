"""Runbooks as working checklists, and the warnings for sources named in plain text, through the real CLI."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from click.testing import Result

RunPortal = Callable[..., Result]


def test_a_runbook_named_in_plain_text_is_a_located_warning_with_the_link_to_write(tmp_portal: Path, run_portal: RunPortal) -> None:
    """An article saying "see the restart-service runbook" gets a warning at that word, naming the link."""
    article = tmp_portal / "content" / "articles" / "getting-started.md"
    article.write_text(article.read_text() + "\nWhen it hangs, see the restart-service runbook.\n")
    result = run_portal("check", tmp_portal)
    line = len(article.read_text().splitlines())
    assert result.output.splitlines() == [
        f"content/articles/getting-started.md:{line}:24: warning: the runbook 'Restart the service' is named in plain text: "
        "link it as [Restart the service](runbook:restart-service)",
        "portal check: 0 errors, 1 warning",
    ]
    assert result.exit_code == 0


def test_a_title_in_a_runbook_field_is_located_at_the_field(tmp_portal: Path, run_portal: RunPortal) -> None:
    """A runbook whose step names the article "Getting started" gets a warning at that step's field."""
    runbook = tmp_portal / "content" / "runbooks" / "restart-service.yml"
    runbook.write_text(runbook.read_text().replace("and escalate.", "and escalate; Getting started explains the logs."))
    result = run_portal("check", tmp_portal)
    assert result.output.splitlines()[0] == (
        "content/runbooks/restart-service.yml:16:15: warning: the article 'Getting started' is named in plain text: "
        "link it as [Getting started](article:getting-started)")


def test_built_runbook_has_a_box_per_step_the_progress_hook_and_print_styles(tmp_portal: Path, run_portal: RunPortal) -> None:
    """Each step ends with a labelled "Step N done" box; the page carries the progress element and the script."""
    result = run_portal("build", tmp_portal)
    assert result.exit_code == 0, result.output
    page = (tmp_portal / "site" / "runbooks" / "restart-service" / "index.html").read_text()
    assert re.findall(r'<input type="checkbox"><span class="task-list-indicator"></span> (Step \d done)</label>', page) == ["Step 1 done", "Step 2 done"]
    assert re.findall(r"</span> (Rollback step \d done)</label>", page) == ["Rollback step 1 done"]
    assert '<div class="portal-progress" data-runbook="restart-service" hidden></div>' in page
    assert 'src="../../assets/portal.js"' in page
    css = (tmp_portal / "site" / "assets" / "portal.css").read_text()
    assert "@media print" in css


def test_the_404_page_has_the_need_help_link(tmp_portal: Path, run_portal: RunPortal) -> None:
    """The site's 404 page links to the ticket form, as every other page does."""
    assert run_portal("build", tmp_portal).exit_code == 0
    page = (tmp_portal / "site" / "404.html").read_text()
    assert 'href="/support/tickets/new?page_id=not-found&amp;page_title=Page+not+found" data-add-page-url' in page
