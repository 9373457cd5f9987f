"""Financial lines: unit, Iv3 code, column meaning, totals, and indicator tables kept apart."""

from __future__ import annotations

from pcflow.evaluation import evaluation_view
from services.classify.columns import column_headers, describe_column, find_unit
from services.classify.core import classify
from tests.unit.classify_fixtures import DocBuilder

TAAKVELD_TABLE = [
    ["Taakveld", "Begroting 2019", "Rekening 2019"],
    ["Baten", "", ""],
    ["6.1 Samenkracht en burgerparticipatie", "741", "801"],
    ["6.2 Wijkteams", "", ""],
    ["6.3 Inkomensregelingen", "43.374", "41.533"],
    ["Totaal baten", "44.115", "42.334"],
    ["Lasten", "", ""],
    ["6.3 Inkomensregelingen", "51.913", "49.933"],
    ["Totaal lasten", "51.913", "49.933"],
    ["Saldo 6 Sociaal domein", "-7.798", "-7.599"],
]


def _financial_doc() -> DocBuilder:
    return (
        DocBuilder()
        .heading("Jaarverslag 2019 gemeente Voorbeeld", size=20)
        .text("(bedragen x € 1.000)")
        .table(TAAKVELD_TABLE, section_rows=[1, 6])
    )


def test_lines_units_codes_and_totals() -> None:
    doc = classify(_financial_doc().build(), "test")
    lines = [
        (line.label, line.taakveld, line.amounts_eur, line.total) for line in doc.financial_lines
    ]
    assert lines == [
        ("6.1 Samenkracht en burgerparticipatie", "6.1", [741000.0, 801000.0], False),
        ("6.3 Inkomensregelingen", "6.3", [43374000.0, 41533000.0], False),
        ("Totaal baten", None, [44115000.0, 42334000.0], True),
        ("6.3 Inkomensregelingen", "6.3", [51913000.0, 49933000.0], False),
        ("Totaal lasten", None, [51913000.0, 49933000.0], True),
        ("Saldo 6 Sociaal domein", None, [-7798000.0, -7599000.0], True),
    ]
    table = doc.tables[0]
    assert table.kind == "financial"
    assert table.unit == 1000.0
    assert all(check.passed for check in table.checks), table.checks
    assert {c.name.split(":")[0] for c in table.checks} == {"total", "saldo"}
    first = doc.financial_lines[0].amounts[0]
    assert (first.kind, first.year) == ("begroting", 2019)


def test_indicator_tables_yield_no_lines() -> None:
    builder = DocBuilder().table(
        [
            ["Indicator", "Werkelijk 2018", "Begroting 2019"],
            ["% jongeren met jeugdhulp", "8,9%", "8,6%"],
            ["Aantal re-integratietrajecten", "414", "300"],
        ]
    )
    doc = classify(builder.build(), "test")
    assert doc.financial_lines == []
    assert doc.tables[0].kind == "indicator"


def test_evaluation_view() -> None:
    view = evaluation_view(classify(_financial_doc().build(), "test"))
    assert view["financial_lines"][0] == {
        "label": "6.1 Samenkracht en burgerparticipatie",
        "taakveld": "6.1",
        "amounts_eur": [741000.0, 801000.0],
        "total": False,
        "page": 1,
    }
    assert view["tables"][0]["rows"] == TAAKVELD_TABLE
    assert view["tables"][0]["page"] == 1
    assert any(p["text"] == "(bedragen x € 1.000)" for p in view["paragraphs"])


def test_units() -> None:
    assert find_unit("(bedragen x € 1.000)") == 1000.0
    assert find_unit("bedragen x €1000") == 1000.0
    assert find_unit("(bedragen € 1.000)") == 1000.0
    assert find_unit("(bedragen x 1.000)") == 1000.0
    assert find_unit("x € 1 mln") == 1_000_000.0
    assert find_unit("Bedragen in euro's") == 1.0
    assert find_unit("(bedragen in €; verschil = begroting − prognose)") == 1.0
    assert find_unit("bedragen in € x 1.000") == 1000.0
    assert find_unit("Tabel 1 (x € 1.000) ... Tabel 2 (bedragen in €)") == 1.0
    assert find_unit("De lasten stijgen met € 2 mln") is None


