"""axe-core finds no WCAG 2.0/2.1 A or AA violation on any page type of the site and the backend."""

from __future__ import annotations

from typing import Any

import pytest
from e2e_harness import Browsing, axe_violations, describe_violations
from page_types import PAGES, portal, world  # noqa: F401 (the module's fixtures)


@pytest.mark.parametrize("page_type", list(PAGES))
def test_page_type_has_no_wcag_violations(page_type: str, browsing: Browsing, world: dict[str, Any]) -> None:
    """axe-core (WCAG 2.0/2.1 A and AA rules) reports zero violations on the page."""
    who, visit = PAGES[page_type]
    page = browsing.new_page(bypass_csp=True, storage_state=world["states"][who] if who else None)
    visit(page, world)
    violations = axe_violations(page)
    assert not violations, f"{page_type} ({page.url}) has {len(violations)} axe violation(s):\n{describe_violations(violations)}"
