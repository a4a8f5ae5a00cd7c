#!/usr/bin/env bash
# Runs the benchmark's (b) FULL and (r) rows under runtime settings, to choose what the hosts ship with. Each setting is
# an environment variable given to the benchmark process; the gateway process of (r) inherits it (HostProcess starts it
# with the benchmark's environment). Without one, the gateway (an ASP.NET Core app) runs server GC, the benchmark
# process (the nodes of (b) and the agent of (r)) workstation GC.
# Other jobs on the machine change the figures from one minute to the next: ROUNDS=n runs every setting n times,
# taking the settings in turn, so such drift falls on all of them alike.
# Usage: [ROUNDS=n] bench/settings.sh [more benchmark arguments, e.g. --quick]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin"
dotnet build bench/Steward.Bench -c Release 2>&1 | tail -2
dll=bench/Steward.Bench/bin/Release/net10.0/Steward.Bench.dll
settings=(
  "default"
  "DOTNET_TieredPGO=0"
  "DOTNET_gcServer=1"
  "DOTNET_gcServer=0"
  "DOTNET_TieredCompilation=0"
  "DOTNET_TC_QuickJitForLoops=0"
)
declare -A rows
for round in $(seq "${ROUNDS:-1}"); do
  for setting in "${settings[@]}"; do
    echo "== round $round: $setting" >&2
    environment=()
    [[ $setting != default ]] && environment=("$setting")
    output=$(env "${environment[@]}" dotnet "$dll" --only b,r --no-write "$@")
    while IFS= read -r row; do rows[$setting]+="| $setting | $round $row"$'\n'; done \
      < <(grep -F -e '| (b) node->node ACKed, SQLite synchronous=FULL | 64 |' -e '| (r) ' <<<"$output")
  done
done
echo
echo "| setting | round | scenario | in flight | msgs/s | p50 ms | p99 ms | runs msgs/s |"
echo "|---|---:|---|---:|---:|---:|---:|---:|"
for setting in "${settings[@]}"; do printf '%s' "${rows[$setting]}"; done
