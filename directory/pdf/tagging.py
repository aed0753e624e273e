"""What WeasyPrint's tagged PDF lacks, added so that the text reads back as it was written.

WeasyPrint 70.0 writes each line of text as one glyph run with one Unicode value per
glyph (its ToUnicode map), so a Bengali conjunct or a Nastaliq ligature comes back as
broken pieces, and right to left text comes back in the order it is drawn, not read
(issue 13, item 4).  Two additions, each kept small:

* `actual_text()`: while it is active, every run of text WeasyPrint draws (a `TextBox`,
  one per line of each inline run) is marked with its `/ActualText`, the box's own
  text in logical order, beside its `/MCID` (ISO 32000-1 14.9.4).  poppler's
  `pdftotext`, screen readers and the structure tree's readers then take that text
  instead of guessing it from the glyphs.  Right to left documents are the exception
  that poppler forces: it expects text in the order it is drawn and turns right to left
  lines round itself, so there a run's marked content says it in drawn order (with
  direction marks round spaces and brackets, which the checks ignore), and `finish()`
  gives its structure element the text in reading order, which is what the tagged text
  and a screen reader read.  It extends WeasyPrint's `Stream.marked`, so it is tied to
  the pinned version: importing this module fails loudly on another.
* `finish(pdf)`, after WeasyPrint (item 5): the page numbers and running heads (CSS
  margin boxes), whose marked content WeasyPrint leaves hanging off the structure tree,
  become pagination artifacts; list bullets drawn outside any marked content become
  artifacts too (the list's structure already says it is a list); and each Figure's
  `/BBox` is set to where its picture really is drawn, in points from the page's
  bottom left (WeasyPrint writes CSS pixels measured from the top).
"""

import contextvars
import io
import unicodedata
from contextlib import contextmanager

import pikepdf
import pydyf
import weasyprint
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.pdf.stream import Stream
from weasyprint.text.ffi import ffi, pango

from .inspect import RIGHT_TO_LEFT, _number_tree, drawn_boxes

PINNED = "70.0"
if weasyprint.__version__ != PINNED:   # Stream.marked and its use in draw/ are what this extends
    raise ImportError(f"directory/pdf/tagging.py extends WeasyPrint {PINNED}, not "
                      f"{weasyprint.__version__}: check Stream.marked and pdf/tags.py, then update PINNED")

LOGICAL = "/DirectoryLogicalText"   # private key, moved to the structure element by finish()
_active = contextvars.ContextVar("actual_text", default=False)
_marked = Stream.marked


class _TextString(pydyf.String):
    """A PDF text string, always UTF-16BE with its byte order mark (ISO 32000-1 7.9.2.2)."""

    @property
    def data(self):
        return b"<feff" + self.string.encode("utf-16-be").hex().encode() + b">"


def _drawn_order(box):
    """The box's text in the order its glyphs are drawn, left to right, each right to left
    cluster's characters reversed: what poppler, which keeps text in the order it is
    drawn and turns right to left lines round (poppler/TextOutputDev.cc reorderText),
    turns back into box.text."""
    layout = box.pango_layout
    inactive = not hasattr(layout, "layout")
    if inactive:    # as draw_text does before it draws, and undoes after
        layout.reactivate(box.style)
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)   # as draw_first_line does
    line, _ = layout.get_first_line()
    utf8, pieces, run = layout.text.encode(), [], line.runs
    while run != ffi.NULL:
        item, glyphs = run.data.item, run.data.glyphs
        run = run.next
        starts = sorted({glyphs.log_clusters[i] for i in range(glyphs.num_glyphs)})
        ends = dict(zip(starts, starts[1:] + [item.length]))
        seen = set()
        for i in range(glyphs.num_glyphs):
            start = glyphs.log_clusters[i]
            if start in seen:
                continue
            seen.add(start)
            cluster = utf8[item.offset + start:item.offset + ends[start]].decode("utf-8", "replace")
            right_to_left = item.analysis.level % 2
            if right_to_left:
                cluster = cluster[::-1]
            if unicodedata.bidirectional(cluster[:1] or "a") in NEUTRAL:
                # A space or a bracket: a mark either side in the direction it is laid out
                # tells poppler so (its turning round puts such characters with the text
                # on their other side); the checks ignore the marks.
                mark = "\u200f" if right_to_left else "\u200e"
                cluster = f"{mark}{cluster}{mark}"
            pieces.append(cluster)
    if inactive:
        layout.deactivate()
    return "".join(pieces)


