"""Lines and words of Tesseract's hOCR output, in the pixels of the image it read.

hOCR rather than TSV because each line carries Tesseract's estimate of its type size
(`x_size`, from the whole row), where a word's box only shows which letters it has: the
paragraph analysis tells headings from body text by that size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

PixelBox = tuple[int, int, int, int]

# Classes Tesseract gives a line of text: a caption or a heading is a line all the same.
_LINE_CLASSES = frozenset({"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"})


@dataclass(slots=True)
class OcrWord:
    box: PixelBox
    text: str
    confidence: int


@dataclass(slots=True)
class OcrLine:
    box: PixelBox
    size: float
    words: list[OcrWord] = field(default_factory=list)


def _properties(title: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in title.split(";"):
        name, *values = part.split()
        if name:
            out[name] = values
    return out


def _box(props: dict[str, list[str]]) -> PixelBox | None:
    try:
        x0, y0, x1, y1 = (int(v) for v in props.get("bbox", []))
    except ValueError:
        return None
    return x0, y0, x1, y1


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[OcrLine] = []
        self._open: list[str] = []
        self._word: OcrWord | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "span":
            return
        values = dict(attrs)
        kind = values.get("class") or ""
        props = _properties(values.get("title") or "")
        box = _box(props)
        self._open.append(kind)
        if box is None:
            return
        if kind in _LINE_CLASSES:
            size = props.get("x_size", [])
            height = float(size[0]) if size else float(box[3] - box[1])
            self.lines.append(OcrLine(box, height))
        elif kind == "ocrx_word" and self.lines:
            confidence = props.get("x_wconf", ["0"])
            self._word = OcrWord(box, "", int(confidence[0]))

    def handle_data(self, data: str) -> None:
        if self._word is not None:
            self._word.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag != "span" or not self._open:
            return
        if self._open.pop() == "ocrx_word" and self._word is not None:
            self._word.text = self._word.text.strip()
            if self._word.text:
                self.lines[-1].words.append(self._word)
            self._word = None


def parse_hocr(hocr: str) -> list[OcrLine]:
    """Every line with at least one word, in Tesseract's reading order."""
    reader = _Reader()
    reader.feed(hocr)
    reader.close()
    return [line for line in reader.lines if line.words]
