#!/usr/bin/env bash
# What the benchmarks need from the system, installed idempotently (fast when it is there):
#   wrk (the load generator of page_speed.py), redis-server and PostgreSQL's server binaries
#   (load.py, concurrency.py and page_speed.py start a Redis and a cluster of their own).
# Usage: bench/install_deps.sh   (make bench runs it). Needs root for apt-get; otherwise it
# says what is missing and exits 1.
set -u
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 \
  || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "bench deps: installing ${missing[*]} (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    exit 0
  fi
fi
echo "bench deps: missing ${missing[*]}: install them (sudo apt-get install ${missing[*]})" >&2
exit 1
