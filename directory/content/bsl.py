"""British Sign Language (BSL) videos of entries, with captions, transcript and credits.

    content/services/<slug>/bsl/bsl.yaml      what the video is and who made it
    content/services/<slug>/bsl/<video>       the video (H.264 MP4 plays everywhere)
    content/services/<slug>/bsl/<captions>    English captions, WebVTT
    content/services/<slug>/bsl/<poster>      the picture shown before it plays

The NHS BSL quality standard asks for a registered translator and a checker, so
both are recorded with their NRCPD registration numbers.  Sample clips made for
the project say so (`sample: true`) and are labelled on screen.
"""

import re
from dataclasses import dataclass, field

from . import yamlsource
from .problems import ERROR, WARNING, Problem
from .schema import INVALID, Boolean, Record, Field, Text

WEB_VIDEO_CODECS = {"h264", "vp9", "av1"}
WEB_CONTAINERS = {".mp4": "video/mp4", ".webm": "video/webm"}
POSTER_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}

PERSON = Record("a person", {
    "name": Field(Text(max_length=100), required=True),
    "nrcpd": Field(Text(max_length=20, pattern=r"\d{5,8}",
                        pattern_help="is not an NRCPD registration number (5 to 8 digits)"),
                   required=True, help="National Registers of Communication Professionals"),
})

BSL = Record("a BSL video", {
    "video": Field(Text(max_length=100), required=True),
    "captions": Field(Text(max_length=100), required=True),
    "poster": Field(Text(max_length=100), required=True),
    "transcript": Field(Text(max_length=5000, multiline=True), required=True),
    "translator": Field(PERSON, required=True),
    "checker": Field(PERSON, required=True),
    "sample": Field(Boolean(), default=False),
    "source": Field(Text(max_length=16), required=True),
})


@dataclass
class Cue:
    start: float
    end: float
    text: str
    line: int


@dataclass
class Bsl:
    """A checked BSL video of an entry."""

    file: str
    folder: object
    video: str
    captions: str
    poster: str
    transcript: str
    translator: object
    checker: object
    sample: bool
    source: str
    current_source: str
    cues: list = field(default_factory=list)
    media: dict = field(default_factory=dict)

    @property
    def stale(self):
        return self.source != self.current_source

    @property
    def video_type(self):
        return WEB_CONTAINERS[("." + self.video.rsplit(".", 1)[-1]).lower()]


_TIMING = re.compile(
    r"^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})\s+-->\s+(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})(?:\s.*)?$")


def _seconds(hours, minutes, seconds, millis):
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def parse_webvtt(text):
    """Parse WebVTT text; return (cues, problems as (line, message))."""
    problems, cues = [], []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not re.match(r"^\ufeff?WEBVTT(?:[ \t].*)?$", lines[0]):
        return [], [(1, "is not WebVTT: the first line must be WEBVTT")]
    index, previous_start = 1, -1.0
    while index < len(lines):
        line = lines[index]
        if "-->" in line:
            match = _TIMING.match(line.strip())
            if not match:
                problems.append((index + 1, f"'{line.strip()}' is not a cue timing like "
                                            "00:00:01.000 --> 00:00:04.000"))
                index += 1
                continue
            start = _seconds(*match.group(1, 2, 3, 4))
            end = _seconds(*match.group(5, 6, 7, 8))
            body, cue_line = [], index + 1
            index += 1
            while index < len(lines) and lines[index].strip():
                body.append(lines[index].strip())
                index += 1
            if end <= start:
                problems.append((cue_line, "the cue ends before it starts"))
            if start < previous_start:
                problems.append((cue_line, "the cue starts before the one above it: cues must be in time order"))
            if not body:
                problems.append((cue_line, "the cue has no text"))
            previous_start = max(previous_start, start)
            cues.append(Cue(start, end, " ".join(body), cue_line))
        else:
            index += 1
    if not cues and not problems:
        problems.append((1, "has no cues"))
    return cues, problems


def media_facts(path):
    """Duration, codec, size and frame size of a video, read with PyAV (FFmpeg)."""
    import av

    with av.open(str(path)) as container:
        streams = container.streams.video
        if not streams:
            raise ValueError("has no video stream")
        stream = streams[0]
        duration = float(container.duration / 1_000_000) if container.duration else None
        # Decode the first frame: a file that does not decode is not playable.
        next(container.decode(stream))
        return {"codec": stream.codec_context.name, "width": stream.codec_context.width,
                "height": stream.codec_context.height, "duration": duration,
                "format": container.format.name, "bytes": path.stat().st_size}


def load_bsl(folder, relative_of, source_hash, problems):
    """Read and check bsl/bsl.yaml and its files; add problems; return Bsl or None."""
    path = folder / "bsl.yaml"
    relative = relative_of(path)
    before = len(problems)
    try:
        located = yamlsource.load(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yamlsource.YAMLError) as error:
        problems.append(Problem(relative, getattr(error, "line", 1), getattr(error, "field", ""),
                                getattr(error, "message", "is not saved as UTF-8 text")))
        return None

    def report(where, message, severity=ERROR, file=None, line=None):
        problems.append(Problem(file or relative, line or located.line(where),
                                ".".join(map(str, where)), message, severity))

    entry = BSL.check(located.value, (), report) if located.value is not None else INVALID
    if entry is INVALID:
        if located.value is None:
            report((), "is empty")
        return None
    files = {}
    for name, allowed in (("video", WEB_CONTAINERS), ("poster", POSTER_TYPES), ("captions", {".vtt": ""})):
        value = getattr(entry, name)
        target = folder / value
        suffix = "." + value.rsplit(".", 1)[-1].lower() if "." in value else ""
        if "/" in value or "\\" in value or value.startswith("."):
            report((name,), f"'{value}' must be a file name in the bsl folder")
        elif suffix not in allowed:
            report((name,), f"'{value}' should be one of: {', '.join(allowed)}")
        elif not target.is_file():
            report((name,), f"the file '{value}' is missing from {relative_of(folder)}")
        else:
            files[name] = target
    media, cues = {}, []
    if "video" in files:
        try:
            media = media_facts(files["video"])
        except Exception as error:  # PyAV raises its own errors for every kind of broken file
            report(("video",), f"'{entry.video}' cannot be played: {error}")
        else:
            if media["codec"] not in WEB_VIDEO_CODECS:
                report(("video",), f"'{entry.video}' uses the {media['codec']} codec, which "
                                   "browsers cannot play: use H.264 in MP4")
    if "captions" in files:
        caption_file = relative_of(files["captions"])
        try:
            cues, vtt_problems = parse_webvtt(files["captions"].read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            cues, vtt_problems = [], [(1, "is not saved as UTF-8 text")]
        for line, message in vtt_problems:
            report((), message, file=caption_file, line=line)
        if media.get("duration") and cues and cues[-1].end > media["duration"] + 1:
            report((), "the last caption ends after the video does", WARNING,
                   file=caption_file, line=cues[-1].line)
    if any(p.severity == ERROR for p in problems[before:]):
        return None
    bsl = Bsl(file=relative, folder=folder, video=entry.video, captions=entry.captions,
              poster=entry.poster, transcript=entry.transcript, translator=entry.translator,
              checker=entry.checker, sample=entry.sample, source=entry.source,
              current_source=source_hash, cues=cues, media=media)
    if bsl.stale:
        report(("source",), "is out of date: the entry has changed since this video was made",
               WARNING)
    return bsl
