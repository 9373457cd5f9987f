"""Document info and the section tree from the first page and heading typography."""

from __future__ import annotations

from services.classify.core import classify
from tests.unit.classify_fixtures import DocBuilder


def test_document_info_from_cover() -> None:
    builder = DocBuilder().text("GEMEENTE VOORBEELDSTAD").heading("Najaarsnota 2022", size=24)
    info = classify(builder.build(), "test").info
    assert info.municipality == "Voorbeeldstad"
    assert info.document_type == "najaarsnota"
    assert info.year == 2022
    assert info.title == "Najaarsnota 2022"


def test_section_tree_with_page_ranges() -> None:
    builder = (
        DocBuilder()
        .heading("Programma 3: Sociaal domein", size=18)
        .heading("Beleidsveld Jeugd", size=14)
        .text("Tekst.")
        .new_page()
        .heading("Wat hebben we bereikt?", size=12)
        .text("Meer jongeren op school.")
        .new_page()
        .heading("Beleidsveld Werk en inkomen", size=14)
        .text("Tekst.")
    )
    doc = classify(builder.build(), "v1")
    assert doc.pipeline_version == "v1"
    (programma,) = doc.sections
    assert (programma.kind, programma.level, programma.page_start, programma.page_end) == (
        "programma",
        1,
        1,
        3,
    )
    jeugd, werk = programma.children
    assert (jeugd.kind, jeugd.page_start, jeugd.page_end) == ("beleidsveld", 1, 3)
    assert [c.title for c in jeugd.children] == ["Wat hebben we bereikt?"]
    assert (werk.page_start, werk.page_end) == (3, 3)


def test_empty_document() -> None:
    doc = classify(DocBuilder().build(), "test")
    assert doc.financial_lines == []
    assert doc.sections == []
