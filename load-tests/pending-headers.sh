#!/usr/bin/env bash
# What a pending header block costs the server (issue 15 §0c): start ActorSmtp (null sink), open N
# connections that each go into DATA and send SIZE of header lines without the empty line that ends the
# block, and report the server's RSS per connection (actorsmtp-load idle --pending-headers). Then the
# same with idle connections (no DATA) for the baseline, each on a fresh server.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: load-tests/pending-headers.sh [--connections N] [--size SIZE] [--build]
  --connections N  connections held (default 2000)
  --size SIZE      header bytes per connection, below max-header-size (default 99k; the cap is 100KiB)
  --build          build the host and the load generator (Release) first
Environment: DOTNET_GCgen0size (default 0x400000, as compare-smtp-sink.sh).
EOF
}

CONNECTIONS=2000 SIZE=99k BUILD=
while [[ $# -gt 0 ]]; do
  case $1 in
    --connections) CONNECTIONS=$2; shift 2 ;;
    --size) SIZE=$2; shift 2 ;;
    --build) BUILD=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
HOST_DLL=$ROOT/src/ActorSmtp.Host/bin/Release/net10.0/actorsmtp.dll
LOAD_DLL=$ROOT/load-tests/ActorSmtp.LoadTests/bin/Release/net10.0/actorsmtp-load.dll
if [[ -n $BUILD ]]; then
  dotnet build "$ROOT/src/ActorSmtp.Host" -c Release -v quiet -nologo
  dotnet build "$ROOT/load-tests/ActorSmtp.LoadTests" -c Release -v quiet -nologo
fi
export DOTNET_GCgen0size=${DOTNET_GCgen0size-0x400000}
ulimit -n "$(ulimit -Hn)"

WORK=$(mktemp -d /tmp/actorsmtp-headers.XXXXXX)
SERVER=
cleanup() {
  [[ -z $SERVER ]] || { kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT

run() { # label, then extra arguments for the probe
  local label=$1 port=; shift
  cat >"$WORK/actorsmtp.conf" <<EOF
actorsmtp {
  endpoints = [ { address = "127.0.0.1", port = 0 } ]
  limits { max-connections = 20000 }
  sink = null
}
EOF
  dotnet "$HOST_DLL" --config "$WORK/actorsmtp.conf" >"$WORK/log" 2>&1 &
  SERVER=$!
  for _ in $(seq 600); do
    port=$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$WORK/log" | head -1 | cut -d: -f2) || true
    [[ -n $port ]] && break
    sleep 0.1
  done
  [[ -n $port ]] || { echo "the server did not start:" >&2; tail -20 "$WORK/log" >&2; exit 4; }
  echo "$label: $(dotnet "$LOAD_DLL" idle --target "127.0.0.1:$port" --connections "$CONNECTIONS" --pid "$SERVER" "$@")"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
}

run idle
run pending-headers --pending-headers "$SIZE"
