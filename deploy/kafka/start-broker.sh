#!/bin/bash
# Entrypoint of the kafka service: completes server.properties from .env, formats the KRaft
# storage on first start, writes the admin client config the healthcheck uses, runs the broker.
#
# SCRAM credentials live in the cluster metadata. The admin user is created here, at format
# time (`kafka-storage.sh format --add-scram`), because it must exist before anything can
# authenticate: every client listener requires SCRAM, so there is no listener over which
# `kafka-configs.sh --alter` could create the first user. Further users (pcflow, minio) are
# created by kafka-init with kafka-configs.sh as this admin, on every start, so that a changed
# password in .env takes effect without reformatting. The image's own start script would format
# without --add-scram and derive the config from KAFKA_* variables, hence this replacement.
#
# Changing KAFKA_ADMIN_PASSWORD later needs the old one: alter the admin's SCRAM credential with
# kafka-configs.sh first, then update .env.
set -euo pipefail

admin="${KAFKA_ADMIN_USERNAME:?}"
admin_password="${KAFKA_ADMIN_PASSWORD:?}"
store_password="${KAFKA_TLS_STORE_PASSWORD:?}"
config=/opt/kafka/config/pcflow-server.properties
client=/opt/kafka/config/admin-client.properties
login="org.apache.kafka.common.security.scram.ScramLoginModule required"

umask 077
{
  cat /etc/pcflow/kafka/server.properties
  echo "advertised.listeners=INTERNAL://kafka:9092,EXTERNAL://${KAFKA_EXTERNAL_HOST:-localhost}:19092"
  echo "super.users=User:${admin};User:ANONYMOUS"
  echo "listener.name.internal.scram-sha-512.sasl.jaas.config=${login} username=\"${admin}\" password=\"${admin_password}\";"
  echo "ssl.keystore.password=${store_password}"
  echo "ssl.key.password=${store_password}"
  echo "ssl.truststore.password=${store_password}"
} >"$config"

cat >"$client" <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=${login} username="${admin}" password="${admin_password}";
ssl.truststore.type=PEM
ssl.truststore.location=/etc/pcflow/kafka-ca/ca.crt
EOF

# --ignore-formatted makes this a no-op, credentials included, once the log dir holds a cluster.
/opt/kafka/bin/kafka-storage.sh format --ignore-formatted --config "$config" \
  --cluster-id "${CLUSTER_ID:?}" \
  --add-scram "SCRAM-SHA-512=[name=${admin},password=${admin_password}]"

exec /opt/kafka/bin/kafka-server-start.sh "$config"
