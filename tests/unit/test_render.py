"""`pcflow show`: what an analyst sees of a stored document's labels."""

from __future__ import annotations

from rich.console import Console

from pcflow.render import render_document
from shared.documents import Paragraph, StructuredDocument


def _paragraph(text: str, confidence: float, needs_review: bool) -> Paragraph:
    return Paragraph(
        text=text,
        label="resultaat",
        confidence=confidence,
        probabilities={"resultaat": confidence, "overig": 1 - confidence},
        needs_review=needs_review,
        evidence="heading 'Wat hebben we bereikt?'",
        page=2,
    )


def test_labels_that_need_review_are_marked_and_counted() -> None:
    document = StructuredDocument(
        document_id="d" * 64,
        pipeline_version="1",
        page_count=2,
        paragraphs=[
            _paragraph("De wachttijd is gehalveerd.", 0.95, needs_review=False),
            _paragraph("Zie bijlage 3.", 0.41, needs_review=True),
        ],
    )
    console = Console(record=True, width=200)
    record = {"document_id": document.document_id, "status": "stored"}
    render_document(console, {**record, "document": document.model_dump(mode="json")})
    lines = console.export_text().splitlines()
    assert "1 of 2 labels need review" in lines
    flagged = [line for line in lines if "REVIEW" in line]
    assert len(flagged) == 1
    assert "p=0.41" in flagged[0]
