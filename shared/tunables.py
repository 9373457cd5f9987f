"""What the tuning objects of extract and classify are made of.

A tuning object is a frozen model; each field's type names its bounds and the docstring under
it gives its reason (pydantic turns that into the field's description). The bounds are named
once here, so a threshold's type says which values make sense (a share lies within 0..1, a
grey level within 0..255) and a wrong `pcflow eval --set` is refused with the bound it breaks.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AtLeastOne",
    "Count",
    "GreyLevel",
    "NonNegative",
    "Positive",
    "PositiveShare",
    "Share",
    "Tuning",
]


class Tuning(BaseModel):
    """Frozen, and strict about names: a misspelt override must not pass unnoticed."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Share = Annotated[float, Field(ge=0, le=1)]
PositiveShare = Annotated[float, Field(gt=0, le=1)]
AtLeastOne = Annotated[int, Field(ge=1)]
Count = Annotated[int, Field(ge=0)]
GreyLevel = Annotated[int, Field(ge=0, le=255)]
