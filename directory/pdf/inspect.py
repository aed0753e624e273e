"""Read a made PDF back with pikepdf: what tests and the accessibility checks assert.

Everything here is read from the PDF file itself, not from the HTML it was made from.
"""

import hashlib
import json
import re
import subprocess
import tempfile
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
    serif_fonts: list = field(default_factory=list)
    missing_glyphs: int = 0
    pages: int = 0
    # Paragraphs of two lines or more whose lines are not lined up at the start and
    # ragged at the end: "page 2: 'Who it is for' (4 lines) is centred" (the first few).
    misaligned: list = field(default_factory=list)
    # The text read back, whitespace made single spaces: by poppler's pdftotext (what
    # search, copy and many readers get) and from the structure tree (what a screen
    # reader gets: each element's marked content, its /ActualText where it has one).
    pdftotext: str = ""
    tagged_text: str = ""
    # "page 1: MCID 40 belongs to no structure element" / "page 2: text outside any
    # marked content" (the first few), and Figures whose /BBox is not where they are drawn.
    untagged: list = field(default_factory=list)
    figure_boxes: list = field(default_factory=list)
    # Each page's artifacts' text (page numbers, running heads), which pdftotext puts
    # between the pages' text.
    artifacts: list = field(default_factory=list)
    # What pdf_rules.readback_problem found against the print HTML's paragraphs when the
    # PDF was read ("" for nothing), remembered with the facts so that a repeat check
    # makes no print HTML; None when nobody compared.
    readback: str | None = None

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
        parents = {}
        if facts.has_structure_tree:
            _walk_structure(root.StructTreeRoot, facts)
            parents = _number_tree(root.StructTreeRoot.get("/ParentTree"))
        right_to_left = (facts.lang or "").split("-")[0] in RIGHT_TO_LEFT
        texts = []
        for number, page in enumerate(pdf.pages, 1):
            lines, marked = _read_page(page, facts, number)
            facts.artifacts.append([plain(text) for text in marked.pop("artifacts", []) if plain(text)])
            texts.append(marked)
            owners = parents.get(int(page.get("/StructParents", -1)))
            _judge_alignment(number, lines, owners, right_to_left, facts)
        if facts.has_structure_tree:
            _read_tags(pdf, texts, facts)
    facts.pdftotext = pdftotext(path_or_bytes)
    return facts


BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"
                                       "\u2066\u2067\u2068\u2069\u00ad"))


def plain(text):
    """Text as the read-back checks compare it: no bidi controls or soft hyphens, every
    run of white space one space."""
    return " ".join(text.translate(BIDI_CONTROLS).split())


def pdftotext(path_or_bytes):
    """The text poppler's pdftotext reads from a PDF, each page plain(), pages apart by \\f."""
    if isinstance(path_or_bytes, (bytes, bytearray)):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(path_or_bytes)
            file.flush()
            return pdftotext(file.name)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path_or_bytes), "-"],
                            capture_output=True, timeout=60, check=True)
    return "\f".join(plain(page) for page in result.stdout.decode("utf-8", "replace").split("\f"))


