#!/usr/bin/env bash
# Installs what Steward needs beside the .NET SDK when it is missing (Debian packages): nats-server, and for the
# tests npm (the OpenAPI linter, the browser driver), Chromium (the Swagger UI test), systemd-analyze, docker-compose,
# Prometheus's own Python client (its text-format parser reads /metrics in the tests), and what the Native AOT agent is
# built with: clang and zlib (the native compiler and linker), and SQLite's static library, which is linked into it;
# for the linux-arm64 agent, cross-compiled here (scripts/publish-agents.sh), arm64's C library, zlib and SQLite from
# Debian's multiarch, the aarch64 binutils and gcc (objcopy, the C runtime's start files), and qemu-user, which runs it
# in a test.
set -euo pipefail
missing=()
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
[ "${1:-}" = "--run-only" ] || command -v npm >/dev/null 2>&1 || missing+=(npm)
[ "${1:-}" = "--run-only" ] || [ -x /usr/bin/chromium ] || missing+=(chromium)
# systemd-analyze checks the agent's unit (scripts/install-agent.sh); nothing here needs systemd running.
[ "${1:-}" = "--run-only" ] || command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
# docker-compose checks docker-compose.yml (config -q); it needs no Docker engine for that.
[ "${1:-}" = "--run-only" ] || command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
[ "${1:-}" = "--run-only" ] || command -v clang >/dev/null 2>&1 || missing+=(clang)
[ "${1:-}" = "--run-only" ] || [ -e /usr/include/zlib.h ] || missing+=(zlib1g-dev)
[ "${1:-}" = "--run-only" ] || [ -e /usr/lib/x86_64-linux-gnu/libsqlite3.a ] || missing+=(libsqlite3-dev)
[ "${1:-}" = "--run-only" ] || /usr/bin/python3 -c 'import prometheus_client.parser' >/dev/null 2>&1 || missing+=(python3-prometheus-client)
[ "${1:-}" = "--run-only" ] || [ -e /usr/lib/aarch64-linux-gnu/crt1.o ] || missing+=(libc6-dev:arm64)
[ "${1:-}" = "--run-only" ] || [ -e /usr/lib/aarch64-linux-gnu/libz.a ] || missing+=(zlib1g-dev:arm64)
[ "${1:-}" = "--run-only" ] || [ -e /usr/lib/aarch64-linux-gnu/libsqlite3.a ] || missing+=(libsqlite3-dev:arm64)
[ "${1:-}" = "--run-only" ] || command -v aarch64-linux-gnu-objcopy >/dev/null 2>&1 || missing+=(binutils-aarch64-linux-gnu)
[ "${1:-}" = "--run-only" ] || command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || missing+=(gcc-aarch64-linux-gnu)
[ "${1:-}" = "--run-only" ] || [ -x /usr/bin/qemu-aarch64-static ] || missing+=(qemu-user-static)
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [[ " ${missing[*]}" == *":arm64"* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $sudo dpkg --add-architecture arm64
fi
echo "Installing ${missing[*]} (apt-get)..."
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
