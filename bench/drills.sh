#!/usr/bin/env bash
# The fault drills, longer and bigger than in the test suite: 10 hotels × 4 guests, the worker
# SIGKILLed 10 times, the store down 60 s, Temporal down 45 s, then the IMAP-drop and webhook-flood
# drills as they run in the suite. Each drill prints its summary line; any failed assertion fails the run.
# Bounded: each drill stops by itself within DRILL_SECONDS (default here 600 s). Loopback only.
#   bash bench/drills.sh            (the suite's sizes: npm run drills)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision.sh >/dev/null
export DRILL_HOTELS="${DRILL_HOTELS:-10}" DRILL_GUESTS="${DRILL_GUESTS:-4}" DRILL_KILLS="${DRILL_KILLS:-10}" \
  DRILL_STORE_DOWN_SECONDS="${DRILL_STORE_DOWN_SECONDS:-60}" DRILL_TEMPORAL_DOWN_SECONDS="${DRILL_TEMPORAL_DOWN_SECONDS:-45}" \
  DRILL_SECONDS="${DRILL_SECONDS:-600}"
echo "drills: ${DRILL_HOTELS} hotels × ${DRILL_GUESTS} guests, ${DRILL_KILLS} SIGKILLs, store down ${DRILL_STORE_DOWN_SECONDS} s, Temporal down ${DRILL_TEMPORAL_DOWN_SECONDS} s ($(date -u +%FT%TZ))"
npx mocha 'test/integration/drill-*.test.ts'
