"""Make labelled sample clips for the BSL video format, for the sample content only.

These are NOT British Sign Language: a drawn figure moves its hands under a
banner saying so, so the video player, captions, transcript, range requests and
checks can be shown working end to end. Real entries get real BSL translations
by registered translators.
"""

import math
import textwrap
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageDraw, ImageFont

from .content.translations import source_hash

WIDTH, HEIGHT, FPS = 640, 360, 15
FONT = Path("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf")
BANNER = "SAMPLE CLIP - NOT REAL BSL"


def _font(size):
    try:
        return ImageFont.truetype(str(FONT), size)
    except OSError:
        return ImageFont.load_default()


def _frame(number, title, caption):
    image = Image.new("RGB", (WIDTH, HEIGHT), (238, 245, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH, 44], fill=(0, 98, 94))
    draw.text((WIDTH // 2, 22), BANNER, fill="white", font=_font(24), anchor="mm")
    # A simple figure whose hands move, standing in for a signer.
    t = number / FPS
    cx, cy = 200, 210
    draw.ellipse([cx - 28, cy - 120, cx + 28, cy - 64], fill=(60, 60, 60))
    draw.rectangle([cx - 40, cy - 60, cx + 40, cy + 60], fill=(60, 60, 60))
    for side, phase in ((-1, 0.0), (1, 1.7)):
        hx = cx + side * (55 + 25 * math.sin(2.1 * t + phase))
        hy = cy - 30 + 30 * math.cos(1.7 * t + phase)
        draw.line([cx + side * 38, cy - 50, hx, hy], fill=(60, 60, 60), width=14)
        draw.ellipse([hx - 12, hy - 12, hx + 12, hy + 12], fill=(230, 180, 140))
    draw.multiline_text((330, 90), "\n".join(textwrap.wrap(title, 20)), fill=(11, 12, 12),
                        font=_font(26), spacing=6)
    draw.rectangle([0, HEIGHT - 70, WIDTH, HEIGHT], fill=(0, 0, 0))
    draw.multiline_text((WIDTH // 2, HEIGHT - 35), "\n".join(textwrap.wrap(caption, 48)),
                        fill="white", font=_font(18), anchor="mm", align="center")
    return image


def _cues(texts, seconds_each=4.0):
    cues, start = [], 0.0
    for text in texts:
        cues.append((start, start + seconds_each, text))
        start += seconds_each
    return cues


def _clock(seconds):
    return f"00:{int(seconds // 60):02d}:{seconds % 60:06.3f}"


def make_sample(service, folder):
    """Write a labelled sample clip, captions, poster and bsl.yaml for service into folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sentences = [service.summary] + ([service.how_to_use] if service.how_to_use else [])
    sentences = [piece for s in sentences for piece in textwrap.wrap(s, 90)]
    cues = _cues(["This is a sample clip, not real British Sign Language."] + sentences)
    total = cues[-1][1]
    with av.open(str(folder / "video.mp4"), "w", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.codec_context.time_base = Fraction(1, FPS)
        stream.options = {"crf": "30", "preset": "veryfast", "profile": "main"}
        for number in range(int(total * FPS)):
            t = number / FPS
            caption = next((text for start, end, text in cues if start <= t < end), "")
            frame = av.VideoFrame.from_image(_frame(number, service.name, caption))
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    _frame(0, service.name, "").save(folder / "poster.jpg", quality=80)
    vtt = ["WEBVTT", ""]
    for index, (start, end, text) in enumerate(cues, 1):
        vtt += [str(index), f"{_clock(start)} --> {_clock(end)}", text, ""]
    (folder / "captions.vtt").write_text("\n".join(vtt), encoding="utf-8")
    transcript = "\n".join(text for _, _, text in cues)
    (folder / "bsl.yaml").write_text(
        "# A SAMPLE clip made for the project: it is not real British Sign Language.\n"
        "video: video.mp4\ncaptions: captions.vtt\nposter: poster.jpg\n"
        "sample: true\n"
        f"source: {source_hash(service)}\n"
        "translator:\n  name: Sample clip (no translator)\n  nrcpd: \"00000\"\n"
        "checker:\n  name: Sample clip (no checker)\n  nrcpd: \"00000\"\n"
        "transcript: |\n" + "".join(f"  {line}\n" for line in transcript.splitlines()),
        encoding="utf-8")
