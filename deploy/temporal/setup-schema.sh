#!/bin/sh
# One-shot (temporalio/admin-tools): creates Temporal's two PostgreSQL databases on first start and brings
# their schemas up to the image's version on every start (update-schema is idempotent).
set -eu
SQL="temporal-sql-tool --plugin postgres12 --ep ${POSTGRES_SEEDS:-postgresql} -p ${DB_PORT:-5432} -u ${POSTGRES_USER:-temporal} --pw ${POSTGRES_PWD}"
until nc -z "${POSTGRES_SEEDS:-postgresql}" "${DB_PORT:-5432}"; do echo 'waiting for PostgreSQL'; sleep 2; done
for db in temporal temporal_visibility; do
  if $SQL --db "$db" create; then
    $SQL --db "$db" setup-schema -v 0.0
  fi
done
$SQL --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned
$SQL --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
echo 'Temporal schemas are up to date'