@contextmanager
def _marked_with_text(self, box, tag):
    if self._tags is None or tag != "Span" or not isinstance(box, TextBox) or not _active.get():
        with _marked(self, box, tag):
            yield
        return
    mcid = len(self._tags)
    assert box not in self._tags
    self._tags[box] = {"tag": tag, "mcid": mcid}
    properties = pydyf.Dictionary({"MCID": mcid, "ActualText": _TextString(box.text)})
    if _active.get() == "rtl" or any(unicodedata.bidirectional(c) in ("R", "AL") for c in box.text):
        drawn = _drawn_order(box)
        if drawn != box.text:
            # Right to left text: the content says it in drawn order (as poppler and other
            # text extractors expect); its structure element, given it by finish(), in
            # the order it is read.
            properties["ActualText"], properties[LOGICAL[1:]] = _TextString(drawn), _TextString(box.text)
    pydyf.Stream.begin_marked_content(self, tag, properties)
    try:
        yield
    finally:
        pydyf.Stream.end_marked_content(self)


Stream.marked = _marked_with_text


NEUTRAL = {"WS", "ON", "CS", "ES", "ET", "B", "S", "BN"}


@contextmanager
def actual_text(direction="ltr"):
    """While active, text drawn by WeasyPrint carries its logical text as /ActualText.

    direction: the document's ("rtl" for Urdu or Arabic), where every run is said in
    drawn order for poppler, with its text in reading order on its structure element."""
    token = _active.set(direction)
    try:
        yield
    finally:
        _active.reset(token)


# --- After WeasyPrint ---------------------------------------------------------------------

_SHOWS = {"Tj", "TJ", "'", '"'}
def reachable(root):
    """The objgens of every structure element reachable from the StructTreeRoot."""
    seen, todo = set(), [root.get("/K")]
    while todo:
        node = todo.pop()
        if isinstance(node, pikepdf.Array):
            todo.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and node.get("/Type") != "/MCR" \
                and node.get("/Type") != "/OBJR":
            if node.objgen != (0, 0):
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            if "/K" in node:
                todo.append(node.K)
    return seen


def page_owners(pdf):
    """{page index: pikepdf.Array of the structure element of each MCID} from the ParentTree."""

    root = pdf.Root.get("/StructTreeRoot")
    tree = _number_tree(root.get("/ParentTree")) if root is not None else {}
    owners = {}
    for index, page in enumerate(pdf.pages):
        value = tree.get(int(page.get("/StructParents", -1)))
        if isinstance(value, pikepdf.Array):
            owners[index] = value
    return owners


# How poppler counts a page's letters to choose the way it reads the page
# (TextOutputDev.cc TextPage::coalesce, UnicodeTypeTable.cc).
_LEFT_OR_RIGHT = {"L": 1, "R": -1, "AL": -1}


def _direction(texts):
    """Above 0 or 0 if poppler would read a page of these texts as left to right."""
    return sum(_LEFT_OR_RIGHT.get(unicodedata.bidirectional(c), 0) for text in texts for c in text)


