"""Financial lines: the rows of amount tables, with Iv3 code, column meaning and unit.

A row is a financial line when it has a label and at least one printed amount; rows that only
name a group ("Baten", "Mutaties reserves") head the lines below them. Amounts keep the printed
column order and skip blank cells, so a line reads like the printed row. Indicator and
kengetallen tables (percentages, counts) are told apart and yield no lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from services.classify.columns import ColumnMeaning, column_headers, describe_column, find_unit
from services.classify.cues import normalise
from services.classify.tuning import TableTuning
from shared.documents import Amount, FinancialLine, Table
from shared.iv3 import label_taakvelden, normalise_taakveld, taakveld_name
from shared.numbers import is_blank_amount, parse_number, restore_thousands_dot
from shared.years import is_year

__all__ = [
    "TableReading",
    "clean_ocr_table",
    "continues_table",
    "extract_lines",
    "read_table",
    "section_taakvelden",
    "with_section_taakvelden",
]

_TOTAL = re.compile(r"^(?:sub)?totaa?l|\b(?:totaal|subtotaal|saldo|resultaat|generaal)\b")
_MONEY_WORDS = re.compile(
    r"\b(?:lasten|baten|saldo|begroting|begroot|rekening|realisatie|raming|budget|mutaties?|"
    r"bedragen|uitgaven|inkomsten|primitief|gewijzigd|jaarrekening|prognose)\b|€"
)
_INDICATOR_WORDS = re.compile(
    r"\b(?:indicator(?:en)?|kengetal(?:len)?|eenheid|bron|streefwaarde|peildatum|"
    r"doelstelling|norm)\b"
)
_INDICATOR_LABEL = re.compile(
    r"%|\bpercentage\b|\baantal(?:len)?\b|\bper (?:1\.?000|10\.?000|100)\b|\bscore\b|"
    r"\bcijfer\b|\bgemiddeld|\bratio\b|\baandeel\b"
)


TableKind = Literal["financial", "indicator", "text", "other"]


@dataclass(frozen=True)
class TableReading:
    kind: TableKind
    header_rows: int
    label_columns: list[int]
    amount_columns: list[int]
    meanings: dict[int, ColumnMeaning]
    unit: float | None


_OCR_EDGE = " \t;:,.“”\"'‘’`_«»!¦/\\"
_OCR_JUNK_TOKEN = re.compile(r"^[^\w\d]*[^\W\d]{0,3}[^\w\d]*$")


def _clean_ocr_cell(cell: str) -> str:
    """Scanner and OCR debris around a cell: rule fragments, stray quotes, trailing letters."""
    text = cell.replace("|", " ").strip(_OCR_EDGE)
    tokens = [restore_thousands_dot(t.strip(_OCR_EDGE)) for t in text.split()]
    numbers = [t for t in tokens if t and (_is_amount_cell(t) or is_blank_amount(t))]
    if numbers and all(t in numbers or not t or _OCR_JUNK_TOKEN.match(t) for t in tokens):
        return " ".join(numbers)
    return text


def clean_ocr_table(table: Table) -> Table:
    """The table with OCR debris removed from its cells, for reading amounts only."""
    rows = [[_clean_ocr_cell(c) for c in row] for row in table.rows]
    return table.model_copy(update={"rows": rows})


def _is_amount_cell(cell: str) -> bool:
    parsed = parse_number(cell)
    return parsed is not None and not parsed.is_percentage


def _merged_amounts(cell: str) -> bool:
    """Amounts of rows that lost their line break, printed in one cell: "1.213 -"."""
    tokens = cell.split()
    return (
        len(tokens) > 1
        and all(is_blank_amount(t) or _is_amount_cell(t) for t in tokens)
        and any(_is_amount_cell(t) for t in tokens)
    ) or (len(tokens) > 1 and all(is_blank_amount(t) for t in tokens))


def _header_rows(table: Table) -> int:
    """The extractor's header rows, extended over leading rows that hold no amounts."""
    count = table.header_rows
    if not any(_is_amount_cell(c) and not _is_year(c) for r in table.rows for c in r[1:]):
        return count
    while count < len(table.rows):
        row = table.rows[count]
        amounts = [
            c for c in row[1:] if (_is_amount_cell(c) and not _is_year(c)) or _merged_amounts(c)
        ]
        if amounts or (
            count > 0 and row and row[0].strip() and not any(c.strip() for c in row[1:])
        ):
            break
        if not any(c.strip() for c in row):
            count += 1
            continue
        if count > 0 and not any(
            _is_year(c) or not _is_amount_cell(c) for c in row[1:] if c.strip()
        ):
            break
        count += 1
    return min(count, max(len(table.rows) - 1, 0))


