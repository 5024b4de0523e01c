"""Makes the example portal's video tutorial: narrated slides (espeak-ng, ffmpeg), WebVTT captions, a poster.

Run from the repository: ``python3 scripts/make_example_video.py`` (needs Debian's ``ffmpeg`` and ``espeak-ng``).
Writes content/media/acknowledge-a-station-alarm.{webm,vtt,png}; the captions are the narration, cue by cue.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "content" / "media"
NAME = "acknowledge-a-station-alarm"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SLIDES = [  # (heading, lines on the slide, narration: one caption cue per sentence)
    ("Acknowledge a station alarm", ["L2-S04  TQ-201  Torque out of window", "Severity MAJOR: respond within 5 minutes"],
     ["Station L2-S04 has raised alarm TQ-201, torque out of window.", "A major alarm needs your response within five minutes."]),
    ("1. Read the instruction card", ["On the station HMI: Alarm > Help", "It says what an operator may check"],
     ["On the station screen, press Alarm, then Help.", "The instruction card says which checks you may do yourself."]),
    ("2. Fix what you may", ["Check the screw and the bit", "Part to the red bin, retry once", "Two in a row: call maintenance"],
     ["Check the screw and the bit, put the part in the red bin, and retry once.", "If it happens twice in a row, call maintenance."]),
    ("3. Acknowledge with a comment", ["Alarm > Acknowledge", "\"Bit worn, replaced bit, part to red bin\""],
     ["Press Acknowledge and write what you found.", "Acknowledging says you are on it. The alarm clears when the station reports the condition gone."]),
]


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def duration(file: Path) -> float:
    return float(run("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(file)))


def stamp(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes):02d}:{rest:06.3f}"


def slide_filter(heading: str, lines: list[str]) -> str:
    esc = lambda t: t.replace("\\", "\\\\").replace(":", "\\:").replace("'", "\u2019").replace('"', "\u201d")  # noqa: E731
    parts = [f"drawtext=fontfile={BOLD}:text='{esc(heading)}':fontcolor=white:fontsize=30:x=40:y=50"]
    parts += [f"drawtext=fontfile={FONT}:text='{esc(line)}':fontcolor=0xF5F5F5:fontsize=22:x=40:y={130 + 44 * i}"
              for i, line in enumerate(lines)]
    parts.append(f"drawtext=fontfile={FONT}:text='LineCtl video tutorial':fontcolor=0xC5CAE9:fontsize=16:x=40:y=320")
    return ",".join(parts)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work, segments, cues, at = Path(tmp), [], [], 0.0
        for n, (heading, lines, sentences) in enumerate(SLIDES):
            audio = []
            for k, sentence in enumerate(sentences):
                wav = work / f"s{n}-{k}.wav"
                run("espeak-ng", "-v", "en-gb", "-s", "150", "-w", str(wav), sentence)
                length = duration(wav) + 0.3
                cues.append((at, at + length, sentence))
                at += length
                audio.append((wav, length))
            joined = work / f"s{n}.wav"
            inputs = [arg for wav, _ in audio for arg in ("-i", str(wav))]
            pads = "".join(f"[{i}]apad=whole_dur={length:.3f}[a{i}];" for i, (_, length) in enumerate(audio))
            run("ffmpeg", "-y", *inputs, "-filter_complex",
                pads + "".join(f"[a{i}]" for i in range(len(audio))) + f"concat=n={len(audio)}:v=0:a=1", str(joined))
            seconds = sum(length for _, length in audio)
            segment = work / f"s{n}.webm"
            run("ffmpeg", "-y", "-f", "lavfi", "-i", f"color=c=0x283593:s=640x360:d={seconds:.3f}:r=10", "-i", str(joined),
                "-vf", slide_filter(heading, lines), "-c:v", "libvpx-vp9", "-b:v", "60k", "-c:a", "libopus", "-b:a", "24k",
                "-shortest", str(segment))
            segments.append(segment)
        listing = work / "list.txt"
        listing.write_text("".join(f"file '{s}'\n" for s in segments))
        run("ffmpeg", "-y", "-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(OUT / f"{NAME}.webm"))
        run("ffmpeg", "-y", "-i", str(segments[0]), "-frames:v", "1", str(OUT / f"{NAME}.png"))
    vtt = ["WEBVTT", ""] + [f"{stamp(a)} --> {stamp(b)}\n{text}\n" for a, b, text in cues]
    (OUT / f"{NAME}.vtt").write_text("\n".join(vtt), encoding="utf-8")
    print(f"{NAME}.webm: {duration(OUT / f'{NAME}.webm'):.1f} s; chapter starts:",
          [stamp(cues[2 * i][0]) for i in range(len(SLIDES))])


if __name__ == "__main__":
    main()
