"""The assessments routes' dependency: the app's quiz and role catalog, refreshed when a source changed."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from support.assessments.catalog import Catalog


async def get_catalog(request: Request) -> Catalog:
    """The app's catalog, refreshed if a source changed."""
    catalog: Catalog = request.app.state.catalog
    catalog.refresh()
    return catalog


CatalogDep = Annotated[Catalog, Depends(get_catalog)]