def _read_tags(pdf, texts, facts):
    """Walk the structure tree in order: its text (facts.tagged_text), the marked content
    no element owns (facts.untagged), and where figures are drawn (facts.figure_boxes)."""
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    owned, pieces, figures, seen = set(), [], [], set()
    last = [None]

    def content(page, mcid, text=None):
        owned.add((page, mcid))
        drawn, y = texts[page].get(mcid, ("", None))
        if last[0] is not None and y is not None and abs(y - last[0]) > 1:
            pieces.append(" ")           # the next line of the same paragraph
        last[0] = y if y is not None else last[0]
        pieces.append(drawn if text is None else text)

    def walk(node, page, depth=0):
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid, page, depth)
            return
        if isinstance(node, int):
            if page is not None:
                content(page, int(node))
            return
        if not isinstance(node, pikepdf.Dictionary) or depth > 64:
            return
        if node.objgen != (0, 0):
            if node.objgen in seen:
                return
            seen.add(node.objgen)
        page = pages.get(node.Pg.objgen, page) if "/Pg" in node else page
        if node.get("/Type") == "/MCR":
            if page is not None and "/MCID" in node:
                content(page, int(node.MCID))
            return
        if node.get("/Type") == "/OBJR":
            return
        block = str(node.get("/S")) not in INLINE
        if block:
            pieces.append("\n")
            last[0] = None
        if node.get("/S") == "/Figure":
            figures.append((node, page))
        if "/ActualText" in node:
            mcids = []
            _own(node.get("/K"), page, pages, mcids)
            for index, (on, mcid) in enumerate(mcids):
                content(on, mcid, str(node.ActualText) if index == 0 else "")
            if not mcids:
                pieces.append(str(node.ActualText))
        else:
            walk(node.get("/K"), page, depth + 1)
        if block:
            pieces.append("\n")
            last[0] = None

    walk(pdf.Root.StructTreeRoot.get("/K"), None)
    facts.tagged_text = "\n".join(line for line in map(plain, "".join(pieces).split("\n")) if line)
    for page, marked in enumerate(texts):
        for mcid in sorted(marked):
            if (page, mcid) not in owned and len(facts.untagged) < 5:
                facts.untagged.append(f"page {page + 1}: marked content {mcid} belongs to no structure element")
    boxes = {}
    for node, page in figures:
        if page is None:
            continue
        if page not in boxes:
            boxes[page] = drawn_boxes(pdf.pages[page])
        mcids = []
        _own(node.get("/K"), page, pages, mcids)
        drawn = [boxes[page][m] for _, m in mcids if m in boxes[page]]
        if not drawn:
            continue
        where = [min(b[0] for b in drawn), min(b[1] for b in drawn), max(b[2] for b in drawn), max(b[3] for b in drawn)]
        attributes = node.get("/A")
        said = attributes.get("/BBox") if isinstance(attributes, pikepdf.Dictionary) else None
        said = [float(v) for v in said] if said is not None else None
        if said is None or max(abs(a - b) for a, b in zip(said, where)) > FIGURE_SLACK:
            if len(facts.figure_boxes) < 5:
                shown = "no BBox" if said is None else "BBox [" + " ".join(f"{v:.0f}" for v in said) + "]"
                facts.figure_boxes.append(f"page {page + 1}: a Figure's {shown}, drawn at ["
                                          + " ".join(f"{v:.0f}" for v in where) + "]")


FIGURE_SLACK = 2.0   # points


def _own(node, page, pages, owned):
    """Add (page, MCID) of every marked content under node to owned (a set or list)."""
    add = owned.add if isinstance(owned, set) else owned.append
    if isinstance(node, pikepdf.Array):
        for kid in node:
            _own(kid, page, pages, owned)
    elif isinstance(node, pikepdf.Dictionary):
        page = pages.get(node.Pg.objgen, page) if "/Pg" in node else page
        if node.get("/Type") == "/MCR" and "/MCID" in node:
            add((page, int(node.MCID)))
        elif node.get("/Type") != "/OBJR":
            _own(node.get("/K"), page, pages, owned)
    elif node is not None and page is not None:
        try:
            add((page, int(node)))
        except (TypeError, ValueError):
            pass


RIGHT_TO_LEFT = ("ar", "ur", "fa", "he", "ps", "yi")
# How far apart (in points) line starts or ends may be and still count as lined up: lined
# up lines are placed at the same point; ragged ones differ by parts of a word.
LINED_UP = 0.5
SERIF_NAMES = ("Serif", "Times", "Georgia", "Garamond", "Cambria", "Baskerville")


def _number_tree(node, found=None, seen=None):
    """{number: value} of a PDF number tree (the structure tree's ParentTree)."""
    found, seen = ({} if found is None else found), (set() if seen is None else seen)
    if not isinstance(node, pikepdf.Dictionary) or node.objgen in seen:
        return found
    seen.add(node.objgen)
    numbers = node.get("/Nums", [])
    for index in range(0, len(numbers) - 1, 2):
        found[int(numbers[index])] = numbers[index + 1]
    for kid in node.get("/Kids", []):
        _number_tree(kid, found, seen)
    return found


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
    flags = int(descriptor.get("/Flags", 0)) if descriptor is not None else 0
    italic = descriptor is not None and (float(descriptor.get("/ItalicAngle", 0)) != 0 or flags & 64)
    family = name.split("+")[-1]
    serif = bool(flags & 2) or ("Sans" not in family and any(word in family for word in SERIF_NAMES))
    two_byte = str(font.get("/Subtype")) == "/Type0"
    unicode = _to_unicode(font)
    spaces = frozenset(code for code, text in unicode.items() if text.isspace())
    return name, embedded, bool(italic), two_byte, serif, _widths(font, two_byte), spaces, unicode


