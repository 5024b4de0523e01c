"""Symbolic links in a portal's source folders: a link that leaves the portal, dangles or loops is refused.

MkDocs publishes every file under the content folder and follows links as it copies them, so a
link to a file outside the portal folder would publish that file, and a loop would end the build
in an error. A link that stays inside the portal folder is followed like the file it points at.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path


def refused_links(root: Path, folder: Path) -> dict[Path, str]:
    """Each refused link under ``folder`` (or ``folder`` itself) and what is wrong with it.

    ``root`` is the portal folder. Accepted links to folders are walked into, as MkDocs does,
    so the links inside them are checked too.
    """
    root = root.resolve()
    above = set(Path(os.path.realpath(folder)).parents)
    message = link_problem(root, folder, above) if folder.is_symlink() else None
    if message:
        return {folder: message}
    refused: dict[Path, str] = {}
    _walk(root, folder, above, refused)
    return refused


def _walk(root: Path, folder: Path, above: set[Path], refused: dict[Path, str]) -> None:
    """Check what ``folder`` holds; ``above`` are the real folders the walk came through."""
    above = above | {Path(os.path.realpath(folder))}
    with os.scandir(folder) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    for entry in entries:
        path = Path(entry.path)
        message = link_problem(root, path, above) if entry.is_symlink() else None
        if message:
            refused[path] = message
        elif entry.is_dir():
            _walk(root, path, above, refused)


def link_problem(root: Path, link: Path, above: set[Path]) -> str | None:
    """What is wrong with the symbolic link ``link`` (None when it may stay), and how to fix it."""
    target = os.readlink(link)
    try:
        real = Path(os.path.realpath(link, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"symbolic link to '{target}' is a loop: following it leads back to itself; point it at a file or remove it"
        return f"symbolic link to '{target}' points at nothing: point it at a file inside the portal folder or remove it"
    if real != root and root not in real.parents:
        return f"symbolic link to '{target}' leads outside the portal folder (to {real}): copy the file into the portal folder instead, or remove the link"
    if real in above:
        return f"symbolic link to '{target}' is a loop: it leads back to a folder that holds it; remove the link"
    return None
