"""Paragraph labels from BBV questions, goal headings, inline cues and table columns."""

from __future__ import annotations

import pytest

from services.classify.core import classify
from services.classify.cues import heading_context
from tests.unit.classify_fixtures import DocBuilder


@pytest.mark.parametrize(
    ("heading", "context"),
    [
        ("Wat willen we bereiken?", "resultaat"),
        ("Wat willen wij daarmee bereiken?", "resultaat"),
        ("Wat hebben we bereikt?", "resultaat"),
        ("Wat gaan we (daarvoor) doen?", "activiteit"),
        ("Wat gaan we daarvoor doen?", "activiteit"),
        ("Wat hebben we daarvoor gedaan?", "activiteit"),
        ("Wat hebben we daarvoor gedaan in 2019?", "activiteit"),
        ("Wat hebben we daarvoor in 2017 gedaan?", "activiteit"),
        ("Wat zijn we blijven doen?", "activiteit"),
        ("Wat gaat het kosten?", "kosten"),
        ("Wat gaat het kosten ?", "kosten"),
        ("Wat heeft het gekost?", "kosten"),
        ("Wat mag het kosten?", "kosten"),
        ("Financiële toelichting", "toelichting"),
        ("Toelichting afwijkingen", "toelichting"),
        ("Stand van zaken", "toelichting"),
        ("Voortgang", "toelichting"),
    ],
)
def test_bbv_questions_and_cue_headings(heading: str, context: str) -> None:
    found = heading_context(heading)
    assert found is not None
    assert found[0] == context


def test_plain_headings_carry_no_cue() -> None:
    assert heading_context("Verbonden partijen") is None
    assert heading_context("Onze uitgangspunten") is None


def _labels(builder: DocBuilder) -> dict[str, str]:
    doc = classify(builder.build(), "test")
    return {p.text: p.label for p in doc.paragraphs}


def test_question_scope_lasts_over_subheadings_until_next_question() -> None:
    builder = (
        DocBuilder()
        .heading("Taakveld 6.3 Inkomensregelingen", size=16)
        .heading("Wat hebben we bereikt?", size=12)
        .text("Het aantal huishoudens in de bijstand is gedaald.")
        .heading("Wat hebben we daarvoor gedaan?", size=12)
        .heading("Armoedebestrijding", size=12)
        .text("We hebben de minimaregelingen verruimd.")
        .text("Een extra regeling voor kinderen.", kind="list_item")
        .heading("Wat heeft het gekost?", size=12)
        .text("In onderstaande tabel staan de lasten en baten:")
        .text("De lasten zijn hoger door meer aanvragen bijzondere bijstand.")
        .heading("Taakveld 6.4 Begeleide participatie", size=16)
        .text("De sociale werkvoorziening wordt uitgevoerd door een gemeenschappelijke regeling.")
    )
    labels = _labels(builder)
    assert labels["Het aantal huishoudens in de bijstand is gedaald."] == "resultaat"
    assert labels["We hebben de minimaregelingen verruimd."] == "activiteit"
    assert labels["Een extra regeling voor kinderen."] == "activiteit"
    assert labels["In onderstaande tabel staan de lasten en baten:"] == "overig"
    assert labels["De lasten zijn hoger door meer aanvragen bijzondere bijstand."] == "toelichting"
    text = "De sociale werkvoorziening wordt uitgevoerd door een gemeenschappelijke regeling."
    assert labels[text] == "overig"


def test_goal_heading_labels_only_the_goal_statement() -> None:
    builder = (
        DocBuilder()
        .heading("Doelstelling")
        .text("Iedereen doet mee en is financieel zelfstandig.")
        .text("Daarbij hanteren wij de volgende uitgangspunten:")
        .text("Eigen kracht eerst.", kind="list_item")
    )
    labels = _labels(builder)
    assert labels["Iedereen doet mee en is financieel zelfstandig."] == "resultaat"
    assert labels["Daarbij hanteren wij de volgende uitgangspunten:"] == "overig"


def test_inline_cues() -> None:
    builder = (
        DocBuilder()
        .heading("Wat gaan we doen?")
        .text("Resultaat: 200 extra plekken voor beschut werk.")
        .text("Stand van zaken: de aanbesteding loopt.")
    )
    labels = _labels(builder)
    assert labels["Resultaat: 200 extra plekken voor beschut werk."] == "resultaat"
    assert labels["Stand van zaken: de aanbesteding loopt."] == "toelichting"


def test_three_column_table_cells_take_their_column_label() -> None:
    builder = (
        DocBuilder()
        .heading("Hoofdactiviteit 7.01 Handhaving")
        .table(
            [
                ["Activiteit", "Resultaat", "Toelichting status"],
                ["Inzet van handhavers", "Minder fraude", "De inzet loopt volgens plan."],
            ]
        )
    )
    doc = classify(builder.build(), "test")
    cells = {p.text: (p.label, p.kind) for p in doc.paragraphs if p.kind == "table_cell"}
    assert cells == {
        "Inzet van handhavers": ("activiteit", "table_cell"),
        "Minder fraude": ("resultaat", "table_cell"),
        "De inzet loopt volgens plan.": ("toelichting", "table_cell"),
    }


def test_headings_are_not_paragraphs_and_evidence_is_given() -> None:
    builder = DocBuilder().heading("Wat hebben we bereikt?").text("De wachttijd is gehalveerd.")
    doc = classify(builder.build(), "test")
    texts = [p.text for p in doc.paragraphs]
    assert "Wat hebben we bereikt?" not in texts
    paragraph = next(p for p in doc.paragraphs if p.text == "De wachttijd is gehalveerd.")
    assert "Wat hebben we bereikt?" in paragraph.evidence
    assert 0.0 <= paragraph.confidence <= 1.0


def test_amount_with_deviation_reads_as_explanation_without_heading() -> None:
    text = "Het budget voor jeugdhulp is met € 400.000 naar beneden bijgesteld (voordeel)."
    labels = _labels(DocBuilder().text(text).text("De gemeente werkt samen in de regio."))
    assert labels[text] == "toelichting"
    assert labels["De gemeente werkt samen in de regio."] == "overig"


def test_ocr_specks_are_not_headings() -> None:
    builder = DocBuilder().heading("Wat hebben we bereikt?").text("Meer mensen aan het werk.")
    builder.heading("EC", size=30, bold=False)
    builder.blocks[-1].ocr = True
    builder.text("Minder mensen in de bijstand.")
    labels = _labels(builder)
    assert labels["Minder mensen in de bijstand."] == "resultaat"