_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
_BFRANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def _to_unicode(font):
    """{glyph code: text} from the font's ToUnicode map."""
    try:
        cmap = font.ToUnicode.read_bytes()
    except (AttributeError, KeyError, pikepdf.PdfError):
        return {}
    found = {}
    for kind, body in re.findall(rb"begin(bfchar|bfrange)(.*?)end\1", cmap, flags=re.S):
        if kind == b"bfrange":
            for first, last, target in _BFRANGE.findall(body):
                for offset in range(int(last, 16) - int(first, 16) + 1):
                    found[int(first, 16) + offset] = chr(int(target, 16) + offset)
        else:
            for code, target in _BFCHAR.findall(body):
                found[int(code, 16)] = bytes.fromhex(target.decode()).decode("utf-16-be", "replace") \
                    if target else ""
    return found


def _widths(font, two_byte):
    """(width of each glyph code in thousandths of the size, the width of any other)."""
    widths = {}
    if two_byte:
        cid_font = font.DescendantFonts[0]
        table = list(cid_font.get("/W", []))
        index = 0
        while index < len(table) - 1:
            first = int(table[index])
            if isinstance(table[index + 1], pikepdf.Array):
                for offset, width in enumerate(table[index + 1]):
                    widths[first + offset] = float(width)
                index += 2
            else:
                for code in range(first, int(table[index + 1]) + 1):
                    widths[code] = float(table[index + 2])
                index += 3
        return widths, float(cid_font.get("/DW", 1000))
    first = int(font.get("/FirstChar", 0))
    for offset, width in enumerate(font.get("/Widths", [])):
        widths[first + offset] = float(width)
    return widths, float(font.get("/FontDescriptor", {}).get("/MissingWidth", 0))


