"""The lexical model: a logistic regression over words, stored as plain JSON weights.

Text without a structural cue still reads like an activity ("we hebben ... ingezet"), a result
("het aantal ... is gedaald") or an explanation ("door hogere kosten ... nadeel"). The weights
are learnt by `services.classify.train` and shipped as `model.json`, so the product needs no
pickle, no scikit-learn at run time and never reads the corpus.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

__all__ = ["LexicalModel", "features", "load_model", "tokens"]

MODEL_FILE = "model.json"
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*|\d+|[€%]")


def tokens(text: str) -> list[str]:
    """Words folded to lower case without accents, numbers reduced to their shape."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    out: list[str] = []
    for word in _WORD.findall(text):
        if word.isdigit():
            out.append("<year>" if len(word) == 4 and word[:2] in ("19", "20") else "<num>")
        else:
            out.append(word)
    return out


def features(text: str, context: str, kind: str) -> list[str]:
    """Binary features: words, word pairs, the heading context and the block kind."""
    words = tokens(text)
    feats = {f"w:{w}" for w in words}
    feats.update(f"b:{a}_{b}" for a, b in pairwise(words))
    feats.add(f"ctx:{context}")
    feats.add(f"kind:{kind}")
    feats.add(f"len:{min(len(words) // 15, 4)}")
    if text.rstrip().endswith(":"):
        feats.add("colon_end")
    return sorted(feats)


@dataclass(frozen=True)
class LexicalModel:
    classes: tuple[str, ...]
    intercepts: tuple[float, ...]
    weights: dict[str, tuple[float, ...]] = field(default_factory=dict)

    def probabilities(self, feats: list[str]) -> dict[str, float]:
        scores = list(self.intercepts)
        for feat in feats:
            row = self.weights.get(feat)
            if row is not None:
                scores = [s + w for s, w in zip(scores, row, strict=True)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    def predict(self, text: str, context: str, kind: str) -> tuple[str, float, list[str]]:
        """Label, its probability and the features that pushed it most."""
        feats = features(text, context, kind)
        probs = self.probabilities(feats)
        label = max(probs, key=lambda c: probs[c])
        index = self.classes.index(label)
        strongest = sorted(
            (f for f in feats if f in self.weights),
            key=lambda f: -self.weights[f][index],
        )[:3]
        return label, probs[label], strongest

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "logistic-regression",
            "classes": list(self.classes),
            "intercepts": [round(v, 4) for v in self.intercepts],
            "weights": {k: [round(v, 4) for v in row] for k, row in sorted(self.weights.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LexicalModel:
        return cls(
            classes=tuple(data["classes"]),
            intercepts=tuple(float(v) for v in data["intercepts"]),
            weights={k: tuple(float(v) for v in row) for k, row in data["weights"].items()},
        )


@cache
def load_model() -> LexicalModel | None:
    """The shipped model, or None when it has not been trained yet."""
    try:
        text = resources.files("services.classify").joinpath(MODEL_FILE).read_text("utf-8")
    except FileNotFoundError:
        return None
    return LexicalModel.from_json(json.loads(text))