def _rewrite(pdf, page, owners, dangling, right_to_left):
    """Rewrite one page's content: marked content of the dangling MCIDs, and text drawn
    outside any marked content, become pagination artifacts; a run's text in reading
    order moves from its marked content to its structure element's /ActualText.

    right_to_left: the document is written right to left.  poppler turns the lines of a
    page round as a whole: on a page it reads as right to left it gives back right to
    left lines with left to right words in them, and left to right lines, as they are
    read; on a page it reads as left to right it cannot give back such a right to left
    line (it keeps the runs of each in the order they are drawn).  It reads a page as
    right to left when it has more right to left letters than left to right ones,
    counting marks; on a page of mostly English (an English easy read in Urdu, say) right
    to left marks in its page number's text make it so."""
    instructions, changed, opened, logical = [], False, [], {}
    content = pikepdf.parse_content_stream(page)
    for operands, operator in content:
        op = str(operator)
        properties = operands[1] if op == "BDC" and len(operands) > 1 else None
        spoken = None
        if isinstance(properties, pikepdf.Dictionary) and properties.get("/MCID") is not None:
            mcid = int(properties.MCID)
            if mcid in dangling:
                artifact = pikepdf.Dictionary(Type=pikepdf.Name.Pagination)
                if "/ActualText" in properties:    # poppler reads ActualText on a Span only
                    spoken = pikepdf.Dictionary(ActualText=properties.ActualText)
                    artifact.ActualText = properties.get(LOGICAL, properties.ActualText)
                operands, changed = [pikepdf.Name.Artifact, artifact], True
            elif LOGICAL in properties:
                logical.setdefault(mcid, str(properties[LOGICAL]))
                del properties[LOGICAL]
                changed = True
        if op in _SHOWS and not opened:
            # A list bullet WeasyPrint draws outside any marked content.
            instructions += [pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact], pikepdf.Operator("BMC")),
                             pikepdf.ContentStreamInstruction(operands, operator),
                             pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC"))]
            changed = True
            continue
        instructions.append(pikepdf.ContentStreamInstruction(operands, operator))
        if op in ("BDC", "BMC"):
            opened.append(spoken is not None)
            if spoken is not None:
                instructions.append(pikepdf.ContentStreamInstruction([pikepdf.Name.Span, spoken],
                                                                     pikepdf.Operator("BDC")))
        elif op == "EMC" and opened and opened.pop():
            instructions.append(pikepdf.ContentStreamInstruction([], operator))
    if right_to_left:
        changed = _said_by_line(instructions, logical, owners) or changed
        said = [index for index, i in enumerate(instructions) if str(i.operator) == "BDC"
                and len(i.operands) > 1 and i.operands[0] == pikepdf.Name.Span
                and isinstance(i.operands[1], pikepdf.Dictionary) and "/ActualText" in i.operands[1]]
        count = _direction(str(instructions[index].operands[1].ActualText) for index in said)
        if said and count >= 0:
            numbers = [index for index in said if "/MCID" not in instructions[index].operands[1]]
            index = (numbers or said)[-1]                             # a page number's, if any
            properties = instructions[index].operands[1]
            text = str(properties.ActualText) + "\u200f" * (count + 1)
            properties = pikepdf.Dictionary({**{k: v for k, v in properties.items()},
                                             "/ActualText": pikepdf.String(text)})
            instructions[index] = pikepdf.ContentStreamInstruction([pikepdf.Name.Span, properties],
                                                                   pikepdf.Operator("BDC"))
            changed = True
    if changed:
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
    texts = {}
    for mcid, owner in enumerate(owners):
        if isinstance(owner, pikepdf.Dictionary):
            texts.setdefault(owner.objgen, (owner, []))[1].append(mcid)
    for owner, mcids in texts.values():
        if any(mcid in logical for mcid in mcids):
            owner.ActualText = pikepdf.String("".join(logical.get(m, "") for m in mcids))


# Structure types that sit inside a line; a line belongs to the nearest one that is not.
# WeasyPrint tags an inline element such as <bdi> NonStruct; a list item's bullet (Lbl) and
# its words (LBody) share its lines.
_INLINE = {"/Span", "/NonStruct", "/Link", "/Quote", "/Code", "/Em", "/Strong", "/Reference", "/Note",
           "/Annot", "/Ruby", "/Warichu", "/BibEntry", "/Lbl", "/LBody"}


def _block_of(owner):
    """The objgen of the block-level structure element owner is in (a paragraph, a heading)."""
    for _ in range(50):
        if not isinstance(owner, pikepdf.Dictionary) or str(owner.get("/S")) not in _INLINE:
            break
        owner = owner.get("/P")
    return owner.objgen if isinstance(owner, pikepdf.Dictionary) else None