def _multiply(a, b):
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def _read_page(page, facts, page_number=0):
    """Read one page's fonts and text into facts; return its lines of text and its
    marked content's text.

    A line is [marked content id, x where its glyphs start, x where they end, y], in points.
    The text is {MCID: (its /ActualText, or its glyphs' ToUnicode, y of its first glyph)}.
    """
    resources = page.get("/Resources", {})
    fonts, lines = {}, []
    for name, font in resources.get("/Font", {}).items():
        info = _font_info(font)
        fonts[name] = info
        facts.fonts[info[0]] = info[1]
        if info[2] and info[0] not in facts.italic_fonts:
            facts.italic_fonts.append(info[0])
        if info[4] and info[0] not in facts.serif_fonts:
            facts.serif_fonts.append(info[0])
    tm, font, size, artifact, marks = [1, 0, 0, 1, 0, 0], None, 0, [], []
    line_matrix, marked, spoken, artifacts = tm, {}, [], []
    for operands, op, ctm in _with_ctm(page):
        if op == "BT":
            tm = line_matrix = [1, 0, 0, 1, 0, 0]
        elif op == "Tm":
            tm = line_matrix = [float(x) for x in operands]
        elif op in ("Td", "TD"):
            tm = line_matrix = _multiply([1, 0, 0, 1, float(operands[0]), float(operands[1])], line_matrix)
        elif op == "Tf":
            font, size = str(operands[0]), float(operands[1])
        elif op == "BDC" or op == "BMC":
            artifact.append(str(operands[0]) == "/Artifact")
            properties = operands[1] if op == "BDC" and len(operands) > 1 else None
            mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
            marks.append(int(mcid) if mcid is not None else (marks[-1] if marks else None))
            said = properties.get("/ActualText") if isinstance(properties, pikepdf.Dictionary) else None
            spoken.append(said is not None)
            if said is not None and mcid is not None:
                marked[int(mcid)] = [str(said), None]
            elif said is not None and str(operands[0]) == "/Artifact":
                artifacts.append(str(said))
        elif op == "EMC":
            artifact and artifact.pop()
            marks and marks.pop()
            spoken and spoken.pop()
        elif op in ("Tj", "TJ", "'", '"'):
            strings = operands[0] if op == "TJ" else [operands[-1]]
            glyph_bytes = b"".join(bytes(s) for s in strings if isinstance(s, pikepdf.String))
            info = fonts.get(font)
            matrix = _multiply(tm, ctm)
            advance, left, right = _advance(strings, info, size) if info else (0.0, None, None)
            tm = _multiply([1, 0, 0, 1, advance, 0], tm)   # a show of moves alone moves too
            if marks and marks[-1] is not None and left is not None and not any(artifact):
                start, end = (_multiply([1, 0, 0, 1, x, 0], matrix)[4] for x in (left, right))
                lines.append([marks[-1], min(start, end), max(start, end), matrix[5]])
            if not glyph_bytes:
                continue
            if not marks and not facts.untagged[4:]:
                facts.untagged.append(f"page {page_number}: text outside any marked content")
            if marks and marks[-1] is not None and not any(artifact):
                entry = marked.setdefault(marks[-1], ["", None])
                if entry[1] is None:
                    entry[1] = matrix[5]
                if not any(spoken) and info:
                    step = 2 if info[3] else 1
                    entry[0] += "".join(info[7].get(int.from_bytes(glyph_bytes[i:i + step], "big"), "")
                                        for i in range(0, len(glyph_bytes) - step + 1, step))
            if info and info[3]:
                gids = [int.from_bytes(glyph_bytes[i:i + 2], "big") for i in range(0, len(glyph_bytes), 2)]
                facts.missing_glyphs += gids.count(0)
            if any(artifact):
                continue
            scale = (matrix[2] ** 2 + matrix[3] ** 2) ** 0.5
            facts.font_sizes.append((round(size * scale, 2), info[0] if info else font))
    return lines, {**{mcid: tuple(entry) for mcid, entry in marked.items()}, "artifacts": artifacts}


def _advance(strings, info, size):
    """How far a shown string moves the pen, and where its visible glyphs start and end.

    In text space, before scaling: (advance, left, right), left and right None when it
    shows only spaces and glyphs of no width (marks placed above or below a letter move
    the pen forward and back again round them: where it is then says nothing of where a
    line ends).
    """
    widths, default = info[5]
    spaces = info[6]
    step = 2 if info[3] else 1
    pen, left, right = 0.0, None, None
    for piece in strings:
        if isinstance(piece, pikepdf.String):
            data = bytes(piece)
            for index in range(0, len(data) - step + 1, step):
                code = int.from_bytes(data[index:index + step], "big")
                width = widths.get(code, default) / 1000 * size
                if width > 0 and code not in spaces:
                    left = pen if left is None else min(left, pen)
                    right = pen + width if right is None else max(right, pen + width)
                pen += width
        else:
            pen -= float(piece) / 1000 * size
    if pen and not any(bytes(p) for p in strings if isinstance(p, pikepdf.String)):
        # A move alone is room the layout gave: at the start of right to left text it is
        # the line's right-hand end.
        return pen, min(0.0, pen), max(0.0, pen)
    return pen, left, right


# Structure types inside a paragraph: a line of <strong> or <span lang> is still a line
# of the paragraph round it.
INLINE = {"/Span", "/NonStruct", "/Link", "/Quote", "/Code", "/Em", "/Strong", "/Reference",
          "/Annot", "/Sub", "/BibEntry", "/Note"}


def _block(element, depth=0):
    """The nearest structure element at or above element that is not inline."""
    while isinstance(element, pikepdf.Dictionary) and depth < 32:
        if str(element.get("/S")) not in INLINE:
            return element
        element, depth = element.get("/P"), depth + 1
    return None


