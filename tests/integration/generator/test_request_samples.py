"""REST reference pages show each operation's request in curl, Python and JavaScript (a real build)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from click.testing import Result

RunPortal = Callable[..., Result]


def test_every_operation_has_three_copyable_sample_tabs(tmp_portal: Path, run_portal: RunPortal) -> None:
    """The scaffold's Items page: one tab set per operation, labelled curl, Python, JavaScript, code copyable."""
    result = run_portal("build", tmp_portal)
    assert result.exit_code == 0, result.output
    page = (tmp_portal / "site" / "reference" / "rest" / "service" / "items" / "index.html").read_text()
    operations = re.findall(r'<h2 id="op-[^"]+"', page)
    tab_sets = re.findall(r'<div class="tabbed-set tabbed-alternate".*?</div>\s*</div>', page, re.S)
    assert len(tab_sets) == len(operations) >= 1
    assert re.findall(r"<label for=[^>]*>([^<]+)</label>", tab_sets[0]) == ["curl", "Python", "JavaScript"]
    assert "$SERVICE_TOKEN" in re.sub(r"<[^>]+>", "", tab_sets[0])
    assert '"content.code.copy"' in page
