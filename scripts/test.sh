#!/usr/bin/env bash
# Runs every test against a real nats-server (installed when missing) and ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
./scripts/install-prerequisites.sh || { echo "0 passed, 1 failed"; exit 1; }
export PATH="$PATH:/usr/sbin"
# The OpenAPI linter and the browser driver that tests run, pinned in tools/*/package-lock.json.
for tool in tools/openapi-lint tools/browser-test; do
  npm ci --prefix "$tool" --no-audit --no-fund --loglevel=error || { echo "0 passed, 1 failed"; exit 1; }
done

# The Native AOT agents, where the tests that run them as processes look for them: linux-x64 (NativeAotAgentTests) and
# linux-arm64, cross-compiled, which QemuArm64AgentTests runs under qemu-user.
./scripts/publish-agents.sh --rid linux-x64 --rid linux-arm64 || { echo "0 passed, 1 failed"; exit 1; }

results=$(mktemp -d)
dotnet test Steward.sln --nologo --logger trx --results-directory "$results" "$@"
status=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  passed=$((passed + $(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")))
  failed=$((failed + $(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")))
done
rm -rf "$results"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi   # the build or a test host failed before any test could
echo "$passed passed, $failed failed"
exit "$status"
