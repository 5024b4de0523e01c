"""Thin routers, one module per resource; HTML pages under /support, JSON under /api."""
