"""Document facts from the cover, the running text and the PDF metadata, with their evidence."""

from __future__ import annotations

from services.classify.info import document_info
from shared.documents import ExtractedDocument, TextBlock


def _doc(
    blocks: list[tuple[str, float]],
    metadata: dict[str, str] | None = None,
    ocr: bool = False,
    filename: str = "",
) -> ExtractedDocument:
    return ExtractedDocument(
        document_id="d",
        filename=filename,
        page_count=2,
        blocks=[
            TextBlock(seq=i, page=1, text=text, size=size, ocr=ocr)
            for i, (text, size) in enumerate(blocks)
        ],
        metadata=metadata or {},
    )


def test_the_year_printed_with_the_type_that_names_the_document() -> None:
    doc = _doc([("Gemeente Zandvoort", 12.0), ("Kadernota 2026 (voorjaarsnota 2025)", 28.0)])
    info = document_info(doc)
    assert (info.document_type, info.year) == ("voorjaarsnota", 2025)
    assert info.title == "Kadernota 2026 (voorjaarsnota 2025)"
    assert info.evidence["year"].text == "Kadernota 2026 (voorjaarsnota 2025)"
    assert info.evidence["municipality"].model_dump() == {
        "source": "cover",
        "page": 1,
        "text": "Gemeente Zandvoort",
    }


def test_a_title_without_a_year_after_the_type_takes_its_first_year() -> None:
    doc = _doc([("Raadsinformatiebrief Monitor sociaal domein, tweede kwartaal 2024", 24.0)])
    info = document_info(doc)
    assert (info.document_type, info.year) == ("raadsinformatiebrief", 2024)


def test_a_scanned_cover_takes_its_title_from_the_running_text() -> None:
    doc = _doc(
        [("GEMEENTE ZANDVOORT", 16.0), ("Jaarvers ag 2O22", 28.0), ("Jaarverslag 2022", 11.0)],
        metadata={"header": "Gemeente Zandvoort · Jaarstukken 2022", "producer": "Scan to PDF"},
        ocr=True,
    )
    info = document_info(doc)
    assert (info.title, info.document_type, info.year) == ("Jaarstukken 2022", "jaarverslag", 2022)
    assert info.evidence["title"].source == "running header"
    assert info.evidence["title"].page is None
    assert info.municipality == "Zandvoort"


def test_the_file_name_is_no_evidence() -> None:
    doc = _doc([("Inleiding", 18.0)], filename="gemeente-zandvoort-begroting-2025.pdf")
    info = document_info(doc)
    assert (info.municipality, info.document_type, info.year, info.title) == ("", "", None, "")
    assert info.evidence == {}
