#!/bin/sh
# The official redis image's entrypoint, in what matters here: a first argument that is an option
# or a .conf file means redis-server, and redis-server gets `--protected-mode no` unless its
# config file sets protected-mode itself (a container is reached from other addresses than
# loopback, and has no password by default).
set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi
if [ "$1" = redis-server ]; then
  shift
  if [ -f "${1:-}" ]; then
    conf="$1"
    shift
    if grep -q '^protected-mode' "$conf"; then
      set -- redis-server "$conf" "$@"
    else
      set -- redis-server "$conf" --protected-mode no "$@"
    fi
  else
    set -- redis-server --protected-mode no "$@"
  fi
fi
exec "$@"
