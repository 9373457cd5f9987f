"""Every threshold the extract core decides by, with its default and the reason for it.

One frozen model per concern, grouped in `ExtractTuning`. It travels inside `ExtractLimits`
(`limits.tuning`), so the sandbox children receive it with the limits, and `analyse_pages` and
`assemble` hand each part to the code that owns the decision. Distances are in PDF points
(1/72 inch) unless a name says otherwise. A changed value is tried with
`pcflow eval --set grids.tolerance_pt=2.5` on the dev corpus.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DEFAULT", "ExtractTuning", "GridTuning"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GridTuning(_Frozen):
    """Ruling lines and the table grids they form (`grid.py`)."""

    tolerance_pt: float = Field(
        2.0, ge=0, description="rules this close meet, and shorter strokes are no rule"
    )
    min_band_pt: float = Field(
        3.0, ge=0, description="rules closer than this are one (a double or skewed rule)"
    )
    background_share: float = Field(
        0.9,
        gt=0,
        le=1,
        description="a rectangle this large in both directions is the page background",
    )
    max_rule_thickness_pt: float = Field(
        3.0, ge=0, description="a filled rectangle this thin is a rule, not a cell"
    )
    min_vertical_cover: float = Field(
        0.6, gt=0, le=1, description="share of a row band a vertical rule covers to split cells"
    )
    min_width_pt: float = Field(20.0, ge=0, description="narrower grids are boxes or underlines")
    min_height_pt: float = Field(8.0, ge=0, description="lower grids are double underlines")


class ExtractTuning(_Frozen):
    """All extract thresholds; the names are the first part of a `pcflow eval --set` path."""

    grids: GridTuning = GridTuning()


DEFAULT = ExtractTuning()