def test_spanning_headers() -> None:
    rows = [
        ["Subtaakveld", "Begroting 2019 gewijzigd", "", "Rekening 2019", ""],
        ["", "Baten", "Lasten", "Baten", "Lasten"],
    ]
    headers = column_headers(rows, 2, 5)
    meanings = [describe_column(full, group) for full, group in headers[1:]]
    assert [(m.measure, m.kind, m.year) for m in meanings] == [
        ("baten", "begroting", 2019),
        ("lasten", "begroting", 2019),
        ("baten", "realisatie", 2019),
        ("lasten", "realisatie", 2019),
    ]


def test_repeated_header_rows_are_skipped() -> None:
    rows = [
        ["Subtaakveld", "Baten", "Lasten", "Saldo"],
        ["6.10.1 Preventie", "", "951", "-951"],
        ["Subtaakveld", "Baten", "Lasten", "Saldo"],
        ["6.10.2 Adviesraden", "10", "18", "-8"],
        ["Totaal 6.1 Samenkracht en burgerparticipatie", "10", "969", "-959"],
    ]
    doc = classify(DocBuilder().text("x € 1.000").table(rows).build(), "test")
    assert [line.label for line in doc.financial_lines] == [
        "6.10.1 Preventie",
        "6.10.2 Adviesraden",
        "Totaal 6.1 Samenkracht en burgerparticipatie",
    ]
    assert doc.financial_lines[-1].taakveld == "6.1"
    assert all(check.passed for check in doc.tables[0].checks)


def test_rows_that_lost_their_line_break_are_split() -> None:
    rows = [
        ["Taakveld", "Begroting 2019", "Rekening 2019"],
        ["6.71 Maatwerkdienstverlening 18+ 6.72 Maatwerkdienstverlening 18-", "1.213 -", "1.564 -"],
        ["6.81 Geëscaleerde zorg 18+", "-", "1.738"],
    ]
    doc = classify(DocBuilder().text("(bedragen x € 1.000)").table(rows).build(), "test")
    lines = [(line.label, line.taakveld, line.amounts_eur) for line in doc.financial_lines]
    assert lines == [
        ("6.71 Maatwerkdienstverlening 18+", "6.71", [1213000.0, 1564000.0]),
        ("6.81 Geëscaleerde zorg 18+", "6.81", [1738000.0]),
    ]


def test_ocr_debris_around_amounts() -> None:
    rows = [
        ["Taakveld", "Begroting 2019", "Rekening 2019"],
        [": 6.1 Samenkracht en burgerparticipatie", "Ì 12.075", "11.140 ,"],
        ["6.3 Inkomensregelingen", "“51.913 | OE", "; 49.933"],
        ["6.5 Arbeidsparticipatie", "-3,885", "5.352"],
    ]
    builder = DocBuilder().text("(bedragen x € 1.000)").table(rows)
    builder.tables[-1].ocr = True
    doc = classify(builder.build(), "test")
    assert [(line.taakveld, line.amounts_eur) for line in doc.financial_lines] == [
        ("6.1", [12075000.0, 11140000.0]),
        ("6.3", [51913000.0, 49933000.0]),
        ("6.5", [-3885000.0, 5352000.0]),
    ]
    assert doc.tables[0].rows == rows


def test_amounts_run_together_go_back_to_the_empty_cells_beside_them() -> None:
    rows = [
        ["Taakveld", "Begroting 2023", "Realisatie", "Prognose 2023", "Afwijking"],
        ["6.2 Wijkteams", "2.637.900", "1.341.885", "2.702.400 -64.500", ""],
        ["6.5 Arbeidsparticipatie", "1.126.300 471.604", "", "1.048.300 78.000", ""],
        ["6.4 Begeleide participatie", "", "949.230 1.873.500", "1.873.500", "0"],
    ]
    builder = DocBuilder().text("(bedragen in €)").table(rows)
    builder.tables[-1].ocr = True
    doc = classify(builder.build(), "test")
    assert [line.amounts_eur for line in doc.financial_lines] == [
        [2637900.0, 1341885.0, 2702400.0, -64500.0],
        [1126300.0, 471604.0, 1048300.0, 78000.0],
        [949230.0, 1873500.0, 1873500.0, 0.0],
    ]


def test_text_tables_keep_their_header_rows() -> None:
    rows = [["Activiteit", "Resultaat"], ["Inzet handhavers", "Minder fraude"]]
    doc = classify(DocBuilder().table(rows).build(), "test")
    assert doc.tables[0].kind == "text"
    assert doc.tables[0].header_rows == 1


