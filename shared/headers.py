"""CloudEvents' Kafka binding (binary mode): event metadata in headers, the event as the body.

Consumers can route and trace on headers without parsing bodies; `ce_subject` is the
document_id, which is also the message key so one document stays on one partition.
"""

from __future__ import annotations

import uuid
from datetime import datetime

CONTENT_TYPE = "application/json"
CLAIM_CHECK_HEADER = "pcflow_claim_check"


def event_type(topic: str) -> str:
    """`pcflow.documents.uploaded.v1` -> `nl.pcflow.documents.uploaded.v1`."""
    return f"nl.{topic}"


def cloudevent_headers(*, topic: str, source: str, subject: str, time: datetime) -> dict[str, str]:
    return {
        "ce_specversion": "1.0",
        "ce_id": str(uuid.uuid4()),
        "ce_type": event_type(topic),
        "ce_source": f"/pcflow/{source}",
        "ce_time": time.isoformat(),
        "ce_subject": subject,
        "content-type": CONTENT_TYPE,
    }
