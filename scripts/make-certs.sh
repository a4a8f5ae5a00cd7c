#!/usr/bin/env bash
# Makes a local CA, a server certificate and a client certificate for TLS between Steward's nodes and nats-server
# (and for the gateway's HTTPS), with openssl:
#   ./scripts/make-certs.sh [folder] [server-name[,server-name...]]     (defaults: ./var/certs, no extra name)
# The server certificate is valid for 127.0.0.1, localhost and each server-name (e.g. "nats-a,nats-b,nats-c,site1-nats"
# in docker-compose: one certificate for every server of a cluster).
# Writes ca.pem, ca-key.pem, server.pem, server-key.pem, client.pem, client-key.pem; keys are mode 0600.
# Idempotent: a file that exists is kept, so certificates already handed out stay valid.
set -euo pipefail
dir="${1:-./var/certs}"
name="${2:-}"
days=825

umask 077
mkdir -p "$dir"
chmod 0700 "$dir"
cd "$dir"

key() { [ -e "$1" ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; chmod 0600 "$1"; }

key ca-key.pem
if [ ! -e ca.pem ]; then
  openssl req -x509 -new -key ca-key.pem -sha256 -days "$days" -subj "/CN=Steward local CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
fi

# sign <name> <subject CN> <extensions>: a certificate signed by the CA, for the key <name>-key.pem.
sign() {
  [ -e "$1.pem" ] && return 0
  local ext
  ext=$(mktemp)
  printf '%s\n' "$3" >"$ext"
  openssl req -new -key "$1-key.pem" -subj "/CN=$2" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -sha256 -days "$days" \
    -extfile "$ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$ext"
}

san="IP:127.0.0.1,DNS:localhost"
for n in ${name//,/ }; do san="$san,DNS:$n"; done
cn=${name%%,*}
key server-key.pem
sign server "${cn:-localhost}" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$san"

key client-key.pem
sign client "steward-node" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"

chmod 0644 ca.pem server.pem client.pem
rm -f ca.srl
echo "Certificates in $(pwd): ca.pem, server.pem + server-key.pem (127.0.0.1, localhost${name:+, ${name//,/, }}), client.pem + client-key.pem"
