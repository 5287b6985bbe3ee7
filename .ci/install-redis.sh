#!/usr/bin/env bash
# Installs redis-server (Debian package "redis-server") for the shared-store tests, which start
# their own servers on free ports. Idempotent: does nothing when redis-server is already on PATH.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# --no-install-recommends: the binary only; no service is started or enabled for the tests.
$SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
command -v redis-server >/dev/null 2>&1 || { echo "install-redis: redis-server still missing after installing the package" >&2; exit 1; }
echo "install-redis: $(redis-server --version)"
