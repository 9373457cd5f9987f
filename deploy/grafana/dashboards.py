"""The Grafana dashboards, as code: `python -m deploy.grafana.dashboards [--check]`.

The JSON under deploy/grafana/dashboards/ is generated from this module and committed, because
Grafana provisions it straight from the folder. `--check` fails when the committed files differ
from what this module generates, so an edit to the JSON alone cannot slip through.

Panels read two kinds of series: FastStream's Prometheus middleware (per handler and topic,
with app_name="pcflow-<service>") and the domain metrics of shared/metrics.py. Rare-event
series such as retries only exist after the first event, so those queries fall back to an
explicit zero per stage: a flat line at zero says "healthy", where "No data" says nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from grafana_foundation_sdk.builders import (
    common,
    piechart,
    prometheus,
    stat,
    table,
    timeseries,
)
from grafana_foundation_sdk.builders.dashboard import Dashboard, Row, ThresholdsConfig
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common as viz
from grafana_foundation_sdk.models import piechart as pie
from grafana_foundation_sdk.models import prometheus as promql
from grafana_foundation_sdk.models.dashboard import (
    DashboardCursorSync,
    DataSourceRef,
    DataTransformerConfig,
    Threshold,
    ThresholdsMode,
)

from deploy.grafana.queries import panels

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "dashboards"

DATASOURCE = DataSourceRef(type_val="prometheus", uid="prometheus")
SERVICES = 'job=~"ingest|extract|classify|store"'
RATE = "$__rate_interval"
RANGE = "$__range"

# One zero per stage, derived from the scrape targets, so a stage without any event yet shows 0.
ZERO_PER_STAGE = (
    f'0 * sum by (stage) (label_replace(up{{{SERVICES}}}, "stage", "$1", "job", "(.+)"))'
)


def query(expr: str, legend: str = "", *, ref: str = "A", instant: bool = False) -> Any:
    target = prometheus.Dataquery().expr(expr).ref_id(ref).datasource(DATASOURCE)
    if legend:
        target = target.legend_format(legend)
    return target.instant() if instant else target.range()


def graph(title: str, unit: str, description: str, *targets: Any) -> timeseries.Panel:
    panel = (
        timeseries.Panel()
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .unit(unit)
        .min(0)
        .height(8)
        .span(12)
        .fill_opacity(10)
        .legend(
            common.VizLegendOptions()
            .display_mode(viz.LegendDisplayMode.TABLE)
            .placement(viz.LegendPlacement.BOTTOM)
            .show_legend(True)
            .calcs(["mean", "max", "lastNotNull"])
        )
    )
    for target in targets:
        panel = panel.with_target(target)
    return panel


def quantiles(metric: str, by: str, legend: str, selector: str = "") -> list[Any]:
    """p50 and p95 of a histogram, one query each, so both lines share a panel."""
    return [
        query(
            f"histogram_quantile({q}, sum by ({by}le) (rate({metric}_bucket{selector}[{RATE}])))",
            f"p{round(q * 100)} {legend}".rstrip(),
            ref=ref,
        )
        for q, ref in ((0.5, "A"), (0.95, "B"))
    ]


def thresholds(*steps: tuple[float | None, str]) -> ThresholdsConfig:
    return (
        ThresholdsConfig()
        .mode(ThresholdsMode.ABSOLUTE)
        .steps([Threshold(value=value, color=color) for value, color in steps])
    )


def pipeline() -> Dashboard:
    services_up = (
        stat.Panel()
        .title("Instances up")
        .description("Scraped instances per service; 0 means the stage is not running at all.")
        .datasource(DATASOURCE)
        .with_target(query(f"sum by (job) (up{{{SERVICES}}})", "{{job}}", instant=True))
        .thresholds(thresholds((None, "red"), (1, "green")))
        .color_mode(viz.BigValueColorMode.BACKGROUND)
        .reduce_options(common.ReduceDataOptions().calcs(["lastNotNull"]))
        .height(4)
        .span(12)
    )
    finished = (
        stat.Panel()
        .title("Documents finished")
        .description("Documents that reached a final status in the selected time range.")
        .datasource(DATASOURCE)
        .with_target(
            query(
                f"sum by (status) (increase(pcflow_documents_total[{RANGE}]))",
                "{{status}}",
                instant=True,
            )
        )
        .reduce_options(common.ReduceDataOptions().calcs(["lastNotNull"]))
        .decimals(0)
        .height(4)
        .span(12)
    )
    uploads = graph(
        "Uploads by result",
        "ops",
        "Files ingest saw: accepted, duplicates of a stored document, rejected at the door.",
        query(f"sum by (result) (rate(pcflow_uploads_total[{RATE}]))", "{{result}}"),
    )
    consumed = graph(
        "Messages consumed per stage",
        "ops",
        "Messages handled per service and topic: the pipeline's throughput per stage.",
        query(
            "sum by (app_name, handler) "
            f"(rate(faststream_received_processed_messages_total[{RATE}]))",
            "{{app_name}} ← {{handler}}",
        ),
    )
    published = graph(
        "Messages published per topic",
        "ops",
        "Events produced per service and topic, including the DLQ.",
        query(
            "sum by (app_name, destination) "
            f'(rate(faststream_published_messages_total{{status="success"}}[{RATE}]))',
            "{{app_name}} → {{destination}}",
        ),
    )
    handler_latency = graph(
        "Handler latency per stage",
        "s",
        "Time from receiving a message to finishing it, transport included.",
        *quantiles(
            "faststream_received_processed_messages_duration_seconds",
            "app_name, handler, ",
            "{{app_name}} ← {{handler}}",
        ),
    )
    core_latency = graph(
        "Core latency per stage",
        "s",
        "Time in a stage's pure core (parsing, classifying), without transport.",
        *quantiles("pcflow_stage_core_seconds", "stage, ", "{{stage}}"),
    )
    end_to_end = graph(
        "End-to-end latency",
        "s",
        "From upload accepted to document stored: what an analyst waits.",
        *quantiles("pcflow_end_to_end_seconds", "", ""),
    )
    in_flight = graph(
        "Messages in process",
        "short",
        "Messages a handler holds right now; a stage stuck on one document stays at 1.",
        query(
            "sum by (app_name, handler) (faststream_received_messages_in_process)",
            "{{app_name}} ← {{handler}}",
        ),
    )
    errors = graph(
        "Error ratio per stage",
        "percentunit",
        "Share of messages whose handler failed and was retried (nacked, rejected, error).",
        query(
            "sum by (app_name) (rate(faststream_received_processed_messages_total"
            f'{{status=~"nacked|rejected|error"}}[{RATE}]))'
            " / sum by (app_name) "
            f"(rate(faststream_received_processed_messages_total[{RATE}]))"
            " or 0 * sum by (app_name) "
            f"(rate(faststream_received_processed_messages_total[{RATE}]))",
            "{{app_name}}",
        ),
    )
    retries = graph(
        "Transient retries per stage",
        "ops",
        "Messages handed back after a transient failure (broker, database, object store).",
        query(
            f"sum by (stage) (rate(pcflow_transient_retries_total[{RATE}])) or {ZERO_PER_STAGE}",
            "{{stage}}",
        ),
    )
    dead_letters = graph(
        "Dead letters by stage and reason",
        "short",
        "Permanent failures parked in the DLQ; `pcflow dlq` shows and replays them.",
        query(
            f"sum by (stage, reason) (increase(pcflow_dlq_messages_total[{RATE}]))",
            "{{stage}}: {{reason}}",
        ),
    )
    lag = graph(
        "Consumer lag",
        "short",
        "Messages each consumer group still has to read, per topic.",
        query("sum by (group, topic) (pcflow_consumer_lag)", "{{group}} @ {{topic}}"),
    )
    return (
        Dashboard("pcflow pipeline")
        .uid("pcflow-pipeline")
        .description("Throughput, latency, errors and backlog of the four pcflow services.")
        .tags(["pcflow"])
        .time("now-6h", "now")
        .refresh("30s")
        .tooltip(DashboardCursorSync.CROSSHAIR)
        .with_row(Row("Health"))
        .with_panel(services_up)
        .with_panel(finished)
        .with_row(Row("Throughput"))
        .with_panel(uploads)
        .with_panel(consumed)
        .with_panel(published)
        .with_panel(in_flight)
        .with_row(Row("Latency"))
        .with_panel(handler_latency)
        .with_panel(core_latency)
        .with_panel(end_to_end)
        .with_row(Row("Errors and backlog"))
        .with_panel(errors)
        .with_panel(retries)
        .with_panel(dead_letters)
        .with_panel(lag)
    )


def content() -> Dashboard:
    per_municipality = (
        table.Panel()
        .title("Documents per municipality and type")
        .description("Reports classified in the selected time range.")
        .datasource(DATASOURCE)
        .with_target(
            query(
                "sum by (municipality, document_type) "
                f"(increase(pcflow_classified_documents_total[{RANGE}]))",
                instant=True,
            ).format(promql.PromQueryFormat.TABLE)
        )
        .with_transformation(
            DataTransformerConfig(
                id_val="organize",
                options={
                    "excludeByName": {"Time": True},
                    "renameByName": {
                        "municipality": "Municipality",
                        "document_type": "Document type",
                        "Value": "Documents",
                    },
                },
            )
        )
        .decimals(0)
        .height(10)
        .span(12)
    )
    label_mix = (
        piechart.Panel()
        .title("Paragraph labels")
        .description("Mix of activiteit / resultaat / toelichting / overig in the time range.")
        .datasource(DATASOURCE)
        .with_target(
            query(
                f"sum by (label) (increase(pcflow_paragraphs_total[{RANGE}]))",
                "{{label}}",
                instant=True,
            )
        )
        .pie_type(pie.PieChartType.DONUT)
        .reduce_options(common.ReduceDataOptions().calcs(["lastNotNull"]))
        .height(10)
        .span(12)
    )
    labels_over_time = graph(
        "Paragraphs classified by label",
        "ops",
        "A shift in the mix after a model or extraction change shows up here first.",
        query(f"sum by (label) (rate(pcflow_paragraphs_total[{RATE}]))", "{{label}}"),
    )
    financial = graph(
        "Financial lines",
        "ops",
        "Table rows with amounts found per second.",
        query(f"sum(rate(pcflow_financial_lines_total[{RATE}]))", "financial lines"),
    )
    checks = graph(
        "Failed arithmetic checks",
        "short",
        "Table sums that do not add up, by check: extraction errors or errors in the report.",
        query(
            f"sum by (check) (increase(pcflow_arithmetic_checks_failed_total[{RATE}]))"
            f' or 0 * sum(up{{job="classify"}})',
            "{{check}}",
        ),
    )
    ocr = graph(
        "Pages extracted and OCR pages",
        "ops",
        "Scanned pages go through Tesseract and are much slower than pages with text.",
        query(f"sum(rate(pcflow_pages_extracted_total[{RATE}]))", "pages", ref="A"),
        query(f"sum(rate(pcflow_ocr_pages_total[{RATE}]))", "OCR pages", ref="B"),
    )
    return (
        Dashboard("pcflow content")
        .uid("pcflow-content")
        .description("What the pipeline finds in the reports it processes.")
        .tags(["pcflow"])
        .time("now-7d", "now")
        .refresh("5m")
        .tooltip(DashboardCursorSync.CROSSHAIR)
        .with_row(Row("Documents"))
        .with_panel(per_municipality)
        .with_panel(label_mix)
        .with_row(Row("Content"))
        .with_panel(labels_over_time)
        .with_panel(financial)
        .with_panel(checks)
        .with_panel(ocr)
    )


DASHBOARDS = {"pipeline": pipeline, "content": content}


def render(name: str) -> str:
    """The dashboard's JSON, with panel ids numbered so links to a panel stay stable."""
    dashboard = json.loads(json.dumps(DASHBOARDS[name]().build(), cls=JSONEncoder))
    for number, panel in enumerate(panels(dashboard), start=1):
        panel["id"] = number
    return json.dumps(dashboard, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if the JSON is out of date")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    stale = []
    for name in DASHBOARDS:
        path: Path = args.out / f"{name}.json"
        text = render(name)
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    if stale:
        names = ", ".join(str(p) for p in stale)
        print(f"out of date: {names}; run python -m deploy.grafana.dashboards", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
