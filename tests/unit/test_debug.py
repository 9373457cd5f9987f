"""`pcflow debug`: the drawing of a page shows the extract core's analysis of it."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from typer.testing import CliRunner

from pcflow.cli import app
from pcflow.debug import Mark, PageOutOfRange, debug_page
from shared.documents import BBox
from tests.unit.pdf_fixtures import build_pdf

SAMPLE = Path(__file__).parents[2] / "samples" / "sample-begroting-2025.pdf"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _contains(outer: BBox, inner: pymupdf.Rect) -> bool:
    x0, y0, x1, y1 = outer
    return bool(pymupdf.Rect(x0 - 1, y0 - 1, x1 + 1, y1 + 1).contains(inner))


def _where(data: bytes, text: str) -> pymupdf.Rect:
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        (found,) = doc[0].search_for(text)
        return found


def test_a_table_box_and_its_cells_hold_the_printed_cells() -> None:
    data = SAMPLE.read_bytes()
    drawing = debug_page(data, 1)
    assert drawing.png.startswith(PNG_SIGNATURE)
    assert pymupdf.Pixmap(drawing.png).width > 0
    label, amount = _where(data, "6.3 Inkomensregelingen"), _where(data, "18.350")
    tables = [m for m in drawing.marks if m.kind == "table"]
    assert any(_contains(t.bbox, label) and _contains(t.bbox, amount) for t in tables)
    cells = [m for m in drawing.marks if m.kind == "cell"]
    assert sum(_contains(c.bbox, amount) for c in cells) == 1
    assert not any(_contains(c.bbox, label) and _contains(c.bbox, amount) for c in cells)
    assert any(m.kind == "ruling" for m in drawing.marks)


def _report(doc: pymupdf.Document) -> None:
    for n in (1, 2, 3):
        page = doc.new_page(width=595, height=842)
        page.insert_text((60, 40), "Gemeente Voorbeeld - Jaarverslag", fontsize=8)
        page.insert_text((280, 815), f"pagina {n} van 3", fontsize=8)
        page.insert_text((60, 100), f"Hoofdstuk {n}", fontsize=14, fontname="hebo")
        page.insert_text((60, 130), "Wij breiden de dienstverlening uit.", fontsize=10)


def test_running_text_is_marked_dropped_and_the_rest_numbered_in_reading_order() -> None:
    drawing = debug_page(build_pdf(_report), 2)
    dropped = {m.text for m in drawing.marks if m.kind == "furniture"}
    assert dropped == {"Gemeente Voorbeeld - Jaarverslag", "pagina 2 van 3"}
    ordered = sorted((m for m in drawing.marks if m.order is not None), key=_order)
    assert [m.text for m in ordered] == ["Hoofdstuk 2", "Wij breiden de dienstverlening uit."]
    assert [m.kind for m in drawing.marks].count("block") == 2


def _order(mark: Mark) -> int:
    assert mark.order is not None
    return mark.order


def test_a_page_the_document_does_not_have_is_refused() -> None:
    with pytest.raises(PageOutOfRange, match="pages 1 to 1"):
        debug_page(SAMPLE.read_bytes(), 2)


def test_the_command_writes_the_png_and_fails_clearly_outside_the_document(
    tmp_path: Path,
) -> None:
    out = tmp_path / "page.png"
    done = CliRunner().invoke(app, ["debug", str(SAMPLE), "--page", "1", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert out.read_bytes().startswith(PNG_SIGNATURE)
    refused = CliRunner().invoke(app, ["debug", str(SAMPLE), "--page", "0"])
    assert refused.exit_code != 0
    assert "page 0 is not in the document" in refused.output
