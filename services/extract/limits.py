"""Resource limits for one extraction.

The defaults let a scanned report of a few dozen pages (OCR is the slow part, about a second or
two per page on one core) and a born-digital report of a thousand pages through, while a hostile
file is stopped long before it can hurt the service.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .tuning import DEFAULT, ExtractTuning


class ExtractLimits(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_bytes: int = Field(default=200 * 1024 * 1024, gt=0)
    max_pages: int = Field(default=2000, gt=0)
    cpu_seconds: int = Field(default=600, gt=0, description="CPU time of the sandbox child")
    wall_seconds: float = Field(default=900.0, gt=0, description="wall clock of the sandbox child")
    memory_mib: int = Field(default=1536, gt=0, description="address-space limit of the child")
    ocr: bool = True
    ocr_language: str = "nld"
    ocr_dpi: int = Field(default=300, ge=72, le=600)
    max_ocr_pages: int = Field(
        default=500, ge=0, description="pages beyond this many are not OCRed, with a warning"
    )
    tables: bool = True
    page_workers: int = Field(
        default=1, ge=1, description="sandbox children a long document's pages are spread over"
    )
    tuning: ExtractTuning = Field(
        default=DEFAULT, description="the analysis thresholds, sent to the children with the limits"
    )
