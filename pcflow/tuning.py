"""`pcflow eval --set PATH=VALUE`: the extract and classify tuning with some values changed.

A path names a concern of either stage and a field in it (`tables.min_numeric_share`,
`grids.tolerance_pt`); the concern names of the two stages differ, so the path alone tells the
stage. Values are read as the field's type and checked against its bounds, so a sweep fails at
once on a typo instead of running with the default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from services.classify.tuning import ClassifyTuning
from services.extract.tuning import ExtractTuning

__all__ = ["Tuning", "TuningError", "tuning_with"]


class TuningError(ValueError):
    """An override names no setting or gives it a value of the wrong type."""


@dataclass(frozen=True)
class Tuning:
    extract: ExtractTuning = field(default_factory=ExtractTuning)
    classify: ClassifyTuning = field(default_factory=ClassifyTuning)


def _names(model: type[BaseModel]) -> str:
    return ", ".join(sorted(model.model_fields))


def _path(stages: dict[str, BaseModel], path: str) -> tuple[str, list[str]]:
    """The stage a dotted path belongs to and its parts, each checked to name a field."""
    parts = path.split(".")
    stage = next((s for s, tuning in stages.items() if parts[0] in type(tuning).model_fields), None)
    if stage is None:
        known = ", ".join(_names(type(t)) for t in stages.values())
        raise TuningError(f"unknown setting {path!r}: it starts with none of {known}")
    model: type[BaseModel] = type(stages[stage])
    for depth, part in enumerate(parts):
        if part not in model.model_fields:
            where = ".".join(parts[:depth])
            raise TuningError(f"unknown setting {path!r}: {where} has {_names(model)}")
        annotation = model.model_fields[part].annotation
        last = depth == len(parts) - 1
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            if not last:
                where = ".".join(parts[: depth + 1])
                raise TuningError(f"unknown setting {path!r}: {where} is one setting")
            break
        if last:
            raise TuningError(f"{path!r} names a group of settings, not one setting")
        model = annotation
    return stage, parts


def tuning_with(assignments: list[str]) -> Tuning:
    """The default tuning with each `path=value` of `assignments` applied."""
    base = Tuning()
    stages: dict[str, BaseModel] = {"extract": base.extract, "classify": base.classify}
    values: dict[str, dict[str, Any]] = {stage: t.model_dump() for stage, t in stages.items()}
    for assignment in assignments:
        path, equals, value = assignment.partition("=")
        if not equals:
            raise TuningError(f"{assignment!r} is not PATH=VALUE")
        stage, parts = _path(stages, path.strip())
        target = values[stage]
        for part in parts[:-1]:
            target = target[part]
        target[parts[-1]] = value.strip()
    try:
        return Tuning(
            extract=ExtractTuning.model_validate(values["extract"]),
            classify=ClassifyTuning.model_validate(values["classify"]),
        )
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']} (got {e['input']!r})"
            for e in error.errors()
        )
        raise TuningError(problems) from None
