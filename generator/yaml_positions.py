"""Round-trip YAML loading (a line and column on every node) through libyaml when possible.

ruamel.yaml's round-trip loader is pure Python and was most of a large portal's check time.
ruamel.yaml.clib ships libyaml as ``CParser``, which composes the same nodes with the same marks;
the round-trip constructor on top of it gives equal data and positions about seven times faster.
libyaml is a YAML 1.1 parser, so any text it refuses, any text with a ``%`` directive (which
could change the YAML version) and every error go to ruamel's pure parser: data, positions and
error messages are always the pure parser's.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.resolver import VersionedResolver

try:
    from _ruamel_yaml import CParser  # libyaml, shipped as ruamel.yaml.clib
except ImportError:  # pragma: no cover - clib is a dependency of ruamel.yaml on CPython
    CParser = None

DIRECTIVE = re.compile(r"^%", re.M)
CACHED_TEXTS = 16384  # more than the sources of a 10,000-page portal


def pure_yaml() -> YAML:
    """ruamel's round-trip loader, refusing duplicate keys."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


if CParser is not None:

    class _Loader(CParser, RoundTripConstructor, VersionedResolver):  # type: ignore[misc, valid-type]
        """What ``YAML(typ="rt")`` builds around ``CParser`` (see ``YAML.get_constructor_parser``)."""

        comment_handling = None  # libyaml keeps no comments
        processing_version = (1, 2)  # no directive reaches this loader, so always the default version

        def __init__(self, text: str):
            CParser.__init__(self, text)
            self._parser = self._composer = self
            RoundTripConstructor.__init__(self, loader=self)
            self.allow_duplicate_keys = False
            VersionedResolver.__init__(self, version=None, loadumper=self)


def _fast_load(text: str) -> Any:
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


@functools.lru_cache(maxsize=CACHED_TEXTS)
def load_yaml(text: str) -> Any:
    """Round-trip load ``text``: libyaml when it accepts the text, else ruamel's pure parser.

    Results are cached by text, so ``portal serve`` re-reads only the sources an edit changed;
    callers share the returned data and must not modify it (none does: models are validated
    from it and locations looked up in it).
    """
    if CParser is not None and not DIRECTIVE.search(text):
        try:
            return _fast_load(text)
        except Exception:  # noqa: BLE001 - the pure parser gives the authoritative answer or error
            pass
    return pure_yaml().load(text)
