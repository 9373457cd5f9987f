"""PDF bytes in, `ExtractedDocument` out: the pure core of the extract stage.

Pages are analysed one at a time and only compact line and table records are kept, so memory
grows with the amount of text, not with the page objects, images or drawings of the file.
Running headers, paragraph continuation over page breaks and tables continued on the next page
need the whole document and are resolved afterwards on those records. Because pages are
analysed independently, runs of pages can be analysed in separate processes and assembled
into the same document (see sandbox.py).

The core owns no processes and no engine: the OCR engine and the budget of pages it may read
come in as a `PageOcr`, and `assemble` takes what it needs of the parsed file as
`DocumentFacts`, so it can run where the file is not open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import fmean, median

import pymupdf

from shared.documents import BBox, ExtractedDocument, PageInfo, Table, TextBlock

from .cards import frame_boxes, framing_text, read_card_tables
from .drawn_markers import Shape, add_drawn_markers, marker_shapes
from .errors import (
    CorruptDocument,
    DocumentTooLarge,
    EncryptedDocument,
    ExtractionMemoryExceeded,
    TooManyPages,
)
from .furniture import find_furniture
from .furniture_rows import drop_furniture_rows, keep_margin_lines
from .grid import Grid, drawing_segments, find_grids
from .layout import Line, inside
from .limits import ExtractLimits
from .ocr import needs_ocr, ocr_page
from .page_ocr import CountedOcrBudget, PageOcr
from .paragraphs import body_size, build_blocks, to_text_block, typical_gap
from .reading_order import xy_cut
from .sniff import check_pdf_bytes
from .tables import (
    TableDraft,
    append_continuation,
    fill_grid,
    mark_header_and_section_rows,
    same_columns,
)
from .text import TEXT_FLAGS, read_lines
from .tuning import CaptionTuning, ExtractTuning, ReadingOrderTuning
from .whitespace import find_whitespace_tables

Item = Line | TableDraft


@dataclass(slots=True)
class PageResult:
    info: PageInfo
    lines: list[Line] = field(default_factory=list)
    tables: list[TableDraft] = field(default_factory=list)
    frames: list[BBox] = field(default_factory=list)


@dataclass(slots=True)
class PagesResult:
    """The analysis of a run of pages: all a document's assembly needs from those pages."""

    pages: list[PageResult]
    warnings: list[str]
    ocr_skipped: int


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """What the assembly needs of the parsed file itself, apart from its pages."""

    page_count: int
    metadata: dict[str, str]
    repaired: bool
    active_content: bool


def extract(
    data: bytes, document_id: str, filename: str = "", limits: ExtractLimits | None = None
) -> ExtractedDocument:
    """Extract text blocks and tables of a PDF in reading order.

    Raises a subclass of `ExtractionError` for input that can never be extracted.
    """
    limits = limits or ExtractLimits()
    doc = open_document(data, limits)
    try:
        part = analyse_pages(doc, range(doc.page_count), limits, local_ocr(limits))
        return assemble(document_id, filename, document_facts(doc), [part], limits)
    finally:
        doc.close()


def ocr_pages(limits: ExtractLimits) -> int:
    """How many pages of one document may be OCRed."""
    return limits.max_ocr_pages if limits.ocr else 0


def local_ocr(limits: ExtractLimits) -> PageOcr:
    """The OCR of a document read in this process alone: Tesseract and a plain budget."""
    return PageOcr(ocr_page, CountedOcrBudget(ocr_pages(limits)))


def open_document(data: bytes, limits: ExtractLimits) -> pymupdf.Document:
    """The parsed PDF, once every check that needs no page content has passed."""
    if len(data) > limits.max_bytes:
        raise DocumentTooLarge(f"document is {len(data)} bytes, the limit is {limits.max_bytes}")
    check_pdf_bytes(data)
    pymupdf.TOOLS.mupdf_warnings(reset=True)
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # MuPDF raises plain RuntimeError/FileDataError subclasses
        raise CorruptDocument(f"the PDF cannot be parsed: {exc}") from exc
    if doc.needs_pass or doc.is_encrypted:
        doc.close()
        raise EncryptedDocument("the PDF is encrypted with a password")
    try:
        count = doc.page_count
    except Exception as exc:
        doc.close()
        raise CorruptDocument(f"the page tree cannot be read: {exc}") from exc
    if count == 0:
        doc.close()
        raise CorruptDocument("the PDF has no pages")
    if count > limits.max_pages:
        doc.close()
        raise TooManyPages(f"the PDF has {count} pages, the limit is {limits.max_pages}")
    return doc


