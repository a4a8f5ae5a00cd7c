#!/usr/bin/env bash
# Rewrites openapi.yaml from the document the gateway serves, after an intended change to the REST surface.
set -euo pipefail
cd "$(dirname "$0")/.."
STEWARD_UPDATE_OPENAPI=1 dotnet test tests/Steward.Gateway.Tests --nologo -v q --filter "FullyQualifiedName~OpenApiContractTests"
git diff --stat openapi.yaml || true
