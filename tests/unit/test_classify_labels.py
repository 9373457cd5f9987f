"""Paragraph labels from the learned model: the unit's words and the structure around it."""

from __future__ import annotations

import pytest

from services.classify.core import classify
from services.classify.cues import (
    heading_context,
    inline_context,
    list_intro_context,
    question_tense,
)
from services.classify.features import heading_features, text_features, unit_features
from services.classify.model import load_model
from services.classify.scopes import HeadingScopes, Position
from services.classify.sections import Heading
from shared.documents import Paragraph
from tests.unit.classify_fixtures import DocBuilder


@pytest.mark.parametrize(
    ("heading", "context"),
    [
        ("Wat willen we bereiken?", "resultaat"),
        ("Wat willen wij daarmee bereiken?", "resultaat"),
        ("Wat wilde de gemeente bereiken?", "resultaat"),
        ("Wat hebben we bereikt?", "resultaat"),
        ("Wat gaan we (daarvoor) doen?", "activiteit"),
        ("Wat gaan we daarvoor doen?", "activiteit"),
        ("Wat hebben we daarvoor gedaan?", "activiteit"),
        ("Wat heeft de gemeente ervoor gedaan?", "activiteit"),
        ("Wat hebben we daarvoor in 2017 gedaan?", "activiteit"),
        ("Wat zijn we blijven doen?", "activiteit"),
        ("Wat gaat het kosten?", "kosten"),
        ("Wat heeft het gekost?", "kosten"),
        ("Wat mag het kosten?", "kosten"),
        ("Financiële toelichting", "toelichting"),
        ("Toelichting afwijkingen", "toelichting"),
        ("Stand van zaken", "toelichting"),
        ("Voortgang", "toelichting"),
        ("Wat zien we?", "toelichting"),
        ("Wat is er gebeurd?", "toelichting"),
    ],
)
def test_bbv_questions_and_cue_headings(heading: str, context: str) -> None:
    found = heading_context(heading)
    assert found is not None
    assert found[0] == context


def test_plain_headings_carry_no_cue() -> None:
    assert heading_context("Aanpak eenzaamheid") is None
    assert heading_context("Wat zien wij in de wijk") is not None
    assert heading_context("Zien en gezien worden") is None


def test_standard_bbv_parts_are_overig() -> None:
    assert heading_context("Verbonden partijen") == ("overig", True)
    assert heading_context("Kengetallen") == ("overig", True)
    assert heading_context("Onze uitgangspunten") == ("overig", True)


def test_question_tense_tells_a_plan_from_an_account() -> None:
    assert question_tense("Wat gaan we daarvoor doen?") == "future"
    assert question_tense("Wat hebben we daarvoor gedaan in 2019?") == "past"
    assert question_tense("Wat wilde de gemeente bereiken?") == "past"


def test_inline_question_and_prefix_are_cues() -> None:
    assert inline_context("Wat gaan we doen? Wij breiden de inzet uit.") == "activiteit"
    assert inline_context("Resultaat: 200 extra plekken.") == "resultaat"
    assert inline_context("Wat gaan we doen?") is None


def _heading(text: str, level: int, seq: int) -> Heading:
    return Heading(seq=seq, page=1, text=text, level=level, kind="section", number="")


def test_a_cue_ends_at_the_next_heading_of_its_level() -> None:
    scopes = HeadingScopes()
    scopes.enter(_heading("Programma 3 Zorg", 1, 1))
    scopes.enter(_heading("Wat hebben we bereikt?", 2, 2))
    assert scopes.position().cue == "resultaat"
    scopes.enter(_heading("Inkomen", 3, 3))
    under = scopes.position()
    assert (under.cue, under.cue_depth) == ("resultaat", 1)
    scopes.enter(_heading("Ontwikkelingen", 2, 4))
    after = scopes.position()
    assert after.cue is None
    assert after.after_cue == "resultaat"
    scopes.enter(_heading("Programma 4 Wonen", 1, 5))
    assert scopes.position() == Position(heading="Programma 4 Wonen")


def test_topic_headings_after_a_question_carry_its_cue() -> None:
    scopes = HeadingScopes()
    scopes.enter(_heading("Taakveld 6.1 Samenkracht", 2, 1))
    scopes.enter(_heading("Wat hebben we daarvoor gedaan?", 3, 2))
    scopes.enter(_heading("Aanpak eenzaamheid", 3, 3))
    feats = heading_features(scopes.position())
    assert feats["cue:activiteit"] == 1.0
    assert "cue:none" not in feats
    scopes.enter(_heading("Verbonden partijen", 3, 4))
    assert "cue:activiteit" not in heading_features(scopes.position())


def test_a_paragraph_opening_a_list_shares_the_cue_of_its_items() -> None:
    intro = "De inzet leidde in 2022 tot de volgende resultaten:"
    feats = unit_features(intro, "paragraph", Position(cue="activiteit"), None, "", "")
    assert feats["list_of:resultaat"] == 1.0
    assert "cue:activiteit" not in feats


def _paragraphs(builder: DocBuilder) -> dict[str, Paragraph]:
    return {p.text: p for p in classify(builder.build(), "test").paragraphs}


MEASURE = (
    "Wij zetten in 2025 extra schuldhulpmaatjes in en organiseren samen met de "
    "woningcorporaties een pilot vroegsignalering."
)
CAUSE = (
    "De lasten zijn € 250.000 hoger dan begroot doordat meer inwoners een beroep deden op de "
    "bijzondere bijstand (nadeel)."
)


