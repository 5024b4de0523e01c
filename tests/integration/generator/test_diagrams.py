"""Mermaid diagrams: the block is kept for the browser and the site serves its own Mermaid (a real build)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from click.testing import Result

RunPortal = Callable[..., Result]
DIAGRAM = "\n## Flow\n\n```mermaid\nflowchart LR\n  a[Terminal] --> b[API]\n```\n"


def test_a_diagram_page_loads_the_sites_own_mermaid(tmp_portal: Path, run_portal: RunPortal) -> None:
    """The block becomes ``pre.mermaid``; that page, and only that page, loads /assets/vendor/mermaid.min.js."""
    article = tmp_portal / "content" / "articles" / "getting-started.md"
    article.write_text(article.read_text() + DIAGRAM)
    result = run_portal("build", tmp_portal)
    assert result.exit_code == 0, result.output
    site = tmp_portal / "site"
    page = (site / "articles" / "getting-started" / "index.html").read_text()
    assert '<pre class="mermaid"><code>flowchart LR\n  a[Terminal] --&gt; b[API]</code></pre>' in page
    assert '<script src="../../assets/vendor/mermaid.min.js"></script>' in page
    assert (site / "assets" / "vendor" / "mermaid.min.js").stat().st_size > 1_000_000
    assert "mermaid.min.js" not in (site / "index.html").read_text()
    assert "unpkg" not in page


def test_a_site_without_diagrams_ships_no_mermaid(tmp_portal: Path, run_portal: RunPortal) -> None:
    """Three and a half megabytes are copied only when a page needs them."""
    assert run_portal("build", tmp_portal).exit_code == 0
    assert not (tmp_portal / "site" / "assets" / "vendor" / "mermaid.min.js").exists()
