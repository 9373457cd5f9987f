"""Domain metrics: what FastStream's Prometheus middleware cannot know.

Message counts, sizes and handler durations per topic come from the middleware; these add what
ops ask of the content and of documents as a whole. All live in the default registry that each
service serves on /metrics.
"""

from prometheus_client import Counter, Gauge, Histogram

from shared.errors import RetriesExhausted

DOCUMENTS = Counter("pcflow_documents_total", "Documents that reached a final status", ["status"])
UPLOADS = Counter("pcflow_uploads_total", "Files seen by ingest", ["result"])
PAGES = Counter("pcflow_pages_extracted_total", "Pages extracted")
OCR_PAGES = Counter("pcflow_ocr_pages_total", "Pages that needed OCR")
PARAGRAPHS = Counter("pcflow_paragraphs_total", "Paragraphs classified", ["label"])
FINANCIAL_LINES = Counter("pcflow_financial_lines_total", "Financial lines found")
CHECKS_FAILED = Counter(
    "pcflow_arithmetic_checks_failed_total", "Table arithmetic checks that failed", ["check"]
)
CLASSIFIED_DOCUMENTS = Counter(
    "pcflow_classified_documents_total",
    "Documents classified, by municipality and document type",
    ["municipality", "document_type"],
)
DLQ_MESSAGES = Counter("pcflow_dlq_messages_total", "Messages sent to the DLQ", ["stage", "reason"])
TRANSIENT_RETRIES = Counter(
    "pcflow_transient_retries_total", "Messages handed back for a retry", ["stage"]
)
END_TO_END = Histogram(
    "pcflow_end_to_end_seconds",
    "From upload accepted to document stored",
    buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800),
)
STAGE_CORE = Histogram(
    "pcflow_stage_core_seconds",
    "Time in a stage's pure core, without transport",
    ["stage"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
CONSUMER_LAG = Gauge(
    "pcflow_consumer_lag", "Messages not yet consumed", ["group", "topic", "partition"]
)
CIRCUIT_OPEN = Gauge(
    "pcflow_dlq_circuit_open", "1 while a stage holds back messages after a DLQ spike", ["stage"]
)


def initialise(service: str) -> None:
    """Create the labelled series a service reports with value 0 at start.

    A counter series that first appears already holding a count makes `increase()` and
    `rate()` miss that count, so at low volume dashboards would undercount and alerts misfire.
    """
    for status in ("stored", "failed"):
        DOCUMENTS.labels(status=status)
    for result in ("accepted", "duplicate", "rejected"):
        UPLOADS.labels(result=result)
    TRANSIENT_RETRIES.labels(stage=service)
    # PcflowRetriesExhausted fires on the first of these: that one must be an increase.
    DLQ_MESSAGES.labels(stage=service, reason=RetriesExhausted.reason)
    CIRCUIT_OPEN.labels(stage=service)
