"""The evaluation view of a structured document, as the corpus scorer reads it.

It is deliberately lossy: paragraphs with their labels in reading order, financial lines with
amounts in euros in printed column order, and every table with its cells as printed.
"""

from __future__ import annotations

from typing import Any

from shared.documents import StructuredDocument

__all__ = ["evaluation_view"]


def evaluation_view(doc: StructuredDocument) -> dict[str, Any]:
    return {
        "document_id": doc.document_id,
        "info": doc.info.model_dump(),
        "paragraphs": [
            {"text": p.text, "label": p.label, "kind": p.kind, "page": p.page}
            for p in doc.paragraphs
        ],
        "financial_lines": [
            {
                "label": line.label,
                "taakveld": line.taakveld,
                "amounts_eur": line.amounts_eur,
                "total": line.total,
                "page": line.page,
            }
            for line in doc.financial_lines
        ],
        "tables": [
            {"page": t.page, "kind": t.kind, "unit": t.unit, "rows": t.rows} for t in doc.tables
        ],
    }
