#!/usr/bin/env bash
# Starts a whole local Steward, secure by default: nats-server on 127.0.0.1 over TLS with one least-privilege nkey
# user per node, the gateway (node "central") on http://127.0.0.1:8080, and agents ship1 (role=web,site=north) and
# ship2 (role=db,site=south), enrolled, every message signed. All data under ./var/ (scripts/secure-setup.sh makes the keys, certificates and broker config).
# Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
NATS_PORT="${NATS_PORT:-4222}"
GATEWAY_URL="${GATEWAY_URL:-http://127.0.0.1:8080}"
BROKER="tls://127.0.0.1:${NATS_PORT}"

./scripts/install-prerequisites.sh --run-only
export PATH="$PATH:/usr/sbin"
echo "Building..."
dotnet build Steward.sln -c Release -nologo -v q -clp:ErrorsOnly
mkdir -p var
chmod 700 var
./scripts/secure-setup.sh var 127.0.0.1 "$NATS_PORT" central ship1 ship2 >/dev/null
# A node's environment from its file (never the command line, which every user of the machine can read).
with_env() { set -a; . "var/$1/steward.env"; set +a; exec "${@:2}"; }

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping Steward..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  exit 0
}
trap stop INT TERM EXIT

nats-server -c var/nats/nats-server.conf >var/nats-server.log 2>&1 &
pids+=($!)
bin=Release/net10.0
(with_env central dotnet "src/Steward.Gateway/bin/$bin/Steward.Gateway.dll" --node central --broker "$BROKER" --data ./var/central \
  --urls "$GATEWAY_URL") >var/central.log 2>&1 &
pids+=($!)
# Labels for selectors (README "Targeting a fleet"): what each agent is.
declare -A labels=([ship1]="role=web,site=north" [ship2]="role=db,site=south")
for ship in ship1 ship2; do
  (with_env "$ship" dotnet "src/Steward.Agent/bin/$bin/Steward.Agent.dll" --node "$ship" --broker "$BROKER" --data "./var/$ship" \
    --central central "--Steward:Labels=${labels[$ship]}") >"var/$ship.log" 2>&1 &
  pids+=($!)
done

for _ in $(seq 1 100); do
  curl -fs "$GATEWAY_URL/healthz" >/dev/null 2>&1 && break
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "A process exited at start; see var/*.log"; tail -n 5 var/*.log; exit 1; }; done
  sleep 0.2
done
curl -fs "$GATEWAY_URL/healthz" >/dev/null || { echo "The gateway did not become healthy; see var/central.log"; exit 1; }

cat <<MSG

Steward is running: broker $BROKER, gateway $GATEWAY_URL (dashboard: $GATEWAY_URL/, Swagger UI: $GATEWAY_URL/swagger), agents ship1 and ship2.
The operator token is in var/central/api-token. Logs: var/*.log. Data: var/<node>/. Press Ctrl-C to stop everything.

Try it (posts uptime to ship1, then follows its events until the reply is in):

  TOKEN=\$(cat var/central/api-token); curl -s -X POST $GATEWAY_URL/messages -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' -d '{"toNode":"ship1","method":"REQCliCommand","methodArgs":["bash","-c","uptime"]}' | tee /dev/stderr | grep -o '"ids":\[[0-9]*' | grep -o '[0-9]*$' | xargs -I{} curl -sN -H "Authorization: Bearer \$TOKEN" $GATEWAY_URL/messages/{}/events

MSG
wait -n "${pids[@]}" || true
echo "A Steward process exited on its own; see var/*.log"
