#!/bin/bash
# One-shot Kafka setup, safe to repeat, run as the admin user: the SCRAM users of the services
# and of MinIO, the topics, and the ACLs that are all those users may do.
#
# Four partitions per pipeline topic bound how many instances of a stage can share the work;
# the DLQ keeps its letters for a month so that failures can still be inspected and replayed
# after a holiday.
set -euo pipefail

admin_config=$(mktemp)
trap 'rm -f "$admin_config"' EXIT
cat >"$admin_config" <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${KAFKA_ADMIN_USERNAME:?}" password="${KAFKA_ADMIN_PASSWORD:?}";
ssl.truststore.type=PEM
ssl.truststore.location=/etc/pcflow/kafka-ca/ca.crt
EOF

kafka() {
  local tool=$1
  shift
  "/opt/kafka/bin/kafka-$tool.sh" --bootstrap-server kafka:9092 --command-config "$admin_config" "$@"
}

# Upserting the credential on every run is what makes a changed password in .env take effect.
scram_user() {
  kafka configs --alter --entity-type users --entity-name "$1" \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=$2]"
}
scram_user "${KAFKA_PCFLOW_USERNAME:?}" "${KAFKA_PCFLOW_PASSWORD:?}"
scram_user "${KAFKA_MINIO_USERNAME:?}" "${KAFKA_MINIO_PASSWORD:?}"

for topic in \
  pcflow.documents.uploaded.v1 \
  pcflow.documents.extracted.v1 \
  pcflow.documents.classified.v1 \
  pcflow.documents.structured.v1; do
  kafka topics --create --if-not-exists --topic "$topic" --partitions 4 --replication-factor 1
done
kafka topics --create --if-not-exists --topic pcflow.documents.dlq.v1 --partitions 4 \
  --replication-factor 1 --config retention.ms=2592000000
kafka topics --create --if-not-exists --topic pcflow.bucket.notifications.v1 --partitions 1 \
  --replication-factor 1

# The services produce and consume the pipeline topics (Read and Write imply Describe, which
# metadata, offsets and lag need) in their own consumer groups; no idempotent or transactional
# producers, so nothing on the cluster. Adding an ACL that exists is a no-op.
kafka acls --add --allow-principal "User:$KAFKA_PCFLOW_USERNAME" \
  --operation Read --operation Write --resource-pattern-type prefixed --topic pcflow.documents.
kafka acls --add --allow-principal "User:$KAFKA_PCFLOW_USERNAME" \
  --operation Read --resource-pattern-type prefixed --group pcflow-
# MinIO only publishes bucket notifications.
kafka acls --add --allow-principal "User:$KAFKA_MINIO_USERNAME" \
  --operation Write --topic pcflow.bucket.notifications.v1

kafka topics --list
kafka acls --list
