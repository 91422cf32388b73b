#!/usr/bin/env bash
# The first command: provision what is missing (cached in .tools/), then bring the whole stack up.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision.sh
exec node --import tsx scripts/dev-stack.ts
