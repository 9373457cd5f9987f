"""`pcflow show`: a stored document as a reader wants it, not as MongoDB holds it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from shared.documents import FinancialLine, Section, StructuredDocument

LABEL_STYLE = {
    "activiteit": "cyan",
    "resultaat": "green",
    "toelichting": "yellow",
    "overig": "dim",
}


def _section_tree(tree: Tree, sections: list[Section]) -> None:
    for section in sections:
        branch = tree.add(
            f"{section.title} [dim]({section.kind}, p. {section.page_start}-{section.page_end})[/]"
        )
        _section_tree(branch, section.children)


def _amount(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}".replace(",", ".")


def _financial_table(lines: list[FinancialLine]) -> Table:
    by_taakveld: dict[str, list[FinancialLine]] = defaultdict(list)
    for line in lines:
        by_taakveld[line.taakveld or "-"].append(line)
    table = Table("taakveld", "line", "amounts (EUR)", title="Financial lines")
    for taakveld in sorted(by_taakveld):
        for line in by_taakveld[taakveld]:
            amounts = "  ".join(
                f"{a.column or a.measure}: {_amount(a.value_eur)}" for a in line.amounts
            )
            name = f"{taakveld} {line.taakveld_name or ''}".strip()
            label = f"[bold]{line.label}[/]" if line.total else line.label
            table.add_row(name, label, amounts)
    return table


def render_document(console: Console, record: dict[str, Any]) -> None:
    console.print(
        f"[bold]{record.get('filename', '')}[/] {record['document_id']}\n"
        f"status [bold]{record.get('status')}[/] {record.get('reason') or ''}"
    )
    if "document" not in record:
        return
    document = StructuredDocument.model_validate(record["document"])
    info = document.info
    console.print(
        f"{info.title} | {info.municipality} | {info.document_type} {info.year or ''} | "
        f"{document.page_count} pages"
        + (f" | OCR on pages {document.ocr_pages}" if document.ocr_pages else "")
    )
    tree = Tree("Sections")
    _section_tree(tree, document.sections)
    console.print(tree)
    review = sum(p.needs_review for p in document.paragraphs)
    if review:
        console.print(f"[bold red]{review}[/] of {len(document.paragraphs)} labels need review")
    for paragraph in document.paragraphs:
        style = LABEL_STYLE[paragraph.label]
        flag = " [bold red]REVIEW[/]" if paragraph.needs_review else ""
        console.print(
            f"[{style}]{paragraph.label:<11}[/]{flag} [dim]p.{paragraph.page} "
            f"p={paragraph.confidence:.2f} {paragraph.evidence}[/]\n  {paragraph.text}"
        )
    if document.financial_lines:
        console.print(_financial_table(document.financial_lines))
    for index, table in enumerate(document.tables):
        checks = ", ".join(
            f"{check.name} {'ok' if check.passed else 'FAILED'}" for check in table.checks
        )
        console.print(f"table {index} p.{table.page} {table.kind}: {checks or 'no checks'}")
