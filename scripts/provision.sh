#!/usr/bin/env bash
# Provisions every tool the stack and the tests need, cached under .tools/ (ignored by git).
# Reuses a tool already on PATH. Fails loudly, naming the tool and how to supply it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TOOLS="$ROOT/.tools"
mkdir -p "$TOOLS/bin"
export PATH="$TOOLS/bin:$PATH"

TEMPORAL_CLI_VERSION=v1.5.1      # newest tag `go install` accepts (later tags use a go.mod replace)
FERRETDB_VERSION=v1.24.2
TEST_SERVER_VERSION=1.31.0       # io.temporal:temporal-test-server (Java time-skipping server)

say() { printf '[provision] %s\n' "$*" >&2; }
fail() { printf '[provision] FAILED: %s\n' "$*" >&2; exit 1; }

need_cmd() { command -v "$1" >/dev/null 2>&1; }

# --- npm packages ------------------------------------------------------------
stamp="$ROOT/node_modules/.package-lock.sha"
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error >&2 || fail "npm ci (is the npm registry reachable?)"
  echo "$want" > "$stamp"
fi

# --- Go-built tools ----------------------------------------------------------
go_tool() { # name module version
  local name=$1 module=$2 version=$3
  if [ -x "$TOOLS/bin/$name" ]; then return; fi
  if need_cmd "$name" && [ "$(command -v "$name")" != "$TOOLS/bin/$name" ]; then
    ln -sf "$(command -v "$name")" "$TOOLS/bin/$name"; say "using $name from PATH"; return
  fi
  need_cmd go || fail "$name is missing and Go is not installed: install Go >= 1.25 or put '$name' on PATH"
  say "building $name $version with go install (first run only, ~2 min)"
  GOBIN="$TOOLS/bin" go install "$module@$version" >&2 \
    || fail "go install $module@$version — put a '$name' binary on PATH to skip this step"
}
go_tool temporal github.com/temporalio/cli/cmd/temporal "$TEMPORAL_CLI_VERSION"
# FerretDB: `go install` of v1.24.2 builds a binary that panics at start (its module zip lacks
# build/version/version.txt), so build it from the module source with that file written in, and with
# scripts/ferretdb/sqlite-pushdown.patch applied (docs/toolchain.md, "FerretDB patch"). The binary is rebuilt
# when the version or the patch changes; a ferretdb on PATH is not used, as it would lack the patch.
ferretdb_stamp="$TOOLS/bin/ferretdb.stamp"
ferretdb_want="$FERRETDB_VERSION $(sha256sum scripts/ferretdb/sqlite-pushdown.patch | cut -d' ' -f1)"
if [ ! -x "$TOOLS/bin/ferretdb" ] || [ "$(cat "$ferretdb_stamp" 2>/dev/null)" != "$ferretdb_want" ]; then
  need_cmd go || fail "ferretdb is missing and Go is not installed: install Go >= 1.25"
  say "building ferretdb $FERRETDB_VERSION from its module source, patched (first run only)"
  src=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$src" ] || fail "go mod download github.com/FerretDB/FerretDB@$FERRETDB_VERSION"
  rm -rf "$TOOLS/src/ferretdb" && mkdir -p "$TOOLS/src" && cp -r "$src" "$TOOLS/src/ferretdb" && chmod -R u+w "$TOOLS/src/ferretdb"
  echo "$FERRETDB_VERSION" > "$TOOLS/src/ferretdb/build/version/version.txt"
  (cd "$TOOLS/src/ferretdb" && git apply -p1 "$ROOT/scripts/ferretdb/sqlite-pushdown.patch" >&2) || fail "applying scripts/ferretdb/sqlite-pushdown.patch to ferretdb $FERRETDB_VERSION"
  rm -f "$TOOLS/bin/ferretdb"
  (cd "$TOOLS/src/ferretdb" && go build -o "$TOOLS/bin/ferretdb" ./cmd/ferretdb >&2) || fail "go build ferretdb"
  echo "$ferretdb_want" > "$ferretdb_stamp"
fi

# --- Dovecot (real IMAP server for the mail sandbox) ---------------------------
if [ ! -x /usr/sbin/dovecot ] && ! need_cmd dovecot; then
  need_cmd apt-get || fail "dovecot is missing: install Dovecot (Debian package dovecot-imapd)"
  say "installing dovecot-imapd with apt-get"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq dovecot-imapd >&2 \
    || fail "apt-get install dovecot-imapd"
fi

# --- OCR for scanned folios: Tesseract with seven language packs, poppler's pdftoppm ----------
OCR_LANGS="eng deu fra spa ita por nld"
ocr_missing() {
  need_cmd pdftoppm || return 0
  need_cmd tesseract || return 0
  local have; have=$(tesseract --list-langs 2>/dev/null | tail -n +2)
  for l in $OCR_LANGS; do grep -qx "$l" <<<"$have" || return 0; done
  return 1
}
if ocr_missing; then
  need_cmd apt-get || fail "OCR is missing: install tesseract-ocr with the $OCR_LANGS language packs and poppler-utils"
  say "installing tesseract-ocr, its language packs and poppler-utils with apt-get"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends tesseract-ocr $(printf 'tesseract-ocr-%s ' $OCR_LANGS) poppler-utils >&2 \
    || fail "apt-get install tesseract-ocr poppler-utils"
fi

# --- Java time-skipping test server -------------------------------------------
TS_DIR="$TOOLS/temporal-test-server"
if [ ! -x "$TOOLS/bin/temporal-test-server" ]; then
  need_cmd java || fail "java is missing: install a JDK >= 11 for the time-skipping test server"
  need_cmd mvn || fail "mvn is missing: install Maven to fetch io.temporal:temporal-test-server"
  say "fetching io.temporal:temporal-test-server:$TEST_SERVER_VERSION from Maven Central"
  mkdir -p "$TS_DIR"
  cat > "$TS_DIR/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>test-server-classpath</artifactId><version>1</version>
  <dependencies><dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId>
  <version>$TEST_SERVER_VERSION</version></dependency></dependencies></project>
POM
  (cd "$TS_DIR" && mvn -q -B dependency:build-classpath -Dmdep.outputFile=classpath.txt >&2) \
    || fail "mvn could not fetch temporal-test-server (is Maven Central reachable?)"
  cat > "$TOOLS/bin/temporal-test-server" <<WRAP
#!/usr/bin/env bash
# Temporal's Java time-skipping test server; usage: temporal-test-server <port> [--enable-time-skipping]
exec java -Xss1m -cp "\$(cat '$TS_DIR/classpath.txt')" io.temporal.testserver.TestServer "\$@"
WRAP
  chmod +x "$TOOLS/bin/temporal-test-server"
fi

# --- Production topology: Temporal server + SQL tool, PostgreSQL, promtool ------------
# (the TLS test runs the server's services as a cluster; the alert-rule tests run promtool)
bash "$ROOT/scripts/cluster-provision.sh" test

say "tools ready: $(temporal --version 2>/dev/null | head -1); ferretdb $FERRETDB_VERSION; dovecot $(/usr/sbin/dovecot --version 2>/dev/null || dovecot --version); test server $TEST_SERVER_VERSION; $(tesseract --version 2>/dev/null | head -1)"