def test_a_clear_measure_is_an_activity_under_a_neutral_heading() -> None:
    builder = DocBuilder().heading("Armoedebestrijding", size=12).text(MEASURE)
    paragraph = _paragraphs(builder)[MEASURE]
    assert paragraph.label == "activiteit"
    assert "measure vocabulary" in paragraph.evidence


def test_an_explained_deviation_is_toelichting_without_any_heading() -> None:
    assert _paragraphs(DocBuilder().text(CAUSE))[CAUSE].label == "toelichting"


def test_the_heading_weighs_on_neutral_text_and_its_scope_ends() -> None:
    text = "Het aantal huishoudens in de bijstand is gedaald."
    builder = (
        DocBuilder()
        .heading("Taakveld 6.3 Inkomensregelingen", size=16)
        .heading("Wat hebben we bereikt?", size=12)
        .text(text)
        .heading("Taakveld 6.4 Begeleide participatie", size=16)
        .text("De gemeente werkt samen met de voedselbank.")
    )
    paragraphs = _paragraphs(builder)
    assert paragraphs[text].label == "resultaat"
    assert "Wat hebben we bereikt?" in paragraphs[text].evidence
    after = paragraphs["De gemeente werkt samen met de voedselbank."]
    assert "Wat hebben we bereikt?" not in after.evidence


def test_a_topic_after_an_activity_question_is_activiteit() -> None:
    text = (
        "In 2019 hebben wij samen met de bibliotheek ontmoetingsplekken ingericht en "
        "vrijwilligers getraind."
    )
    builder = (
        DocBuilder()
        .heading("Taakveld 6.1 Samenkracht", size=16)
        .heading("Wat hebben we daarvoor gedaan in 2019?", size=12)
        .heading("Aanpak eenzaamheid", size=12)
        .text(text)
    )
    paragraph = _paragraphs(builder)[text]
    assert paragraph.label == "activiteit"
    assert "follows a 'activiteit' heading" in paragraph.evidence


def test_a_list_of_causes_is_toelichting_under_an_activity_question() -> None:
    causes = [
        "de energietoeslag de acute geldzorgen van veel huishoudens verlichtte;",
        "inwoners vaker zelf een betalingsregeling troffen.",
    ]
    builder = (
        DocBuilder()
        .heading("Wat hebben we daarvoor gedaan?", size=12)
        .text(
            "Het aantal aanmeldingen voor schuldhulp bleef achter bij de raming. Dit kwam doordat:"
        )
    )
    for cause in causes:
        builder.text(cause, kind="list_item")
    paragraphs = _paragraphs(builder)
    for cause in causes:
        assert paragraphs[cause].label == "toelichting"
        assert "introducing the list" in paragraphs[cause].evidence


@pytest.mark.parametrize(
    ("intro", "context"),
    [
        ("Dit kwam doordat:", "toelichting"),
        ("Het nadeel is als volgt opgebouwd:", "toelichting"),
        ("De inzet leidde in 2022 tot de volgende resultaten:", "resultaat"),
        ("Verder heeft de gemeente in 2022:", "activiteit"),
        ("In de komende maanden zetten wij de volgende stappen:", "activiteit"),
        ("Voor de ramingen gelden de volgende uitgangspunten:", "overig"),
        ("Per onderdeel waren de belangrijkste ontwikkelingen:", None),
        ("Dit kwam doordat de vraag steeg.", None),
    ],
)
def test_list_introductions_say_what_the_items_are(intro: str, context: str | None) -> None:
    assert list_intro_context(intro) == context


def test_table_cells_take_their_column() -> None:
    builder = (
        DocBuilder()
        .heading("Hoofdactiviteit 7.01 Handhaving")
        .table(
            [
                ["Activiteit", "Resultaat", "Toelichting"],
                ["Inzet van handhavers", "Minder fraude", "Handhaving"],
            ]
        )
    )
    paragraphs = _paragraphs(builder)
    assert paragraphs["Inzet van handhavers"].label == "activiteit"
    assert paragraphs["Minder fraude"].label == "resultaat"
    assert "column 'Resultaat'" in paragraphs["Minder fraude"].evidence
    assert {p.kind for p in paragraphs.values() if p.text != "Handhaving"} >= {"table_cell"}


def test_every_label_has_a_probability_and_unsure_ones_need_review() -> None:
    builder = DocBuilder().heading("Wat hebben we bereikt?").text("De wachttijd is gehalveerd.")
    builder.text("Zie bijlage.")
    paragraphs = _paragraphs(builder)
    review_below = load_model().review_below
    for paragraph in paragraphs.values():
        assert set(paragraph.probabilities) == {
            "activiteit",
            "resultaat",
            "toelichting",
            "overig",
        }
        assert sum(paragraph.probabilities.values()) == pytest.approx(1.0, abs=1e-3)
        assert paragraph.confidence == max(paragraph.probabilities.values())
        assert paragraph.needs_review == (paragraph.confidence < review_below)
    assert "Wat hebben we bereikt?" not in paragraphs


def test_ocr_specks_are_not_headings() -> None:
    builder = DocBuilder().heading("Wat hebben we bereikt?").text("Meer mensen aan het werk.")
    builder.heading("EC", size=30, bold=False)
    builder.blocks[-1].ocr = True
    builder.text("Minder mensen in de bijstand.")
    paragraphs = _paragraphs(builder)
    assert paragraphs["Minder mensen in de bijstand."].label == "resultaat"


def test_a_text_run_of_megabytes_reads_as_one_long_token() -> None:
    feats = text_features("x" * 2_000_000)
    assert feats["w:<long>"] == 1.0
    assert not any(name.startswith("w:x") for name in feats)
