"""Build the KB index of a ``kb.json`` into a data folder, as the backend does at start-up.

``python -m bench.kbindex KB_JSON DATA_DIR`` runs ``KnowledgeBase.refresh`` (the start-up code path)
and prints the seconds it took. ``make bench`` runs it on the second core while the 5,000-page build
runs on the first (that build's figures are memory and size, not time), so the backend's server
starts on a finished index instead of spending two minutes indexing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main() -> None:
    """Index the export and print the seconds."""
    from support.kb.search import KnowledgeBase

    kb_file, data = Path(sys.argv[1]), Path(sys.argv[2])
    started = time.perf_counter()
    kb = KnowledgeBase(kb_file, data / "kb-index")
    kb.refresh()
    kb.close()
    print(f"{time.perf_counter() - started:.1f}")


if __name__ == "__main__":
    main()