def _is_year(cell: str) -> bool:
    return is_year(cell.strip())


def _repeats_header(table: Table, row: list[str], header_rows: int) -> bool:
    """A header row printed again where the table continues on the next page."""
    cells = [normalise(c) for c in row]
    return any(
        cells == [normalise(c) for c in table.rows[i]] and any(cells) for i in range(header_rows)
    )


def read_table(table: Table, context_text: str, tuning: TableTuning) -> TableReading:
    """Decide what a table is (financial, indicator, text, other) and where its amounts are."""
    rows = table.rows
    width = max((len(r) for r in rows), default=0)
    header_rows = _header_rows(table)
    body = [
        r
        for i, r in enumerate(rows)
        if i >= header_rows and not _repeats_header(table, r, header_rows)
    ]
    numeric = [0] * width
    filled = [0] * width
    percentages = 0
    amounts = 0
    odd = 0
    for row in body:
        for col, cell in enumerate(row):
            if not cell.strip() or is_blank_amount(cell):
                continue
            filled[col] += 1
            parsed = parse_number(cell)
            if parsed is None:
                numeric[col] += _merged_amounts(cell)
                continue
            numeric[col] += 1
            if parsed.is_percentage:
                percentages += 1
            elif col > 0:
                amounts += 1
    amount_columns = [
        c
        for c in range(1, width)
        if filled[c] and numeric[c] >= tuning.min_numeric_share * filled[c]
    ]
    for row in body:
        cells = [row[c] if c < len(row) else "" for c in amount_columns]
        if not any(_is_amount_cell(c) for c in cells):
            continue
        odd += sum(
            1
            for c in cells
            if c.strip()
            and not is_blank_amount(c)
            and parse_number(c) is None
            and not _merged_amounts(c)
        )
    first_amount = amount_columns[0] if amount_columns else width
    label_columns = [c for c in range(first_amount) if c not in amount_columns]
    header_text = " ".join(" ".join(r) for r in rows[:header_rows])
    norm_header = normalise(f"{table.caption} {header_text}")
    wordy_rows = [" ".join(r) for r in rows if not any(_is_amount_cell(c) for c in r[1:])]
    unit = find_unit(table.caption, header_text, context_text, *wordy_rows)
    labels = [normalise(" ".join(r[c] for c in label_columns if c < len(r))) for r in body]
    labels = [lab for lab in labels if lab]
    indicator_labels = sum(1 for lab in labels if _INDICATOR_LABEL.search(lab))
    coded = sum(1 for lab in labels if normalise_taakveld(lab) is not None)
    meanings = {
        col: describe_column(full, group)
        for col, (full, group) in enumerate(column_headers(rows, header_rows, width))
        if col in amount_columns
    }
    kind: TableKind
    if not amount_columns or not amounts:
        kind = "text" if any(filled) else "other"
    elif (
        percentages > tuning.max_percentage_share * max(amounts + percentages, 1)
        or odd > (tuning.max_odd_share_ocr if table.ocr else tuning.max_odd_share) * max(amounts, 1)
        or (labels and indicator_labels >= tuning.min_indicator_label_share * len(labels))
        or (_INDICATOR_WORDS.search(norm_header) and unit is None)
    ):
        kind = "indicator"
    elif unit is not None or _MONEY_WORDS.search(norm_header) or coded:
        kind = "financial"
    else:
        kind = "other"
    return TableReading(
        kind=kind,
        header_rows=header_rows,
        label_columns=label_columns,
        amount_columns=amount_columns,
        meanings=meanings,
        unit=unit,
    )


