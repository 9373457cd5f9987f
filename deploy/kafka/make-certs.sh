#!/bin/bash
# One-shot PKI for Kafka's TLS listeners, safe to repeat: creates a private CA and a broker
# certificate once, and leaves existing ones alone on every later run.
#
# Two volumes keep the private material away from the clients:
#   /etc/pcflow/kafka-tls  broker only: PKCS12 keystore (key + chain) and truststore
#   /etc/pcflow/kafka-ca   everyone: ca.crt, the PEM the services, MinIO and host consumers trust
# The CA key is not kept: nothing else is ever signed with it. To re-issue (expiry, a new
# KAFKA_EXTERNAL_HOST, a new KAFKA_TLS_STORE_PASSWORD), remove both volumes and start again:
#   docker compose down && docker volume rm pcflow_kafka-tls pcflow_kafka-ca && docker compose up -d
#
# Runs as root in the apache/kafka image (for keytool) so that it can hand the broker's files to
# the image's appuser, which runs the broker.
set -euo pipefail

tls=/etc/pcflow/kafka-tls
ca=/etc/pcflow/kafka-ca
password="${KAFKA_TLS_STORE_PASSWORD:?}"
external="${KAFKA_EXTERNAL_HOST:-localhost}"

if [[ -s $tls/broker.keystore.p12 && -s $tls/broker.truststore.p12 && -s $ca/ca.crt ]]; then
  # A store the current password cannot open would only fail later, inside the broker.
  if ! keytool -list -keystore "$tls/broker.keystore.p12" -storepass "$password" >/dev/null; then
    echo "broker keystore exists but KAFKA_TLS_STORE_PASSWORD does not open it" >&2
    exit 1
  fi
  echo "Kafka TLS material exists; nothing to do"
  exit 0
fi

san="dns:kafka,dns:localhost"
if [[ $external =~ ^[0-9]+(\.[0-9]+){3}$ ]]; then
  san="$san,ip:$external"
elif [[ $external != localhost && $external != kafka ]]; then
  san="$san,dns:$external"
fi

umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
store() { keytool -storetype PKCS12 -storepass "$password" "$@"; }

store -genkeypair -keystore "$work/ca.p12" -alias ca -keyalg RSA -keysize 3072 \
  -validity 3650 -dname "CN=pcflow Kafka CA" \
  -ext bc:c=ca:true,pathlen:0 -ext ku:c=keyCertSign,cRLSign
store -exportcert -keystore "$work/ca.p12" -alias ca -rfc -file "$work/ca.crt"

store -genkeypair -keystore "$work/broker.keystore.p12" -alias kafka -keyalg RSA \
  -keysize 3072 -validity 825 -dname "CN=kafka"
store -certreq -keystore "$work/broker.keystore.p12" -alias kafka -file "$work/broker.csr"
store -gencert -keystore "$work/ca.p12" -alias ca -infile "$work/broker.csr" \
  -outfile "$work/broker.crt" -rfc -validity 825 -ext "san=$san" \
  -ext ku:c=digitalSignature,keyEncipherment -ext eku=serverAuth
# keytool accepts the signed certificate only when it can chain it to a certificate it holds.
store -importcert -keystore "$work/broker.keystore.p12" -alias ca -file "$work/ca.crt" -noprompt
store -importcert -keystore "$work/broker.keystore.p12" -alias kafka -file "$work/broker.crt" \
  -noprompt
store -importcert -keystore "$work/broker.truststore.p12" -alias ca -file "$work/ca.crt" \
  -noprompt

cp "$work/broker.keystore.p12" "$work/broker.truststore.p12" "$tls/"
chown -R appuser:appuser "$tls"
chmod 0700 "$tls"
chmod 0400 "$tls/broker.keystore.p12" "$tls/broker.truststore.p12"
chmod 0755 "$ca"
# Written last: the check at the top treats a run that died before this as not done.
cp "$work/ca.crt" "$ca/ca.crt.new"
chmod 0644 "$ca/ca.crt.new"
mv "$ca/ca.crt.new" "$ca/ca.crt"
echo "Kafka TLS material created (SAN $san)"