def _judge_alignment(page_number, lines, owners, right_to_left, facts):
    """Note paragraphs whose lines are centred, justified, or lined up at the wrong side.

    Lines are put together into paragraphs by the structure element that owns their
    marked content.  Left to right text must be lined up on the left and ragged on the
    right; right to left text on the right (or the left, for a left to right part such
    as a phone number); centred text fails.  Justified text (every line but the last
    starting and ending at one place) fails too;
    it is judged on paragraphs of four lines or more, where three ragged lines ending
    within half a point of each other would be a rare chance.
    """
    if owners is None:
        return
    paragraphs = {}
    for mcid, start, end, y in lines:
        try:
            owner = owners[mcid]
        except (IndexError, TypeError, KeyError):
            continue
        block = _block(owner)
        if block is None:
            continue
        key = block.objgen
        rows = paragraphs.setdefault(key, {})
        row = rows.setdefault(round(y * 2) / 2, [start, end])
        row[0], row[1] = min(row[0], start), max(row[1], end)
    for rows in paragraphs.values():
        if len(rows) < 2:
            continue
        ordered = [rows[y] for y in sorted(rows, reverse=True)]      # top line first
        starts, ends = [r[0] for r in ordered], [r[1] for r in ordered]

        def spread(values):
            return max(values) - min(values)

        widths = [end - start for start, end in ordered]
        if len(ordered) >= 4 and spread(starts[:-1]) <= LINED_UP and spread(ends[:-1]) <= LINED_UP \
                and spread(widths) > LINED_UP:
            problem = "justified"
        elif spread(widths) < 2 * LINED_UP:
            continue                         # lines of one width: no telling how they line up
        else:
            # The side the lines keep to is where they differ least: their starts (lined up
            # on the left), their ends (on the right) or their middles (centred).  A line
            # may end a little short, in a letter whose ink reaches past its width.
            middles = [(start + end) / 2 for start, end in ordered]
            side = min((spread(starts), "left"), (spread(ends), "right"), (spread(middles), "centre"))[1]
            if side == "left" or (side == "right" and right_to_left):
                continue
            problem = "lined up on the right" if side == "right" else "centred"
        if len(facts.misaligned) < 5:
            facts.misaligned.append(f"page {page_number}: a paragraph of {len(ordered)} lines is {problem}")


_PATH_POINTS = {"m": 2, "l": 2, "c": 6, "v": 4, "y": 4}


def _point(ctm, x, y):
    return (x * ctm[0] + y * ctm[2] + ctm[4], x * ctm[1] + y * ctm[3] + ctm[5])


def _with_ctm(page):
    """(operands, operator, current transformation matrix) for each instruction of page's
    content, the matrix kept through q, Q and cm."""
    stack, ctm = [], [1, 0, 0, 1, 0, 0]
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else ctm
        elif op == "cm":
            ctm = _multiply([float(x) for x in operands], ctm)
        yield operands, op, ctm


def drawn_boxes(page):
    """{MCID: [x1, y1, x2, y2]}: where each marked content's paths and images are drawn,
    in the page's default user space (points from the bottom left)."""
    boxes, marks = {}, []
    xobjects = page.get("/Resources", {}).get("/XObject", {})

    def add(points):
        mcid = next((m for m in reversed(marks) if m is not None), None)
        if mcid is None:
            return
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        box = boxes.setdefault(mcid, [min(xs), min(ys), max(xs), max(ys)])
        box[:] = [min(box[0], *xs), min(box[1], *ys), max(box[2], *xs), max(box[3], *ys)]

    for operands, op, ctm in _with_ctm(page):
        if op in ("BDC", "BMC"):
            properties = operands[1] if op == "BDC" else None
            mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
            marks.append(None if mcid is None else int(mcid))
        elif op == "EMC":
            marks and marks.pop()
        elif op in _PATH_POINTS:
            values = [float(x) for x in operands]
            add([_point(ctm, values[i], values[i + 1]) for i in range(0, len(values), 2)])
        elif op == "re":
            x, y, w, h = (float(v) for v in operands)
            add([_point(ctm, x, y), _point(ctm, x + w, y + h)])
        elif op == "Do":
            xobject = xobjects.get(str(operands[0]))
            matrix, (x1, y1, x2, y2) = ctm, (0, 0, 1, 1)
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                x1, y1, x2, y2 = (float(v) for v in xobject.get("/BBox", [0, 0, 1, 1]))
                matrix = _multiply([float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])], ctm)
            add([_point(matrix, x, y) for x in (x1, x2) for y in (y1, y2)])
    return boxes
