"""Video tutorials: the player, chapters and transcript of a video, its checks, and the videos index.

A video is the browser's own ``<video>`` player with a poster and WebVTT captions. The transcript is
read from the captions, so it is written once, and is part of the page's text (and so of the search).
A video from a URL is not fetched until the reader presses play (``preload="none"``).
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown.extensions.toc import slugify

from .errors import Problems
from .links import page_url
from .load import Portal, Source
from .models import Video

TYPES = {".webm": "video/webm", ".mp4": "video/mp4", ".ogv": "video/ogg", ".mov": "video/quicktime"}
CUE_TIME = re.compile(r"^\s*(\d+:)?\d{2}:\d{2}\.\d{3}\s+-->")


def is_url(src: str) -> bool:
    """Whether a video source is a URL rather than a file under the content folder."""
    return src.startswith(("https://", "http://"))


def anchor(video: Video) -> str:
    """The id of a video's figure on its page."""
    return "video-" + slugify(video.title, "-")


def transcript(vtt: str) -> list[str]:
    """The spoken text of WebVTT captions as paragraphs: one per cue block, markup and timings dropped."""
    paragraphs, cue, in_cue = [], [], False
    for line in vtt.splitlines()[1:]:
        if CUE_TIME.match(line):
            in_cue = True
        elif not line.strip():
            if cue:
                paragraphs.append(" ".join(cue))
            cue, in_cue = [], False
        elif in_cue:
            cue.append(re.sub(r"<[^>]+>", "", line).strip())
    if cue:
        paragraphs.append(" ".join(cue))
    merged: list[str] = []
    for text in paragraphs:  # cues split sentences; join them until a sentence ends
        if merged and not merged[-1].endswith((".", "?", "!", ":")):
            merged[-1] += " " + text
        else:
            merged.append(text)
    return merged


def _url(target: str, here: str, directory_urls: bool) -> str:
    """A content-folder path as a URL relative to the page ``here`` is published at."""
    if is_url(target):
        return target
    page = page_url(here, directory_urls)
    folder = page.rstrip("/") if page.endswith("/") or not page else posixpath.dirname(page)
    return posixpath.relpath(target, folder or ".")


def player(video: Video, here: str, content_dir: Path, directory_urls: bool) -> str:
    """The HTML of a video: player with captions, chapters that seek, and the transcript."""
    ident, e = anchor(video), html.escape
    url = lambda target: e(_url(target, here, directory_urls))  # noqa: E731
    kind = TYPES.get(posixpath.splitext(video.src.split("?")[0])[1].lower(), "")
    attrs = f' poster="{url(video.poster)}"' if video.poster else ""
    preload = "none" if is_url(video.src) else "metadata"
    duration = f" ({e(video.duration)})" if video.duration else ""
    out = [
        f'<figure class="portal-video" id="{ident}">',
        f'<video controls preload="{preload}" playsinline{attrs} aria-label="{e(video.title)}">',
        f'<source src="{url(video.src)}"' + (f' type="{kind}"' if kind else "") + ">",
        f'<track kind="captions" src="{url(video.captions or "")}" srclang="{e(video.captions_language)}" label="Captions" default>',
        f'<a href="{url(video.src)}">Download the video</a>',
        "</video>",
        f"<figcaption>Video: {e(video.title)}{duration}, with captions</figcaption>",
        "</figure>",
    ]
    if video.chapters:
        out += [f'<ol class="portal-chapters" aria-label="Chapters of {e(video.title)}">']
        out += [f'<li><button type="button" class="portal-chapter" data-video="{ident}" data-seek="{c.seconds}">'
                f"<span>{e(c.at)}</span> {e(c.title)}</button></li>" for c in video.chapters]
        out += ["</ol>"]
    text = _read(content_dir / (video.captions or ""))
    if text is not None:
        out += [f'<details class="portal-transcript"><summary>Transcript of “{e(video.title)}”</summary>']
        out += [f"<p>{e(p)}</p>" for p in transcript(text)] + ["</details>"]
    return "\n".join(out) + "\n"


def transcripts(portal: Portal, videos: list[Video]) -> str:
    """The transcripts of some videos as plain text (for the support backend's search)."""
    texts = [_read(portal.content_dir / (v.captions or "")) for v in videos]
    return "\n\n".join("\n".join(transcript(t)) for t in texts if t)


def _read(file: Path) -> str | None:
    try:
        return file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


@dataclass
class Placed:
    """A video and where it is: the source that embeds it, the field path, the page and its roles."""

    video: Video
    source: Source[Any]
    loc: tuple[Any, ...]
    page: str
    roles: list[str]


def placed_videos(portal: Portal) -> list[Placed]:
    """Every video of the portal's articles and runbook steps."""
    found = []
    for ident, source in portal.articles.items():
        for i, video in enumerate(source.model.videos):
            found.append(Placed(video, source, ("videos", i), portal.article_paths[ident], source.model.roles))
    for ident, source in portal.runbooks.items():
        for i, step in enumerate(source.model.steps):
            if step.video:
                found.append(Placed(step.video, source, ("steps", i, "video"), f"runbooks/{ident}.md", source.model.roles))
    return found


def check_videos(portal: Portal, problems: Problems) -> None:
    """Report missing video, poster and caption files and captions that are not WebVTT, at their field."""
    for item in placed_videos(portal):
        video = item.video
        for name, target in (("src", video.src), ("poster", video.poster), ("captions", video.captions)):
            if not target or (name == "src" and is_url(target)):
                continue
            message = _file_problem(portal.content_dir, target, name)
            if message:
                line, col = item.source.where(*item.loc, name)
                problems.add(item.source.path, line, col, message)


def _file_problem(content_dir: Path, target: str, name: str) -> str | None:
    if is_url(target):
        return f"{name}: '{target}' must be a file under the content folder (a URL would be fetched from another host)"
    file = content_dir / target
    if not file.is_file():
        return f"{name}: no file '{target}' under the content folder"
    if name == "captions" and not (_read(file) or "").startswith("WEBVTT"):
        return f"captions: '{target}' is not WebVTT (the file must start with 'WEBVTT')"
    return None


def videos_index(portal: Portal) -> str:
    """The Markdown of ``videos/index.md``: every video, grouped by the roles it is for."""
    from .links import relative

    by_role: dict[str, list[Placed]] = {}
    for item in placed_videos(portal):
        for role in item.video.roles or item.roles or [""]:
            by_role.setdefault(role, []).append(item)
    out = ["# Video tutorials", "", "Every video has captions and a transcript; chapters let you jump to a step.", ""]
    roles = sorted((r for r in by_role if r in portal.roles), key=lambda r: portal.roles[r].model.title)
    for role in roles + ([""] if "" in by_role else []):
        title = portal.roles[role].model.title if role else "For everyone"
        out += [f"## {title}", ""]
        for item in sorted(by_role[role], key=lambda i: i.video.title.lower()):
            link = relative(item.page, "videos/index.md") + "#" + anchor(item.video)
            duration = f" ({item.video.duration})" if item.video.duration else ""
            out.append(f"- [{item.video.title}]({link}){duration}: in *{item.source.model.title}*")
        out.append("")
    return "\n".join(out)
