"""Video tutorials through the real CLI: the player, transcript, search, videos index, and the checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from click.testing import Result

RunPortal = Callable[..., Result]
VTT = "WEBVTT\n\n00:00.000 --> 00:03.000\nOpen the valve\n\n00:03.000 --> 00:06.000\nby hand.\n\n00:06.000 --> 00:09.000\nThen close the <b>door</b>.\n"
VIDEO = """videos:
  - title: Open the valve
    src: media/valve.webm
    poster: media/valve.png
    captions: media/valve.vtt
    chapters:
      - {at: "0:06", title: Close the door}
"""


def add_video(portal: Path, front_matter: str = VIDEO, vtt: str = VTT) -> Path:
    """The scaffold's article with a video in its front matter, and the files under content/media/."""
    media = portal / "content" / "media"
    media.mkdir()
    (media / "valve.webm").write_bytes(b"\x1aE\xdf\xa3")
    (media / "valve.png").write_bytes(b"\x89PNG\r\n")
    (media / "valve.vtt").write_text(vtt)
    article = portal / "content" / "articles" / "getting-started.md"
    article.write_text(article.read_text().replace("summary: What", front_matter + "summary: What", 1))
    return article


def test_an_article_video_has_player_captions_chapters_and_transcript(tmp_portal: Path, run_portal: RunPortal) -> None:
    """The page has the browser's player with poster and captions track, chapter buttons, and the transcript as text."""
    add_video(tmp_portal)
    result = run_portal("build", tmp_portal)
    assert result.exit_code == 0, result.output
    site = tmp_portal / "site"
    page = (site / "articles" / "getting-started" / "index.html").read_text()
    assert '<video controls preload="metadata" playsinline poster="../../media/valve.png" aria-label="Open the valve">' in page
    assert '<track kind="captions" src="../../media/valve.vtt" srclang="en" label="Captions" default>' in page
    assert 'data-seek="6"><span>0:06</span> Close the door</button>' in page
    assert "<p>Open the valve by hand.</p>\n<p>Then close the door.</p>" in page
    search = json.loads((site / "search" / "search_index.json").read_text())
    assert any("Open the valve by hand." in doc["text"] for doc in search["docs"] if doc["location"].startswith("articles/getting-started/"))
    kb = json.loads((site / "_portal" / "kb.json").read_text())
    assert "Then close the door." in next(p["text"] for p in kb["pages"] if p["id"] == "getting-started")
    assert (site / "media" / "valve.vtt").is_file()


def test_the_videos_index_lists_videos_by_role(tmp_portal: Path, run_portal: RunPortal) -> None:
    """videos/ lists each video under its page's roles, linking to the player on the page; the nav has it."""
    add_video(tmp_portal)
    assert run_portal("build", tmp_portal).exit_code == 0
    index = (tmp_portal / "site" / "videos" / "index.html").read_text()
    assert '<h2 id="operator">Operator' in index
    assert 'href="../articles/getting-started/#video-open-the-valve">Open the valve</a>' in index
    assert 'href="videos/"' in (tmp_portal / "site" / "index.html").read_text()


def test_a_runbook_step_can_show_a_video(tmp_portal: Path, run_portal: RunPortal) -> None:
    """A step's ``video`` is shown inside the step."""
    add_video(tmp_portal, front_matter="")
    runbook = tmp_portal / "content" / "runbooks" / "restart-service.yml"
    runbook.write_text(runbook.read_text().replace(
        "    command: sudo systemctl restart example-service\n",
        "    command: sudo systemctl restart example-service\n    video: {title: Restart it, src: media/valve.webm, captions: media/valve.vtt}\n"))
    assert run_portal("build", tmp_portal).exit_code == 0
    page = (tmp_portal / "site" / "runbooks" / "restart-service" / "index.html").read_text()
    step = page.split('id="step-1"', 1)[1].split('id="step-2"', 1)[0]
    assert 'aria-label="Restart it"' in step and "<p>Open the valve by hand.</p>" in step


def test_a_video_without_captions_is_refused_at_its_place(tmp_portal: Path, run_portal: RunPortal) -> None:
    """WCAG 1.2.2: no captions is a located error and the check fails."""
    article = add_video(tmp_portal, front_matter=VIDEO.replace("    captions: media/valve.vtt\n", ""))
    result = run_portal("check", tmp_portal)
    line = article.read_text().splitlines().index("  - title: Open the valve") + 1
    assert result.stderr.splitlines() == [
        f"content/articles/getting-started.md:{line}:5: error: videos[0]: a video needs captions (WCAG 1.2.2): "
        "add 'captions: media/<name>.vtt', a WebVTT file",
        "portal check: 1 error, 0 warnings",
    ]
    assert result.exit_code == 1


def test_missing_files_and_captions_that_are_not_webvtt_are_located_errors(tmp_portal: Path, run_portal: RunPortal) -> None:
    """A poster that is not there and an SRT file given as captions are each reported at their field."""
    article = add_video(tmp_portal, front_matter=VIDEO.replace("valve.png", "missing.png"), vtt="1\n00:00:00,000 --> 00:00:03,000\nHi\n")
    result = run_portal("check", tmp_portal)
    lines = article.read_text().splitlines()
    poster = next(i for i, line in enumerate(lines) if "poster:" in line) + 1
    assert result.stderr.splitlines() == [
        f"content/articles/getting-started.md:{poster}:13: error: poster: no file 'media/missing.png' under the content folder",
        f"content/articles/getting-started.md:{poster + 1}:15: error: captions: 'media/valve.vtt' is not WebVTT (the file must start with 'WEBVTT')",
        "portal check: 2 errors, 0 warnings",
    ]
