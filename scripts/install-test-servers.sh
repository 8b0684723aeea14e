#!/usr/bin/env bash
# Installs the real servers that the integration tests start (Debian packages):
#   influxdb          -> influxd (InfluxDB 1.x, the v1 /write + InfluxQL server)
#   victoria-metrics  -> victoria-metrics (accepts the InfluxDB v2 write API)
# Does nothing when both are already on PATH. Needs root (or sudo) to install.
set -euo pipefail
missing=()
command -v influxd >/dev/null 2>&1 || missing+=(influxdb)
command -v victoria-metrics >/dev/null 2>&1 || missing+=(victoria-metrics)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing Debian packages for the test servers: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "not root and no sudo: install ${missing[*]} with apt-get as root, then run the tests again" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y --no-install-recommends "${missing[@]}"
# The packages register system services; the tests start their own servers on
# free loopback ports, so the system ones are not needed (and may not start here).