def looks_scanned(doc: pymupdf.Document, limits: ExtractLimits) -> bool:
    """Whether the first, middle or last page is a scan that will be OCRed.

    OCR takes seconds a page where reading a text layer takes milliseconds, so a scanned
    document is worth spreading over several processes however short it is.
    """
    if not limits.ocr:
        return False
    count = doc.page_count
    for number in sorted({0, count // 2, count - 1}):
        try:
            page = doc.load_page(number)
            textpage = page.get_textpage(flags=TEXT_FLAGS)
            if needs_ocr(
                page,
                read_lines(page, textpage, number + 1, False, limits.tuning.text),
                limits.tuning.ocr,
            ):
                return True
        except Exception:  # a broken page is reported by the analysis itself
            continue
    return False


def analyse_pages(
    doc: pymupdf.Document, numbers: range, limits: ExtractLimits, ocr: PageOcr
) -> PagesResult:
    """Analyse the pages with these 0-based numbers, one at a time."""
    warnings: list[str] = []
    results: list[PageResult] = []
    skipped_before = ocr.budget.skipped
    for number in numbers:
        try:
            page = doc.load_page(number)
            results.append(_analyse_page(page, number + 1, limits, ocr))
        except MemoryError as exc:
            raise ExtractionMemoryExceeded(f"page {number + 1} exceeded the memory limit") from exc
        except Exception as exc:
            if "malloc" in str(exc):
                raise ExtractionMemoryExceeded(
                    f"page {number + 1} exceeded the memory limit: {exc}"
                ) from exc
            warnings.append(f"page {number + 1} could not be read: {exc}")
            results.append(
                PageResult(PageInfo(number=number + 1, width=0, height=0, has_text=False))
            )
        finally:
            page = None
    return PagesResult(results, warnings, ocr.budget.skipped - skipped_before)


@dataclass(slots=True)
class PageAnalysis:
    """One page as the extraction of its document saw it: what `pcflow debug` draws.

    `order` holds the page's free lines and table parts once running text is gone, in the
    page's reading order; a table part keeps the row bands of its rows, for its cell grid.
    `furniture` holds the running headers, footers and page numbers dropped, free or read into
    a table's rows. `blocks` and `tables` are the document's text blocks and tables that start
    on the page, cards read back as tables among them.
    """

    info: PageInfo
    order: list[Item]
    furniture: list[Line]
    frames: list[BBox]
    blocks: list[TextBlock]
    tables: list[Table]


def analyse_one_page(doc: pymupdf.Document, number: int, limits: ExtractLimits) -> PageAnalysis:
    """Page `number` (1-based) as `extract` sees it.

    Running text, paragraphs continued over a page break and runs of cards are only told
    across pages, so the whole document is analysed; the page's records are taken before and
    after each step that needs the whole document.
    """
    results = analyse_pages(doc, range(doc.page_count), limits, local_ocr(limits)).pages
    page = results[number - 1]
    read = [*page.lines, *(ln for t in page.tables for ln in t.margin_lines)]
    bands = {id(t): t.row_bands for t in page.tables}
    _drop_furniture(results, limits.tuning)
    for t in page.tables:
        _, top, _, bottom = t.bbox
        t.row_bands = [(y0, y1) for y0, y1 in bands[id(t)] if top <= fmean((y0, y1)) <= bottom]
    kept = {id(ln) for ln in page.lines}
    furniture = [
        ln for ln in read if id(ln) not in kept and not any(_line_in(ln, t) for t in page.tables)
    ]
    order = _page_order(page, limits.tuning.reading_order)
    blocks, tables = _blocks_and_tables(results, limits.tuning)
    return PageAnalysis(
        info=page.info,
        order=order,
        furniture=furniture,
        frames=page.frames,
        blocks=[b for b in blocks if b.page == number],
        tables=[t for t in tables if t.page == number],
    )


def document_facts(doc: pymupdf.Document) -> DocumentFacts:
    """The file's own facts, read once its pages are: the parser notes the damage it repairs
    while it reads them."""
    return DocumentFacts(
        page_count=doc.page_count,
        metadata={k: str(v) for k, v in (doc.metadata or {}).items() if v},
        repaired=parser_repaired(doc),
        active_content=has_active_content(doc),
    )


def parser_repaired(doc: pymupdf.Document) -> bool:
    """Whether the parser had to repair the file, as far as this process has read it."""
    if getattr(doc, "is_repaired", False):
        return True
    mupdf_msgs = pymupdf.TOOLS.mupdf_warnings()
    return any(k in mupdf_msgs for k in ("repair", "broken xref", "trying to repair"))


def assemble(
    document_id: str,
    filename: str,
    facts: DocumentFacts,
    parts: list[PagesResult],
    limits: ExtractLimits,
) -> ExtractedDocument:
    """The document from the analyses of its pages, given in page order.

    Running headers, paragraphs continued over page breaks, tables continued on the next page
    and cards continued over a page break are only visible across pages, so they are resolved
    here, on the page records. The file itself is not needed: what is, comes in `facts`.
    """
    results = [page for part in parts for page in part.pages]
    warnings = [warning for part in parts for warning in part.warnings]
    skipped = sum(part.ocr_skipped for part in parts)
    if skipped:
        limit = ocr_pages(limits)
        warnings.append(f"{skipped} page(s) without a text layer were not OCRed (limit {limit})")
    if facts.repaired:
        warnings.append(
            "the PDF was damaged and has been repaired by the parser; text may be partial"
        )
    running = _drop_furniture(results, limits.tuning)
    blocks, tables = _blocks_and_tables(results, limits.tuning)
    if not blocks and not tables:
        warnings.append("no text found in the document")
    return ExtractedDocument(
        document_id=document_id,
        filename=filename,
        page_count=facts.page_count,
        pages=[r.info for r in results],
        blocks=blocks,
        tables=tables,
        metadata={**facts.metadata, **running},
        warnings=warnings,
        repaired=facts.repaired,
        active_content=facts.active_content,
    )


def _analyse_page(
    page: pymupdf.Page, number: int, limits: ExtractLimits, ocr: PageOcr
) -> PageResult:
    tuning = limits.tuning
    rect = page.rect
    info = PageInfo(
        number=number,
        width=round(rect.width, 2),
        height=round(rect.height, 2),
        rotation=page.rotation,
        landscape=rect.width > rect.height,
    )
    textpage = page.get_textpage(flags=TEXT_FLAGS)
    lines = read_lines(page, textpage, number, False, tuning.text)
    grids: list[Grid] = []
    shapes: list[Shape] = []
    frames: list[BBox] = []
    ocred = False
    result = PageResult(info)
    if needs_ocr(page, lines, tuning.ocr) and ocr.budget.take():
        lines, result.tables = ocr.read(page, number, limits, limits.tables)
        ocred = info.ocr = True
    else:
        drawings = page.get_drawings()
        shapes = marker_shapes(drawings, tuning.markers)
        frames = frame_boxes(drawings, tuning.cards)
        if limits.tables:
            grids = find_grids(*drawing_segments(drawings, rect, tuning.grids), tuning.grids)
    info.has_text = bool(lines) or bool(result.tables)
    words = [w for ln in lines for w in ln.words]
    for grid in grids if limits.tables else []:
        inner = [w for w in words if inside(w.xc, w.yc, grid.bbox)]
        table = fill_grid(grid, inner, number, ocred, tuning.cells)
        if table is not None:
            result.tables.append(table)
    free = [ln for ln in lines if not any(_line_in(ln, t) for t in result.tables)]
    if limits.tables and not ocred:
        # OCR lines carry stray rule fragments and split words, which fake column gutters
        found, free = find_whitespace_tables(free, number, ocred, rect.height, tuning)
        result.tables.extend(found)
    kept = {id(ln) for ln in free}
    absorbed = [ln for ln in lines if id(ln) not in kept]
    for t in result.tables:
        mark_header_and_section_rows(t, tuning.cells)
        keep_margin_lines(t, absorbed, rect.height, tuning.furniture)
    lines = free
    add_drawn_markers(lines, shapes, tuning.markers)
    result.lines = lines
    result.frames = framing_text(frames, lines, tuning.cards)
    return result


def _line_in(line: Line, table: TableDraft) -> bool:
    return inside((line.x0 + line.x1) / 2, (line.y0 + line.y1) / 2, table.bbox, pad=1.0)


def _drop_furniture(results: list[PageResult], tuning: ExtractTuning) -> dict[str, str]:
    """Running headers and footers go, as free lines and as rows caught in a table; their
    text is returned as metadata ("header", "footer"), where classify finds the title."""
    furniture = find_furniture(
        [r.lines for r in results],
        [r.info.height for r in results],
        tuning.furniture,
        [[ln for t in r.tables for ln in t.margin_lines] for r in results],
    )
    for r in results:
        r.lines = [ln for ln in r.lines if id(ln) not in furniture.lines]
        r.tables = [
            t for t in r.tables if drop_furniture_rows(t, furniture, r.info.height, tuning.cells)
        ]
    bands = {"top": "header", "bottom": "footer"}
    return {bands[zone]: text for zone, text in furniture.running.items()}


def _page_order(result: PageResult, tuning: ReadingOrderTuning) -> list[Item]:
    items: list[Item] = [*result.lines, *result.tables]
    if not items:
        return []
    heights = [ln.height for ln in result.lines] or [tuning.default_line_height_pt]
    boxes = [it.bbox for it in items]
    order, _ = xy_cut(boxes, tuning.band_gap_lines * median(heights), tuning.gutter_pt)
    return [items[i] for i in order]


def _blocks_and_tables(
    results: list[PageResult], tuning: ExtractTuning
) -> tuple[list[TextBlock], list[Table]]:
    """Text blocks and tables numbered in one reading order over the whole document.

    Paragraphs, card runs and tables go on over page breaks, so the pages' items are joined
    into one stream before lines become blocks and table parts are joined.
    """
    stream: list[Item] = []
    for r in results:
        stream.extend(_page_order(r, tuning.reading_order))
    all_lines = [it for it in stream if isinstance(it, Line)]
    body = body_size(all_lines)
    gap = typical_gap(all_lines, tuning.paragraphs)
    frames = {r.info.number: r.frames for r in results}
    stream = read_card_tables(stream, body, frames, tuning.cards)
    blocks: list[TextBlock] = []
    placed: list[tuple[int, TableDraft]] = []
    run: list[Line] = []
    last_table: TableDraft | None = None
    seq = 0

    def flush() -> None:
        nonlocal seq
        for draft in build_blocks(run, body, gap, tuning.paragraphs):
            blocks.append(to_text_block(draft, seq))
            seq += 1
        run.clear()

    for item in stream:
        if isinstance(item, Line):
            run.append(item)
            continue
        if (
            last_table is not None
            and not run
            and item.page == last_table.pages[-1] + 1
            and same_columns(last_table, item, tuning.cells)
        ):
            append_continuation(last_table, item)
            continue
        if run:
            flush()
            last_table = None
        item.caption = _caption(blocks, item, tuning.captions)
        placed.append((seq, item))
        last_table = item
        seq += 1
    flush()
    return blocks, [_to_table(draft, n) for n, draft in placed]


def _caption(blocks: list[TextBlock], table: TableDraft, tuning: CaptionTuning) -> str:
    """The short text right above a table on the same page, such as a unit line."""
    if not blocks:
        return ""
    prev = blocks[-1]
    if prev.page != table.page or len(prev.text) > tuning.max_chars:
        return ""
    _, table_top, _, _ = table.bbox
    _, _, _, text_bottom = prev.bbox
    if table_top - text_bottom > tuning.max_gap_lines * max(prev.size, tuning.min_size_pt):
        return ""
    return prev.text


def _to_table(draft: TableDraft, seq: int) -> Table:
    return Table(
        seq=seq,
        page=draft.page,
        pages=draft.pages,
        bbox=tuple(round(v, 2) for v in draft.bbox),
        rows=draft.rows,
        header_rows=draft.header_rows,
        section_rows=draft.section_rows,
        caption=draft.caption,
        ruled=draft.ruled,
        ocr=draft.ocr,
    )


def has_active_content(doc: pymupdf.Document) -> bool:
    """Whether the file carries JavaScript or launch actions (never executed here)."""
    markers = ("/JavaScript", "/JS ", "/JS(", "/JS<", "/Launch", "/RichMedia")
    try:
        n = min(doc.xref_length(), 200_000)
        for xref in range(1, n):
            obj = doc.xref_object(xref, compressed=True)
            if any(m in obj for m in markers):
                return True
    except Exception:
        return False
    return False