def _header(table: Table, header_rows: int) -> list[list[str]]:
    return [[" ".join(c.split()) for c in row] for row in table.rows[:header_rows]]


def continues_table(
    before: Table,
    before_header_rows: int,
    table: Table,
    header_rows: int,
    text_between: bool,
    tuning: TableTuning,
) -> bool:
    """Whether `table` is the rest of `before`, so a unit stated only there holds here too.

    A continuation stands on the same or the next page with the same columns, and either repeats
    the header or follows without any text in between; a table introduced by text of its own is
    a new table, whatever unit the previous one had.
    """
    if not 0 <= table.page - before.page <= tuning.continuation_pages:
        return False
    width = max((len(r) for r in table.rows), default=0)
    if width != max((len(r) for r in before.rows), default=0):
        return False
    same_header = header_rows > 0 and _header(table, header_rows) == _header(
        before, before_header_rows
    )
    return same_header or not text_between


_CODE_START = re.compile(r"(?:^|(?<=\s))\d{1,4}(?:\.\d{1,3}){0,3}\.?\s")


def _split_merged(row: list[str], reading: TableReading) -> list[list[str]]:
    """Rows that lost their line break: "6.71 X 6.72 Y" over cells "1.213 -" become two rows.

    Only split when every amount cell holds the same number of amount-or-dash tokens and the
    label holds as many taakveld numbers, so ordinary labels are never cut.
    """
    cells = [row[c] if c < len(row) else "" for c in reading.amount_columns]
    tokens = [c.split() for c in cells if c.strip()]
    if not tokens or not reading.label_columns:
        return [row]
    count = len(tokens[0])
    if count == 1 or any(len(t) != count for t in tokens):
        return [row]
    if not all(is_blank_amount(tok) or _is_amount_cell(tok) for t in tokens for tok in t):
        return [row]
    label_col = reading.label_columns[-1]
    label = row[label_col] if label_col < len(row) else ""
    starts = [m.start() for m in _CODE_START.finditer(label)]
    if len(starts) != count or starts[0] != 0:
        return [row]
    labels = [label[a:b].strip() for a, b in zip(starts, [*starts[1:], len(label)], strict=True)]
    out: list[list[str]] = []
    for index in range(count):
        new = list(row) + [""] * (max(reading.amount_columns, default=0) + 1 - len(row))
        new[label_col] = labels[index]
        for col in reading.amount_columns:
            parts = new[col].split()
            new[col] = parts[index] if len(parts) == count else new[col]
        out.append(new)
    return out


def _spread_run_together(row: list[str], reading: TableReading) -> list[str]:
    """Amounts OCR ran together into one cell go back to the empty amount cells beside it.

    A scan read "2.702.400 -64.500" as one cell and left the next one blank; when a cell holds
    k amounts and exactly the k-1 amount cells right after it (or, failing that, right before
    it) are empty, the row is read as printed. Any other pattern stays as it is.
    """
    cols = reading.amount_columns
    out = list(row) + [""] * (max(cols, default=0) + 1 - len(row))
    for index, col in enumerate(cols):
        tokens = out[col].split()
        if len(tokens) <= 1 or not _merged_amounts(out[col]):
            continue
        spare = len(tokens) - 1
        after = cols[index + 1 : index + 1 + spare]
        before = cols[max(index - spare, 0) : index]
        for targets in ([col, *after], [*before, col]):
            if len(targets) == len(tokens) and not any(out[c].strip() for c in targets if c != col):
                for target, token in zip(targets, tokens, strict=True):
                    out[target] = token
                break
    return out


