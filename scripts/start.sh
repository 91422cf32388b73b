#!/usr/bin/env bash
# The first command: provision what is missing (cached in .tools/), then bring the whole stack up.
set -euo pipefail
cd "$(dirname "$0")/.."
# Local runs use the sandbox unless MODE says otherwise (the container image defaults to live).
export MODE="${MODE:-sandbox}"
bash scripts/provision.sh
exec node --import tsx scripts/dev-stack.ts
