"""The label model: a logistic regression over named features, stored as plain JSON weights.

A unit is read with its own words and the structure around it (headings and their cues, its
column, the sentence introducing its list). The weights are learnt by
`services.classify.train` and shipped as `model.json`: the product needs no pickle, no
scikit-learn at run time and never reads the corpus.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import Any

__all__ = ["LabelModel", "LinearModel", "load_model"]

MODEL_FILE = "model.json"


@dataclass(frozen=True)
class LinearModel:
    """Multinomial logistic regression over named features."""

    classes: tuple[str, ...]
    intercepts: tuple[float, ...]
    weights: dict[str, tuple[float, ...]] = field(default_factory=dict)

    def probabilities(self, feats: dict[str, float]) -> dict[str, float]:
        scores = list(self.intercepts)
        for name, value in feats.items():
            row = self.weights.get(name)
            if row is not None:
                for k, weight in enumerate(row):
                    scores[k] += weight * value
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    def strongest(self, feats: dict[str, float], label: str, count: int) -> list[str]:
        """The features that pushed `label` most above the other labels."""
        index = self.classes.index(label)
        margins = self._margins
        pushes = [
            (margins[name][index] * value, name)
            for name, value in feats.items()
            if name in margins and margins[name][index] * value > 0
        ]
        return [name for _, name in sorted(pushes, reverse=True)[:count]]

    @cached_property
    def _margins(self) -> dict[str, tuple[float, ...]]:
        """Per feature and label, its weight above the strongest other label's: computed once,
        because every paragraph's evidence asks for it."""
        return {
            name: tuple(w - max(o for j, o in enumerate(row) if j != k) for k, w in enumerate(row))
            for name, row in self.weights.items()
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "classes": list(self.classes),
            "intercepts": [round(v, 4) for v in self.intercepts],
            "weights": {k: [round(v, 4) for v in row] for k, row in sorted(self.weights.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearModel:
        return cls(
            classes=tuple(data["classes"]),
            intercepts=tuple(float(v) for v in data["intercepts"]),
            weights={k: tuple(float(v) for v in row) for k, row in data["weights"].items()},
        )


@dataclass(frozen=True)
class LabelModel:
    """The weights, the probability below which a label needs review, and their provenance."""

    units: LinearModel
    review_below: float
    training_data: str = ""
    trained_on: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "logistic-regression",
            "review_below": round(self.review_below, 4),
            "training_data_sha256": self.training_data,
            "trained_on": list(self.trained_on),
            "units": self.units.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LabelModel:
        return cls(
            units=LinearModel.from_json(data["units"]),
            review_below=float(data["review_below"]),
            training_data=str(data.get("training_data_sha256", "")),
            trained_on=tuple(data.get("trained_on", ())),
        )

    def dumps(self) -> str:
        """One feature per line, so a retrained model reviews as a readable diff."""
        data = self.to_json()
        units = data.pop("units")
        weights = units.pop("weights")
        rows = ",\n".join(
            f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v)}" for k, v in weights.items()
        )
        head = json.dumps(data, ensure_ascii=False)[1:-1]
        stage = json.dumps(units, ensure_ascii=False)[1:-1]
        return f'{{{head},\n"units": {{{stage}, "weights": {{\n{rows}\n}}}}}}\n'


@cache
def load_model() -> LabelModel:
    """The shipped model."""
    text = resources.files("services.classify").joinpath(MODEL_FILE).read_text("utf-8")
    return LabelModel.from_json(json.loads(text))
