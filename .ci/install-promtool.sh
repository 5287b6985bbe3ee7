#!/usr/bin/env bash
# Installs promtool (Debian package "prometheus") for the metrics and alert-rule tests.
# Idempotent: does nothing when promtool is already on PATH.
set -euo pipefail
if command -v promtool >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
command -v promtool >/dev/null 2>&1 || { echo "install-promtool: promtool still missing after installing the prometheus package" >&2; exit 1; }
echo "install-promtool: $(promtool --version 2>&1 | head -1)"
