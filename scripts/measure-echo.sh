#!/usr/bin/env bash
# Wall time from POST /messages to the reply event on the SSE stream, for one echo on ship1: prints each run and the
# median. Needs a running system (./scripts/run-local.sh). Usage: scripts/measure-echo.sh [runs] [gateway-url]
# The token is $STEWARD_TOKEN, or the one run-local.sh's gateway made in var/central/api-token.
set -euo pipefail
runs="${1:-20}"
gateway="${2:-http://127.0.0.1:8080}"
token="${STEWARD_TOKEN:-$(cat var/central/api-token)}"
auth="Authorization: Bearer $token"
times=()
for i in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  id=$(curl -fs -X POST "$gateway/messages" -H "$auth" -H 'Content-Type: application/json' \
    -d '{"toNode":"ship1","method":"REQCliCommand","methodArgs":["echo","hello from ship1"]}' | grep -o '"ids":\[[0-9]*' | grep -o '[0-9]*$')
  { curl -fsN -H "$auth" "$gateway/messages/$id/events" || true; } | grep -m1 -q '^event: reply'
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  times+=("$ms")
  echo "run $i: message $id, ${ms} ms"
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
n=${#sorted[@]}
if (( n % 2 )); then median=${sorted[n/2]}; else median=$(( (sorted[n/2-1] + sorted[n/2]) / 2 )); fi
echo "median of $n: ${median} ms (min ${sorted[0]} ms, max ${sorted[n-1]} ms)"
