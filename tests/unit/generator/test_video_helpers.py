"""Video helpers: transcripts from WebVTT, chapter times, URLs relative to the page."""

from __future__ import annotations

from generator.models import Chapter
from generator.videos import _url, transcript


def test_transcript_joins_cues_into_sentences_and_drops_markup_ids_and_notes() -> None:
    """Cue ids, timings, NOTE blocks and voice tags go; a sentence split over cues is one paragraph."""
    vtt = ("WEBVTT\n\nNOTE made by hand\n\nintro\n00:00.000 --> 00:02.000 align:start\n<v Ana>Press Alarm,\n\n"
           "00:02.000 --> 00:04.000\nthen Help.\n\n01:00:04.000 --> 01:00:06.000\nDone?\n")
    assert transcript(vtt) == ["Press Alarm, then Help.", "Done?"]


def test_chapter_start_in_seconds() -> None:
    """m:ss and h:mm:ss both work."""
    assert Chapter(at="1:05", title="x").seconds == 65
    assert Chapter(at="1:00:05", title="x").seconds == 3605


def test_media_urls_are_relative_to_the_published_page() -> None:
    """With directory URLs a page is a folder deeper than its file; URLs stay as they are."""
    assert _url("media/a.webm", "articles/ops/x.md", True) == "../../../media/a.webm"
    assert _url("media/a.webm", "articles/ops/x.md", False) == "../../media/a.webm"
    assert _url("https://example.test/a.webm", "articles/x.md", True) == "https://example.test/a.webm"


def test_a_video_from_a_url_loads_nothing_until_played(tmp_path) -> None:
    """preload="none" for a URL: the page itself asks no other host for anything; local files preload metadata."""
    from generator.models import Video
    from generator.videos import player

    (tmp_path / "c.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nHi.\n")
    remote = player(Video(title="R", src="https://videos.example.test/r.mp4", captions="c.vtt"), "articles/x.md", tmp_path, True)
    local = player(Video(title="L", src="media/l.webm", captions="c.vtt"), "articles/x.md", tmp_path, True)
    assert '<video controls preload="none" playsinline aria-label="R">' in remote
    assert '<source src="https://videos.example.test/r.mp4" type="video/mp4">' in remote
    assert 'preload="metadata"' in local and "<p>Hi.</p>" in local
