#!/usr/bin/env bash
# Installs what Steward needs beside the .NET SDK when it is missing: nats-server (Debian package).
set -euo pipefail
if command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ]; then exit 0; fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing nats-server (apt-get)..."
$sudo apt-get update -qq
$sudo apt-get install -y -qq nats-server >/dev/null
