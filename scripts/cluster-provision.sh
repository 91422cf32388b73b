#!/usr/bin/env bash
# Provisions the production topology's tools, cached under .tools/ (first run only):
#   the Temporal server and its SQL tool, built with `go install` at the version inside the CLI, with the
#   PostgreSQL schema files of the same module; the Temporal Web UI server; PostgreSQL and Prometheus from
#   Debian. Each Go build gets its own GOBIN (both servers are called `server`) and a distinct name in .tools/bin.
# Usage: cluster-provision.sh [test|all]   test = what `npm test` needs (server, SQL tool, schemas, PostgreSQL,
#                                          promtool from the prometheus package); all = that and the UI server
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TOOLS="$ROOT/.tools"
WHAT=${1:-all}
TEMPORAL_SERVER_VERSION=v1.29.1   # the server inside the CLI v1.5.1 (scripts/cluster-topology.ts)
TEMPORAL_UI_VERSION=v2.42.1       # the UI server inside the CLI v1.5.1
POSTGRES_MAJOR=15

say() { printf '[cluster-provision] %s\n' "$*" >&2; }
fail() { printf '[cluster-provision] FAILED: %s\n' "$*" >&2; exit 1; }
need_cmd() { command -v "$1" >/dev/null 2>&1; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
apt_install() { # package...
  need_cmd apt-get || fail "$* missing and apt-get is not available: install the Debian packages $*"
  say "installing $* with apt-get"
  $SUDO apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >&2 || fail "apt-get install $*"
}

mkdir -p "$TOOLS/bin" "$TOOLS/cluster"
SERVER_DIR="$TOOLS/cluster/temporal-${TEMPORAL_SERVER_VERSION#v}"
if [ ! -x "$SERVER_DIR/bin/server" ] || [ ! -x "$SERVER_DIR/bin/sql" ]; then
  need_cmd go || fail "Go is not installed: install Go >= 1.24 to build the Temporal server"
  say "building the Temporal server $TEMPORAL_SERVER_VERSION and its SQL tool (first run only; ~9 min on 2 cores)"
  mkdir -p "$SERVER_DIR/bin"
  GOBIN="$SERVER_DIR/bin" go install "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION" >&2 \
    || fail "go install go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION (is the Go module proxy reachable?)"
fi
if [ ! -d "$SERVER_DIR/schema/postgresql" ]; then
  src=$(go mod download -json "go.temporal.io/server@$TEMPORAL_SERVER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$src" ] && [ -d "$src/schema/postgresql" ] || fail "the schema files of go.temporal.io/server@$TEMPORAL_SERVER_VERSION were not found"
  mkdir -p "$SERVER_DIR/schema" && cp -r "$src/schema/postgresql" "$SERVER_DIR/schema/" && chmod -R u+w "$SERVER_DIR/schema"
fi
# relative links: .tools may be shared by several checkouts
ln -sfn "../cluster/$(basename "$SERVER_DIR")/bin/server" "$TOOLS/bin/temporal-server"
ln -sfn "../cluster/$(basename "$SERVER_DIR")/bin/sql" "$TOOLS/bin/temporal-sql-tool"

[ -x "/usr/lib/postgresql/$POSTGRES_MAJOR/bin/postgres" ] || [ -n "${PG_BIN:-}" ] || apt_install "postgresql-$POSTGRES_MAJOR"
# Debian's prometheus package carries promtool (the alert-rule tests) and the server `npm run cluster` runs
{ [ -x /usr/bin/prometheus ] && need_cmd promtool; } || [ -n "${PROMETHEUS_BIN:-}" ] || apt_install prometheus

if [ "$WHAT" = all ]; then
  UI_DIR="$TOOLS/cluster/ui-${TEMPORAL_UI_VERSION#v}"
  if [ ! -x "$UI_DIR/bin/server" ]; then
    need_cmd go || fail "Go is not installed: install Go >= 1.24 to build the Temporal UI server"
    say "building the Temporal UI server $TEMPORAL_UI_VERSION (first run only; ~1 min)"
    mkdir -p "$UI_DIR/bin"
    GOBIN="$UI_DIR/bin" go install "github.com/temporalio/ui-server/v2/cmd/server@$TEMPORAL_UI_VERSION" >&2 \
      || fail "go install github.com/temporalio/ui-server/v2/cmd/server@$TEMPORAL_UI_VERSION"
  fi
  ln -sfn "../cluster/$(basename "$UI_DIR")/bin/server" "$TOOLS/bin/temporal-ui-server"
fi
say "ready: temporal-server $TEMPORAL_SERVER_VERSION, temporal-sql-tool, PostgreSQL $POSTGRES_MAJOR, $(promtool --version 2>/dev/null | head -1 | cut -d' ' -f1-3)$([ "$WHAT" = all ] && echo ", temporal-ui-server $TEMPORAL_UI_VERSION")"
