#!/usr/bin/env bash
# The project's test command (README): installs what is missing, then builds every module and runs every test.
# Runs as root on CI (the disk-full test mounts a tmpfs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
mvn -B -q -ntp verify "$@"
# Surefire's own summary lines are quiet under -q; print the totals so the run states what it executed.
/usr/bin/python3 scripts/test-summary.py
