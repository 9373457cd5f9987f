#!/bin/sh
# One-shot MinIO setup, safe to repeat: buckets, the least-privilege users of the services and
# of the web server, and the upload bucket's notifications to Kafka (the target itself is
# defined on the minio service).
set -eu

mc alias set pcflow http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
mc mb --ignore-existing pcflow/pcflow-uploads pcflow/pcflow-objects

mc admin policy create pcflow pcflow-services /etc/pcflow/pcflow-policy.json
mc admin user add pcflow "$MINIO_PCFLOW_ACCESS_KEY" "$MINIO_PCFLOW_SECRET_KEY"
case "$(mc admin user info pcflow "$MINIO_PCFLOW_ACCESS_KEY")" in
  *pcflow-services*) ;;
  *) mc admin policy attach pcflow pcflow-services --user "$MINIO_PCFLOW_ACCESS_KEY" ;;
esac

# The web server: puts uploads into the upload bucket, reads source PDFs and large documents.
mc admin policy create pcflow pcflow-web /etc/pcflow/pcflow-web-policy.json
mc admin user add pcflow "$MINIO_WEB_ACCESS_KEY" "$MINIO_WEB_SECRET_KEY"
case "$(mc admin user info pcflow "$MINIO_WEB_ACCESS_KEY")" in
  *pcflow-web*) ;;
  *) mc admin policy attach pcflow pcflow-web --user "$MINIO_WEB_ACCESS_KEY" ;;
esac

mc event add --ignore-existing pcflow/pcflow-uploads arn:minio:sqs::pcflow:kafka --event put
mc event list pcflow/pcflow-uploads
