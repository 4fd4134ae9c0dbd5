#!/bin/sh
# The API image's default command: `storebench serve`, which reads its whole configuration from the
# STOREBENCH_* variables (docs/production.md lists them; flags given after the image name still win).
# The one thing checked here: an image must name its backend (serve's own default, memory, is for tests).
set -eu
: "${STOREBENCH_BACKEND:?set STOREBENCH_BACKEND to memory, postgres, cassandra or mongo}"
exec storebench serve "$@"
