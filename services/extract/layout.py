"""Light-weight geometry records used while a page is being analysed.

They live only inside one extraction; the published page model is in shared/documents.py.
A long document's page analyses travel between sandbox children as pickles: the records
reduce to their constructor arguments, which halves the time that takes against the default
pickling of slotted dataclasses (tens of thousands of words per hundred pages).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.documents import BBox


@dataclass(slots=True, frozen=True)
class Span:
    """A run of text in one font: the typography headings and list items are read from."""

    text: str
    font: str = ""
    size: float = 0.0
    bold: bool = False
    italic: bool = False
    bbox: BBox = (0.0, 0.0, 0.0, 0.0)

    def __reduce__(self) -> tuple[type[Span], tuple[object, ...]]:
        return (Span, (self.text, self.font, self.size, self.bold, self.italic, self.bbox))


@dataclass(slots=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    bold: bool = False
    italic: bool = False
    size: float = 0.0

    def __reduce__(self) -> tuple[type[Word], tuple[object, ...]]:
        return (
            Word,
            (self.x0, self.y0, self.x1, self.y1, self.text, self.bold, self.italic, self.size),
        )

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(slots=True)
class Line:
    """One visual line: spans on a common baseline that belong together."""

    x0: float
    y0: float
    x1: float
    y1: float
    spans: list[Span]
    words: list[Word] = field(default_factory=list)
    page: int = 0
    ocr: bool = False
    region: int = 0

    def __reduce__(self) -> tuple[type[Line], tuple[object, ...]]:
        fields = (self.x0, self.y0, self.x1, self.y1, self.spans, self.words)
        return (Line, (*fields, self.page, self.ocr, self.region))

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans).strip()

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.y0, self.x1, self.y1)

    @property
    def size(self) -> float:
        return dominant_span(self.spans).size

    @property
    def bold(self) -> bool:
        return dominant_span(self.spans).bold

    @property
    def italic(self) -> bool:
        return dominant_span(self.spans).italic

    @property
    def font(self) -> str:
        return dominant_span(self.spans).font


def dominant_span(spans: list[Span]) -> Span:
    """The span that carries most of the visible characters: it stands for the line's style."""
    best = spans[0]
    best_len = -1
    for span in spans:
        n = len(span.text.strip())
        if n > best_len:
            best, best_len = span, n
    return best


def union(boxes: list[BBox]) -> BBox:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def overlap_1d(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def inside(x: float, y: float, box: BBox, pad: float = 0.0) -> bool:
    x0, y0, x1, y1 = box
    return x0 - pad <= x <= x1 + pad and y0 - pad <= y <= y1 + pad