def test_wrapped_headers_are_not_spanning_cells() -> None:
    rows = [
        ["", "", "Raming", "Raming", "", ""],
        ["", "Realisatie", "2017 voor", "2017 na", "Realisatie", "Afwijking"],
        ["", "2016", "wijziging", "wijziging", "2017", "2017"],
    ]
    kinds = [describe_column(full, group).kind for full, group in column_headers(rows, 3, 6)[1:]]
    assert kinds == ["realisatie", "begroting", "begroting", "realisatie", "afwijking"]


def _lines(builder: DocBuilder) -> list[tuple[str, str | None, list[float]]]:
    doc = classify(builder.build(), "test")
    return [(line.label, line.taakveld, line.amounts_eur) for line in doc.financial_lines]


KILO_TABLE = [["Domein", "Begroting 2024"], ["Inkomensregelingen (6.3)", "17.385"]]
EURO_TABLE = [["Taakveld", "Begroting 2024"], ["6.3 Inkomensregelingen", "17.385.000"]]


def test_a_table_in_euros_does_not_inherit_the_unit_of_an_earlier_table() -> None:
    builder = (
        DocBuilder()
        .heading("Monitor sociaal domein 2024", size=20)
        .text("Tabel 1 Prognose per domein (bedragen x € 1.000)")
        .table(KILO_TABLE)
        .new_page()
        .text("Tabel 2 Prognose per taakveld (bedragen in €; negatief = tekort)")
        .table(EURO_TABLE)
    )
    assert [amounts for _, _, amounts in _lines(builder)] == [[17_385_000.0], [17_385_000.0]]


def test_a_table_introduced_by_text_of_its_own_does_not_inherit_a_unit() -> None:
    builder = (
        DocBuilder()
        .heading("Monitor sociaal domein 2024", size=20)
        .text("(bedragen x € 1.000)")
        .table(KILO_TABLE)
        .text("De tweede tabel geeft de lasten per taakveld.")
        .table(EURO_TABLE)
    )
    assert _lines(builder)[1][2] == [17_385_000.0]


def test_a_continuation_on_the_next_page_keeps_the_unit() -> None:
    rest = [["Domein", "Begroting 2024"], ["Werk en participatie (6.4 en 6.5)", "6.092"]]
    builder = (
        DocBuilder()
        .heading("Monitor sociaal domein 2024", size=20)
        .text("(bedragen x € 1.000)")
        .table(KILO_TABLE)
        .new_page()
        .table(rest)
    )
    assert _lines(builder)[1][2] == [6_092_000.0]


def test_the_rest_of_a_financial_table_on_the_next_page_is_financial_too() -> None:
    """Nothing in the rest says money (no unit, no money words, no taakveld): that it repeats
    the first part's columns after a page break is what makes it financial."""
    header = ["Voorstel", "2026", "2027"]
    builder = (
        DocBuilder()
        .heading("Kadernota 2026", size=20)
        .text("Overzicht nieuwe voorstellen (bedragen x € 1.000; negatief = nadeel)")
        .table([header, ["Jeugdhulp", "(210)", "(260)"]])
        .new_page()
        .table([header, ["Housing First", "(240)", "(240)"], ["Wijksteunpunten", "(120)", "-"]])
    )
    assert [(label, amounts) for label, _, amounts in _lines(builder)] == [
        ("Jeugdhulp", [-210_000.0, -260_000.0]),
        ("Housing First", [-240_000.0, -240_000.0]),
        ("Wijksteunpunten", [-120_000.0]),
    ]


def test_a_table_of_counts_after_a_financial_table_is_not_financial() -> None:
    builder = (
        DocBuilder()
        .heading("Kadernota 2026", size=20)
        .text("Overzicht nieuwe voorstellen (bedragen x € 1.000)")
        .table([["Voorstel", "2026", "2027"], ["Jeugdhulp", "(210)", "(260)"]])
        .new_page()
        .text("Het aantal cliënten per wijk staat hieronder.")
        .table([["Wijk", "2026", "2027"], ["Noord", "120", "130"]])
    )
    assert [label for label, _, _ in _lines(builder)] == ["Jeugdhulp"]


def test_a_group_row_governs_the_rows_below_it() -> None:
    rows = [
        ["Omschrijving", "Begroting 2022", "Rekening 2022"],
        ["Taakveld 671 Maatwerkdienstverlening 18+", "", ""],
        ["Huishoudelijke ondersteuning", "4.100", "4.250"],
        ["Begeleiding en dagbesteding", "2.900", "3.010"],
        ["Totaal 6.71", "7.000", "7.260"],
        ["Overige lasten", "120", "130"],
    ]
    builder = DocBuilder().heading("Jaarverslag 2022", size=20).table(rows)
    assert [code for _, code, _ in _lines(builder)] == ["6.71", "6.71", "6.71", None]


