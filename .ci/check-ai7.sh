#!/usr/bin/env bash
# safety-breaker/ai-sdk with ai@7 under Node 24 (ai@7 needs Node >= 22; the test suite runs ai@6).
# Installs ai@7 into a temporary folder (never into the project) and runs .ci/check-ai7.mjs there
# against the built package in dist/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$root/.ci/check-ai7.mjs" "$work/"
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent ai@7 zod@4
npx -y -p node@24 -c "node --version && node check-ai7.mjs '$root/dist'"
