"""portalgen's static-site pipeline: load sources, validate them, render Markdown pages and a nav."""

__version__ = "0.1.0"
