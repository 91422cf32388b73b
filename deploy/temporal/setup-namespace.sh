#!/bin/sh
# One-shot (temporalio/admin-tools): the namespace and the search attributes the folio workflows upsert
# (the list mirrors workflows/search-attributes.ts; test/unit/compose.test.ts checks that they agree).
set -eu
NS="${TEMPORAL_NAMESPACE:-default}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do echo 'waiting for Temporal'; sleep 3; done
temporal operator namespace describe -n "$NS" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 \
  || temporal operator namespace create -n "$NS" --retention 30d --address "$TEMPORAL_ADDRESS"
# A new namespace reaches the frontend's cache after a few seconds.
tries=0
until temporal operator search-attribute list -n "$NS" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -lt 30 ] || { echo "namespace $NS did not become usable"; exit 1; }
  sleep 1
done
existing="$(temporal operator search-attribute list -n "$NS" --address "$TEMPORAL_ADDRESS")"
for sa in FolioStatus=Keyword HotelId=Keyword ClientId=Keyword CheckOutDate=Datetime NextActionAt=Datetime AttemptCount=Int; do
  name="${sa%%=*}"
  type="${sa##*=}"
  if ! echo "$existing" | grep -qw "$name"; then
    temporal operator search-attribute create -n "$NS" --name "$name" --type "$type" --address "$TEMPORAL_ADDRESS"
  fi
done
echo "namespace $NS and search attributes ready"
