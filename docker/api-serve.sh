#!/bin/sh
# The API image's default command: `storebench serve` configured by STOREBENCH_* variables
# (docs/production.md lists them). serve reads only the database and Redis URLs from the environment
# itself so far; this maps the other variables to its flags, and shrinks to `exec storebench serve`
# once serve reads them all.
set -eu
set -- serve \
  --backend "${STOREBENCH_BACKEND:?set STOREBENCH_BACKEND to memory, postgres, cassandra or mongo}" \
  --host "${STOREBENCH_HOST:-0.0.0.0}" \
  --port "${STOREBENCH_PORT:-3000}" \
  --workers "${STOREBENCH_WORKERS:-1}"
# Kubernetes migrates with a Job (storebench migrate) and sets STOREBENCH_MIGRATE=false on the API pods.
if [ "${STOREBENCH_MIGRATE:-true}" = false ]; then set -- "$@" --no-migrate; fi
if [ -n "${STOREBENCH_CACHE:-}" ]; then set -- "$@" --cache "$STOREBENCH_CACHE"; fi
exec storebench "$@"
