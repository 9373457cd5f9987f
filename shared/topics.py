"""Versioned topic names: the one place a topic is named, so producers and consumers agree.

A breaking change to an event gets a new `.vN` topic rather than a silent change in place.
"""

from typing import Final

UPLOADED: Final = "pcflow.documents.uploaded.v1"
EXTRACTED: Final = "pcflow.documents.extracted.v1"
CLASSIFIED: Final = "pcflow.documents.classified.v1"
STRUCTURED: Final = "pcflow.documents.structured.v1"
DLQ: Final = "pcflow.documents.dlq.v1"

ALL: Final = (UPLOADED, EXTRACTED, CLASSIFIED, STRUCTURED, DLQ)
