"""Read a made PDF back with pikepdf: what tests and the accessibility checks assert.

Everything here is read from the PDF file itself, not from the HTML it was made from.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pikepdf

# Facts remembered for a PDF are only good for the reader that read them.
READER_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


@dataclass
class PdfFacts:
    """What a PDF says about itself."""

    pdfua_part: str | None = None
    marked: bool = False
    has_structure_tree: bool = False
    title: str | None = None
    display_doc_title: bool = False
    lang: str | None = None
    figures: int = 0
    figures_without_alt: int = 0
    fonts: dict = field(default_factory=dict)       # name -> embedded?
    font_sizes: list = field(default_factory=list)  # (size in pt, font name) of every text shown
    italic_fonts: list = field(default_factory=list)
    missing_glyphs: int = 0
    pages: int = 0

    @property
    def smallest_font_size(self):
        return min((size for size, _ in self.font_sizes), default=None)

    @property
    def all_fonts_embedded(self):
        return all(self.fonts.values())

    def to_json(self):
        """The facts as JSON text, each (size, font) pair once, to remember them by."""
        facts = asdict(self)
        facts["font_sizes"] = sorted({(size, font) for size, font in self.font_sizes})
        return json.dumps(facts, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text):
        facts = json.loads(text)
        facts["font_sizes"] = [tuple(pair) for pair in facts["font_sizes"]]
        return cls(**facts)


def read_pdf(path_or_bytes):
    """Open a PDF and gather its PdfFacts; raise pikepdf.PdfError if it is not a PDF."""
    source = path_or_bytes
    if isinstance(path_or_bytes, (bytes, bytearray)):
        import io
        source = io.BytesIO(path_or_bytes)
    with pikepdf.open(source) as pdf:
        facts = PdfFacts(pages=len(pdf.pages))
        root = pdf.Root
        meta = pdf.open_metadata()
        facts.pdfua_part = meta.get("{http://www.aiim.org/pdfua/ns/id/}part")
        facts.title = meta.get("{http://purl.org/dc/elements/1.1/}title")
        facts.marked = bool(root.get("/MarkInfo", {}).get("/Marked", False))
        facts.has_structure_tree = "/StructTreeRoot" in root
        facts.display_doc_title = bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False))
        facts.lang = str(root.Lang) if "/Lang" in root else None
        if facts.has_structure_tree:
            _walk_structure(root.StructTreeRoot, facts)
        for page in pdf.pages:
            _read_page(page, facts)
    return facts


def _walk_structure(node, facts, seen=None):
    seen = seen if seen is not None else set()
    if isinstance(node, pikepdf.Dictionary):
        if node.objgen != (0, 0):
            if node.objgen in seen:
                return
            seen.add(node.objgen)
        if node.get("/S") == "/Figure":
            facts.figures += 1
            if not str(node.get("/Alt", "")).strip():
                facts.figures_without_alt += 1
        kids = node.get("/K")
        if kids is not None:
            _walk_structure(kids, facts, seen)
    elif isinstance(node, pikepdf.Array):
        for kid in node:
            _walk_structure(kid, facts, seen)


def _font_info(font):
    descriptor = font.get("/FontDescriptor")
    if descriptor is None and "/DescendantFonts" in font:
        descriptor = font.DescendantFonts[0].get("/FontDescriptor")
    embedded = descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    name = str(font.get("/BaseFont", "?")).lstrip("/")
    italic = descriptor is not None and (
        float(descriptor.get("/ItalicAngle", 0)) != 0 or int(descriptor.get("/Flags", 0)) & 64)
    two_byte = str(font.get("/Subtype")) == "/Type0"
    return name, embedded, bool(italic), two_byte


def _multiply(a, b):
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def _read_page(page, facts):
    resources = page.get("/Resources", {})
    fonts = {}
    for name, font in resources.get("/Font", {}).items():
        info = _font_info(font)
        fonts[name] = info
        facts.fonts[info[0]] = info[1]
        if info[2] and info[0] not in facts.italic_fonts:
            facts.italic_fonts.append(info[0])
    ctm = [1, 0, 0, 1, 0, 0]
    stack, tm, font, size, artifact = [], [1, 0, 0, 1, 0, 0], None, 0, []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else ctm
        elif op == "cm":
            ctm = _multiply([float(x) for x in operands], ctm)
        elif op == "BT":
            tm = [1, 0, 0, 1, 0, 0]
        elif op == "Tm":
            tm = [float(x) for x in operands]
        elif op == "Tf":
            font, size = str(operands[0]), float(operands[1])
        elif op == "BDC" or op == "BMC":
            artifact.append(str(operands[0]) == "/Artifact")
        elif op == "EMC":
            artifact and artifact.pop()
        elif op in ("Tj", "TJ", "'", '"'):
            strings = operands[0] if op == "TJ" else [operands[-1]]
            glyph_bytes = b"".join(bytes(s) for s in strings if isinstance(s, pikepdf.String))
            if not glyph_bytes:
                continue
            info = fonts.get(font)
            if info and info[3]:
                gids = [int.from_bytes(glyph_bytes[i:i + 2], "big") for i in range(0, len(glyph_bytes), 2)]
                facts.missing_glyphs += gids.count(0)
            if any(artifact):
                continue
            matrix = _multiply(tm, ctm)
            scale = (matrix[2] ** 2 + matrix[3] ** 2) ** 0.5
            facts.font_sizes.append((round(size * scale, 2), info[0] if info else font))