def extract_lines(
    table: Table, reading: TableReading, unit: float, table_index: int, year: int | None
) -> list[FinancialLine]:
    """Every row with a label and at least one amount, in printed order, with its taakveld.

    A row's taakveld is the one its label names; a row that names none takes it from the table's
    structure the way a reader does: from the group row above it (a label without amounts, up to
    the next group, total or taakveld row) or from the taakveld row whose amount it helps make up.
    A total, or a row naming several taakvelden, is about no single taakveld of the group.
    """
    lines: list[FinancialLine] = []
    unnamed: list[bool] = []
    group: str | None = None
    rows = [
        (index, part)
        for index, printed in enumerate(table.rows)
        if index >= reading.header_rows and not _repeats_header(table, printed, reading.header_rows)
        for part in _split_merged(printed, reading)
    ]
    rows = [(index, _spread_run_together(row, reading)) for index, row in rows]
    for row_index, row in rows:
        label = " ".join(
            " ".join(row[c].split())
            for c in reading.label_columns
            if c < len(row) and row[c].strip()
        )
        amounts: list[Amount] = []
        for col in reading.amount_columns:
            cell = row[col] if col < len(row) else ""
            parsed = parse_number(cell)
            if parsed is None or parsed.is_percentage:
                continue
            meaning = reading.meanings.get(col)
            amounts.append(
                Amount(
                    printed=cell.strip(),
                    value_eur=round(parsed.value * unit, 2),
                    column=meaning.header if meaning else "",
                    measure=meaning.measure if meaning else "",
                    kind=meaning.kind if meaning else "",
                    year=meaning.year if meaning else None,
                    column_index=col,
                )
            )
        if not label:
            continue
        named = label_taakvelden(label, year)
        own = named[0] if len(named) == 1 else None
        if not amounts:
            group = own
            continue
        total = bool(_TOTAL.search(normalise(label)))
        if total or (named and own != group):
            group = None
        code = own if named or total else group
        lines.append(
            FinancialLine(
                label=label,
                taakveld=code,
                taakveld_name=taakveld_name(code),
                amounts=amounts,
                page=table.page,
                table=table_index,
                row=row_index,
                total=total,
            )
        )
        unnamed.append(not named and not total and code is None)
    return _with_subtotal_taakvelden(lines, unnamed, unit)


def _values(line: FinancialLine) -> dict[int, float]:
    return {
        a.column_index: a.value_eur
        for a in line.amounts
        if a.column_index is not None and a.value_eur is not None
    }


def _adds_up(parent: dict[int, float], parts: list[dict[int, float]], unit: float) -> bool:
    """The parts sum to the parent in every column, within the rounding of printed amounts."""
    if not any(parent.values()) or any(set(p) - set(parent) for p in parts):
        return False
    slack = unit * 0.5 * (len(parts) + 1) + 0.01
    return all(abs(sum(p.get(c, 0.0) for p in parts) - v) <= slack for c, v in parent.items())


def _with_subtotal_taakvelden(
    lines: list[FinancialLine], unnamed: list[bool], unit: float
) -> list[FinancialLine]:
    """Rows below a taakveld row that add up to it are its breakdown and share its taakveld.

    Reports print a taakveld with its amount and then the items it consists of ("6.72 ... -888"
    over "Jeugdhulp met verblijf -512" and "Ambulante jeugdhulp -316"); the sum is what tells a
    breakdown from an unrelated row that happens to follow ("Overige afwijkingen").
    """
    out = list(lines)
    for index, parent in enumerate(lines):
        if parent.taakveld is None or parent.total:
            continue
        end = index + 1
        while end < len(lines) and unnamed[end]:
            end += 1
        parts: list[dict[int, float]] = []
        for child in range(index + 1, end):
            parts.append(_values(lines[child]))
            if _adds_up(_values(parent), parts, unit):
                for covered in range(index + 1, child + 1):
                    out[covered] = lines[covered].model_copy(
                        update={"taakveld": parent.taakveld, "taakveld_name": parent.taakveld_name}
                    )
                break
    return out


