#!/bin/bash
# One-shot topic setup, safe to repeat. Four partitions per pipeline topic bound how many
# instances of a stage can share the work; the DLQ keeps its letters for a month so that
# failures can still be inspected and replayed after a holiday.
set -euo pipefail

kafka_topics() {
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server kafka:9092 "$@"
}

for topic in \
  pcflow.documents.uploaded.v1 \
  pcflow.documents.extracted.v1 \
  pcflow.documents.classified.v1 \
  pcflow.documents.structured.v1; do
  kafka_topics --create --if-not-exists --topic "$topic" --partitions 4 --replication-factor 1
done
kafka_topics --create --if-not-exists --topic pcflow.documents.dlq.v1 --partitions 4 \
  --replication-factor 1 --config retention.ms=2592000000
kafka_topics --create --if-not-exists --topic pcflow.bucket.notifications.v1 --partitions 1 \
  --replication-factor 1
kafka_topics --list
