"""Small synthetic page models for the classify tests: body text at 10 pt, headings larger."""

from __future__ import annotations

from shared.documents import ExtractedDocument, PageInfo, Table, TextBlock

BODY = 10.0


class DocBuilder:
    def __init__(self) -> None:
        self.blocks: list[TextBlock] = []
        self.tables: list[Table] = []
        self.seq = 0
        self.page = 1

    def _next(self) -> int:
        self.seq += 1
        return self.seq

    def heading(self, text: str, size: float = 14.0, bold: bool = True) -> DocBuilder:
        self.blocks.append(
            TextBlock(seq=self._next(), page=self.page, text=text, size=size, bold=bold)
        )
        return self

    def text(self, text: str, kind: str = "text") -> DocBuilder:
        self.blocks.append(
            TextBlock(seq=self._next(), page=self.page, text=text, size=BODY, kind=kind)  # type: ignore[arg-type]
        )
        return self

    def table(
        self,
        rows: list[list[str]],
        header_rows: int = 1,
        caption: str = "",
        section_rows: list[int] | None = None,
    ) -> DocBuilder:
        self.tables.append(
            Table(
                seq=self._next(),
                page=self.page,
                rows=rows,
                header_rows=header_rows,
                caption=caption,
                section_rows=section_rows or [],
            )
        )
        return self

    def new_page(self) -> DocBuilder:
        self.page += 1
        return self

    def build(self) -> ExtractedDocument:
        filler = " ".join(["Dit is gewone lopende tekst van de rapportage."] * 8)
        body = [TextBlock(seq=10_000 + i, page=self.page, text=filler, size=BODY) for i in range(3)]
        return ExtractedDocument(
            document_id="test",
            filename="test.pdf",
            page_count=self.page,
            pages=[PageInfo(number=n, width=595, height=842) for n in range(1, self.page + 1)],
            blocks=self.blocks + body,
            tables=self.tables,
        )
