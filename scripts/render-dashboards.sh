#!/usr/bin/env bash
# Renders every dashboard to docs/img/*.png from live data of a real run: DashboardsIT starts the real
# Prometheus, the sample service with the agent jar (and tokenpath-helper where it is built and this runs as
# root), drives a few minutes of changing load, checks every panel as in the test run, then runs each panel's
# query for the run's time range and has headless Chromium draw the dashboard (dashboards/src/test/resources/
# render/dashboard-renderer.js, no network). Extra arguments go to Maven, e.g. -Dtokenpath.agent.jar=PATH,
# -Dtokenpath.helper.bin=PATH, -Dtokenpath.fake.nvml.dir=DIR (see docs/dashboards.md#pictures).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if ! command -v chromium >/dev/null 2>&1; then
  echo "[render] installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
mkdir -p docs/img
mvn -B -q -ntp verify -pl dashboards -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=DashboardsIT -Dfailsafe.failIfNoSpecifiedTests=false -Dtokenpath.render.dir="$PWD/docs/img" "$@"
ls -l docs/img/token-path.png docs/img/token-path-all-jobs.png docs/img/gpu.png docs/img/kernel.png docs/img/capture.png