def _said_by_line(instructions, logical, owners):
    """Right to left pages: each line's runs said whole by the first run drawn, the others
    saying nothing; True if any line has more than one run.

    poppler puts a run's /ActualText where the run's first glyph is drawn, raised or
    lowered as that glyph is (Nastaliq letters step up and down along a line), so a run
    that starts high is taken for a line of its own and read out of order: in an Urdu
    line broken by "(refuge)", its last two words came back before it.  Said by one run,
    the line stays one.  The runs of a line are the marked content with an /MCID drawn
    one after another at one baseline (the `Tm` WeasyPrint starts each with) in one
    block-level structure element (two captions side by side are two lines); their
    texts, in drawn order, are joined left to right, as poppler expects.  Their
    structure elements keep each run's own text in reading order: logical ({MCID: text})
    gains the runs that had it only in their marked content (left to right runs)."""
    runs, current, depth = [], None, 0
    for index, instruction in enumerate(instructions):
        op = str(instruction.operator)
        if op in ("BDC", "BMC"):
            depth += 1
            properties = instruction.operands[1] if op == "BDC" and len(instruction.operands) > 1 else None
            if (current is None and isinstance(properties, pikepdf.Dictionary)
                    and "/MCID" in properties and "/ActualText" in properties):
                mcid = int(properties.MCID)
                owner = owners[mcid] if mcid < len(owners) else None
                current = [index, None, None, depth, _block_of(owner)]
        elif op == "EMC":
            if current is not None and depth == current[3]:
                runs.append(current)
                current = None
            depth -= 1
        elif op == "Tm" and current is not None and current[1] is None:
            current[1], current[2] = float(instruction.operands[4]), float(instruction.operands[5])
    lines, changed = [], False
    for run in runs:
        if run[1] is None:
            continue
        if lines and abs(lines[-1][-1][2] - run[2]) < 0.01 and lines[-1][-1][4] == run[4] is not None:
            lines[-1].append(run)
        else:
            lines.append([run])
    for line in lines:
        if len(line) < 2:
            continue
        said = "".join(str(instructions[run[0]].operands[1].ActualText)
                       for run in sorted(line, key=lambda run: run[1]))
        for number, run in enumerate(line):
            properties = instructions[run[0]].operands[1]
            logical.setdefault(int(properties.MCID), str(properties.ActualText))
            properties = pikepdf.Dictionary({**{k: v for k, v in properties.items()},
                                             "/ActualText": pikepdf.String(said if number == 0 else "")})
            instructions[run[0]] = pikepdf.ContentStreamInstruction(
                [instructions[run[0]].operands[0], properties], pikepdf.Operator("BDC"))
        changed = True
    return changed


def finish(data):
    """WeasyPrint's tagged PDF with its pagination marked as artifacts and its figures'
    boxes true, as bytes."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return data
        tree = reachable(root)
        right_to_left = str(pdf.Root.get("/Lang", "")).split("-")[0] in RIGHT_TO_LEFT
        for index, owners in page_owners(pdf).items():
            page = pdf.pages[index]
            dangling = {mcid for mcid, owner in enumerate(owners)
                        if isinstance(owner, pikepdf.Dictionary) and owner.objgen not in tree}
            for mcid in dangling:
                owners[mcid] = None
            _rewrite(pdf, page, owners, dangling, right_to_left)
            boxes = drawn_boxes(page)
            for mcid, owner in enumerate(owners):
                if isinstance(owner, pikepdf.Dictionary) and owner.get("/S") == "/Figure" and mcid in boxes:
                    attributes = owner.get("/A")
                    if not isinstance(attributes, pikepdf.Dictionary):
                        attributes = owner.A = pikepdf.Dictionary(O=pikepdf.Name.Layout)
                    attributes.BBox = pikepdf.Array([round(v, 2) for v in boxes[mcid]])
        out = io.BytesIO()
        pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()
