#!/bin/sh
# Creates Temporal's two PostgreSQL databases on first start and brings their schemas up to the server's
# version on every start (update-schema is idempotent). Run by the one-shot temporal-schema container
# (temporalio/admin-tools) of docker-compose.yml and by `npm run cluster` (TEMPORAL_SCHEMA_DIR = the schema
# files of the server module, temporal-sql-tool on PATH).
set -eu
SCHEMA="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema}/postgresql/v12"
SQL="temporal-sql-tool --plugin postgres12 --ep ${POSTGRES_SEEDS:-postgresql} -p ${DB_PORT:-5432} -u ${POSTGRES_USER:-temporal} --pw ${POSTGRES_PWD}"
if command -v nc >/dev/null 2>&1; then
  until nc -z "${POSTGRES_SEEDS:-postgresql}" "${DB_PORT:-5432}"; do echo 'waiting for PostgreSQL'; sleep 2; done
fi
for db in temporal temporal_visibility; do
  if $SQL --db "$db" create; then
    $SQL --db "$db" setup-schema -v 0.0
  fi
done
$SQL --db temporal update-schema -d "$SCHEMA/temporal/versioned"
$SQL --db temporal_visibility update-schema -d "$SCHEMA/visibility/versioned"
echo 'Temporal schemas are up to date'
