#!/usr/bin/env bash
# The test command: provisions tools (cached), type-checks, lints, then runs every mocha suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision.sh
echo "[test] type-check"; npx tsc -p tsconfig.json --noEmit
echo "[test] lint"; npx eslint . --max-warnings=0
echo "[test] mocha"
npx mocha 'test/unit/**/*.test.ts' 'test/workflow/**/*.test.ts' 'test/integration/**/*.test.ts' 'test/security/**/*.test.ts' 'test/replay/**/*.test.ts' "$@"
