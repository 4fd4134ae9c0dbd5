#!/bin/sh
# docker-compose profile postgres-standby, run once by the postgres image after initdb: lets the standby
# stream from this primary and, unless STOREBENCH_SYNC_STANDBY is empty, makes every commit wait for it
# (ALTER SYSTEM, in force from the server's real start: during this init the standby is not there yet).
# The same as the native cluster (harness/provision/clusters/postgres-standby.ts).
set -e
echo "host replication storebench all scram-sha-256" >>"$PGDATA/pg_hba.conf"
if [ -n "$STOREBENCH_SYNC_STANDBY" ]; then
  psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres \
    -c "ALTER SYSTEM SET synchronous_standby_names = '$STOREBENCH_SYNC_STANDBY'"
fi