# A row label refers to a section when the section's heading holds this share of its words:
# summaries shorten "Uitbreiding Housing First" to "Housing First".
SECTION_WORD_SHARE = 0.6
_WORD = re.compile(r"[^\W_]+")
_CODE_LIST_SPLIT = re.compile(r"\s*[/;]\s*|,\s*(?=\d)|\s+(?:en|of)\s+(?=\d)")
_TAAKVELD_FIELD = re.compile(r"^taakveld(?:en)?\s*:?$")
# The names of a block of fields set as a column beside the column of their values ("Taakveld
# Portefeuillehouder Karakter"): the values follow in the same order, the taakveld's first.
_FIELD_NAMES = re.compile(r"^taakveld(?:en)?(?: [^\W\d_]+){1,6}$")


def _named_in_field(value: str, year: int | None) -> tuple[str, ...]:
    """Taakvelden in the value of a "Taakveld" field, which may list several."""
    parts = (label_taakvelden(part, year) for part in _CODE_LIST_SPLIT.split(value))
    return tuple(dict.fromkeys(code for named in parts for code in named))


FIELD_PREFIX = 20


def section_taakvelden(
    texts: list[tuple[str, str]], year: int | None
) -> dict[str, tuple[str, ...]]:
    """The taakvelden each section states in a "Taakveld" field, by the section's heading.

    `texts` are (heading, text) of the paragraphs and table cells read so far; the field is a
    cell "Taakveld" beside its value, one text "Taakveld: 6.3 Inkomensregelingen", or a column
    of field names led by "Taakveld" beside the column of their values.
    """
    found: dict[str, tuple[str, ...]] = {}
    for index, (heading, text) in enumerate(texts):
        # Most texts are not a field at all: a cheap look at their start spares normalising.
        if not heading or heading in found or "aakveld" not in text[:FIELD_PREFIX].casefold():
            continue
        norm = normalise(text)
        if not norm.startswith("taakveld"):
            continue
        following = texts[index + 1] if index + 1 < len(texts) else ("", "")
        value = following[1] if following[0] == heading else ""
        if _TAAKVELD_FIELD.match(norm):
            named = _named_in_field(value, year)
        elif _FIELD_NAMES.match(norm):
            named = _named_in_field(value, year) if value[:1].isdigit() else ()
        else:
            named = _named_in_field(text, year)
        if named:
            found[heading] = named
    return found


def _words(text: str) -> set[str]:
    return set(_WORD.findall(normalise(text)))


def _section_of(label: str, headings: list[str]) -> str | None:
    """The one heading a row label refers to, if exactly one holds enough of its words."""
    words = _words(label)
    if not words:
        return None
    shares = sorted(((len(words & _words(h)) / len(words), h) for h in headings), reverse=True)
    if not shares or shares[0][0] < SECTION_WORD_SHARE:
        return None
    if len(shares) > 1 and shares[1][0] == shares[0][0]:
        return None
    return shares[0][1]


def with_section_taakvelden(
    lines: list[FinancialLine], sections: dict[str, tuple[str, ...]], year: int | None
) -> list[FinancialLine]:
    """Rows that name no taakveld but name a section of the report take that section's.

    Overviews list measures described earlier by a short title ("Housing First" for the section
    "Uitbreiding Housing First", whose field says taakveld 6.812); a reader looks the title up.
    A section that states several taakvelden gives none.
    """
    if not sections:
        return lines
    out: list[FinancialLine] = []
    for line in lines:
        section = None
        if line.taakveld is None and not line.total and not label_taakvelden(line.label, year):
            section = _section_of(line.label, list(sections))
        named = sections[section] if section is not None else ()
        if len(named) == 1:
            line = line.model_copy(
                update={"taakveld": named[0], "taakveld_name": taakveld_name(named[0])}
            )
        out.append(line)
    return out