def test_a_group_row_without_a_taakveld_ends_the_group() -> None:
    rows = [
        ["Omschrijving", "Begroting 2022"],
        ["6.3 Inkomensregelingen", ""],
        ["Bijstand", "4.100"],
        ["Baten", ""],
        ["Rijksbijdrage", "300"],
    ]
    builder = DocBuilder().heading("Jaarverslag 2022", size=20).table(rows)
    assert [code for _, code, _ in _lines(builder)] == ["6.3", None]


def test_rows_that_add_up_to_a_taakveld_row_are_its_breakdown() -> None:
    rows = [
        ["Taakveld en oorzaak", "Incidenteel", "Structureel", "Totaal"],
        ["6.72 Maatwerkdienstverlening 18-", "-240.000", "-648.000", "-888.000"],
        ["Jeugdhulp met verblijf", "-110.000", "-402.000", "-512.000"],
        ["Ambulante jeugdhulp", "-130.000", "-246.000", "-376.000"],
        ["6.5 Arbeidsparticipatie", "78.000", "", "78.000"],
        ["Overige afwijkingen kleiner dan € 50.000", "49.600", "", "49.600"],
        ["Totaal afwijking", "-112.400", "-648.000", "-760.400"],
    ]
    builder = (
        DocBuilder().heading("Tussenrapportage 2023", size=20).text("(bedragen in €)").table(rows)
    )
    codes = [code for _, code, _ in _lines(builder)]
    assert codes == ["6.72", "6.72", "6.72", "6.5", None, None]


def test_a_row_named_only_by_its_official_name_gets_the_code() -> None:
    rows = [
        ["Taakveld", "2026", "2027"],
        ["Huishoudelijke hulp (Wmo)", "250", "400"],
        ["Beschermd wonen", "-260", "-340"],
        ["Begeleiding", "120", "200"],
        ["Totaal ombuigingen", "110", "260"],
    ]
    builder = DocBuilder().heading("Kadernota 2025", size=20).table(rows)
    assert [code for _, code, _ in _lines(builder)] == ["6.711", "6.811", None, None]


def test_a_row_takes_the_taakveld_of_the_section_it_names() -> None:
    card = [
        ["Taakveld", "6.812 Maatschappelijke- en vrouwenopvang (Wmo)"],
        ["Karakter", "Incidenteel"],
    ]
    two = [["Taakveld", "6.91 Beleid en coördinatie Wmo / 6.92 Beleid en coördinatie Jeugd"]]
    overview = [
        ["Voorstel", "2026", "2027"],
        ["Housing First", "-240", "-240"],
        ["Contractmanagement en inkoop", "-185", "-185"],
    ]
    builder = (
        DocBuilder()
        .heading("Kadernota 2025", size=20)
        .heading("Uitbreiding Housing First")
        .table(card, header_rows=0)
        .heading("Versterking contractmanagement en inkoop")
        .table(two, header_rows=0)
        .heading("Financieel overzicht")
        .text("(bedragen x € 1.000)")
        .table(overview)
    )
    assert [code for _, code, _ in _lines(builder)] == ["6.812", None]


def test_a_column_of_field_names_takes_its_taakveld_from_the_column_of_values() -> None:
    """The field block read as two texts: the names, then the values in the same order."""
    overview = [["Voorstel", "2026"], ["Housing First", "-240"], ["Wijksteunpunten", "-120"]]
    builder = (
        DocBuilder()
        .heading("Kadernota 2025", size=20)
        .heading("Uitbreiding Housing First")
        .text("Taakveld Portefeuillehouder Karakter")
        .text("6.812 Maatschappelijke- en vrouwenopvang (Wmo) Wethouder A. Jansen Incidenteel")
        .heading("Wijksteunpunten met vrije inloop")
        .text("Taakveld Portefeuillehouder")
        .text("Wethouder B. de Vries, 6.23 Toegang en eerstelijnsvoorzieningen Wmo")
        .heading("Financieel overzicht")
        .text("(bedragen x € 1.000)")
        .table(overview)
    )
    assert [code for _, code, _ in _lines(builder)] == ["6.812", None]
