"""Series an alert depends on exist from a service's start."""

from __future__ import annotations

from prometheus_client import REGISTRY

from shared import metrics


def test_a_stage_reports_zero_exhausted_retries_from_its_start() -> None:
    """PcflowRetriesExhausted uses increase(): a series born at 1 would hide the first letter."""
    stage = "a-stage-no-other-test-starts"
    labels = {"stage": stage, "reason": "retries_exhausted"}
    assert REGISTRY.get_sample_value("pcflow_dlq_messages_total", labels) is None
    metrics.initialise(stage)
    assert REGISTRY.get_sample_value("pcflow_dlq_messages_total", labels) == 0.0
