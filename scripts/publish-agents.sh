#!/usr/bin/env bash
# Builds the agent for every platform Steward serves into artifacts/agent-<rid>/ and writes artifacts/SHA256SUMS.
set -euo pipefail
cd "$(dirname "$0")/.."

all_rids=(linux-x64 linux-arm64 osx-arm64 win-x64)

usage() {
  cat <<'EOF'
Usage: scripts/publish-agents.sh [--rid RID]... [--telemetry]

Builds the agent into artifacts/agent-<RID>/, one self-contained file per platform, and writes
artifacts/SHA256SUMS (sha256sum format, over every artifacts/agent-*/ file; check with
`cd artifacts && sha256sum -c SHA256SUMS`). Without --rid it builds all of them:

  linux-x64    Native AOT (SQLite linked in, libsodium embedded)
  linux-arm64  Native AOT, cross-compiled (Debian's arm64 multiarch libraries, the aarch64 binutils)
  osx-arm64    trimmed self-contained single file (Native AOT cannot link for macOS on Linux)
  win-x64      trimmed self-contained single file (Native AOT cannot link for Windows on Linux)

--telemetry also puts the exporters of Steward:MetricsPort and Steward:OtlpEndpoint into the Native AOT
agents (about 2 MB more of file and of idle memory; without it such an agent refuses those settings at start).
The other two always have them.

./scripts/install-prerequisites.sh installs what the Linux builds need.
EOF
}

rids=()
telemetry=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rid) [ $# -ge 2 ] || { echo "--rid needs a value (${all_rids[*]})" >&2; exit 2; }; rids+=("$2"); shift 2 ;;
    --telemetry) telemetry=(-p:StewardTelemetry=true); shift ;;
    --help | -h) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ ${#rids[@]} -gt 0 ] || rids=("${all_rids[@]}")

# Every prerequisite of every asked-for RID is checked before anything is built: one message naming all that is missing.
missing=()
need() { [ -e "$1" ] || command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need dotnet "the .NET SDK (dotnet)"
for rid in "${rids[@]}"; do
  case "$rid" in
    linux-x64)
      need clang "clang (for $rid)"
      need /usr/include/zlib.h "zlib1g-dev (for $rid)"
      need /usr/lib/x86_64-linux-gnu/libsqlite3.a "libsqlite3-dev (for $rid)" ;;
    linux-arm64)
      need clang "clang (for $rid)"
      need /usr/lib/aarch64-linux-gnu/crt1.o "libc6-dev:arm64 (for $rid)"
      need /usr/lib/aarch64-linux-gnu/libz.a "zlib1g-dev:arm64 (for $rid)"
      need /usr/lib/aarch64-linux-gnu/libsqlite3.a "libsqlite3-dev:arm64 (for $rid)"
      need aarch64-linux-gnu-objcopy "binutils-aarch64-linux-gnu (for $rid)"
      need aarch64-linux-gnu-gcc "gcc-aarch64-linux-gnu (for $rid)" ;;
    osx-arm64 | win-x64) ;;
    *) echo "unknown RID: $rid (one of ${all_rids[*]})" >&2; exit 2 ;;
  esac
done
if [ ${#missing[@]} -gt 0 ]; then
  printf 'missing prerequisites (./scripts/install-prerequisites.sh installs them):\n' >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 1
fi

for rid in "${rids[@]}"; do
  out="artifacts/agent-$rid"
  case "$rid" in
    linux-*) mode="Native AOT"; flags=("${telemetry[@]}") ;;
    *) mode="trimmed single file"
       flags=(-p:PublishAot=false -p:PublishSingleFile=true -p:SelfContained=true -p:PublishTrimmed=true -p:IncludeNativeLibrariesForSelfExtract=true) ;;
  esac
  rm -rf "$out"
  started=$SECONDS
  dotnet publish src/Steward.Agent -c Release -r "$rid" "${flags[@]}" -o "$out" --nologo -v quiet \
    || { echo "publishing $rid failed" >&2; exit 1; }
  binary="$out/Steward.Agent"
  [ "$rid" = win-x64 ] && binary="$out/Steward.Agent.exe"
  echo "$rid: $binary ($mode, $(stat -c %s "$binary") bytes, $((SECONDS - started)) s)"
done

(cd artifacts && find agent-* -type f | sort | xargs sha256sum > SHA256SUMS)
echo "artifacts/SHA256SUMS: $(wc -l < artifacts/SHA256SUMS) files"
