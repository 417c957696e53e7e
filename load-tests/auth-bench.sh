#!/usr/bin/env bash
# Issue 20's benchmark: what SPF + DKIM + DMARC cost. 1 KB DKIM-signed messages over 16 sessions with the checks on
# vs off (null sink, DNS answers cached after the warm-up), pairs alternating; then one 100 MB signed message with the
# checks on (file sink) and the server's RSS growth. DNS is Debian's unbound on loopback with the zone made here.
# Usage: load-tests/auth-bench.sh [--reps N] [--messages N] [--out DIR]   (build src/ActorSmtp.Host and load-tests first)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

REPS=3 MESSAGES=8000 OUT=/tmp/auth-bench-$(date -u +%Y%m%d-%H%M%S)
while (($#)); do
  case $1 in
    --reps) REPS=$2; shift 2 ;;
    --messages) MESSAGES=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
HOST_DLL=$PWD/src/ActorSmtp.Host/bin/Release/net10.0/actorsmtp.dll
LOAD_DLL=$PWD/load-tests/ActorSmtp.LoadTests/bin/Release/net10.0/actorsmtp-load.dll
mkdir -p "$OUT"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

load() { dotnet "$LOAD_DLL" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
cpu_ticks() { local stat; stat=$(<"/proc/$1/stat"); awk '{print $12 + $13}' <<<"${stat##*) }"; }
txt() { # name value -> an unbound local-data line, the value split into 255-byte strings
  python3 -c '
import sys
name, value = sys.argv[1], sys.argv[2]
parts = " ".join("\"%s\"" % value[i:i + 255] for i in range(0, len(value), 255))
print("  local-data: '"'"'%s TXT %s'"'"'" % (name, parts))' "$1" "$2"
}

# The messages and their keys (selector s1: the small one, s2: the big one).
load dkim-message --from load@a.test --selector s1 --size 400 --out "$OUT/small" >/dev/null
load dkim-message --from load@a.test --selector s2 --size 100m --out "$OUT/big-message" >/dev/null

DNS_PORT=$(free_port)
{
  printf 'server:\n  interface: 127.0.0.1\n  port: %s\n  do-daemonize: no\n  username: ""\n  chroot: ""\n' "$DNS_PORT"
  printf '  directory: "%s"\n  pidfile: ""\n  use-syslog: no\n  logfile: ""\n  verbosity: 0\n  do-ip6: no\n' "$OUT"
  printf '  access-control: 127.0.0.0/8 allow\n  module-config: "iterator"\n  local-zone: "test." static\n'
  txt a.test. "v=spf1 ip4:127.0.0.0/8 -all"
  txt s1._domainkey.a.test. "$(cat "$OUT/small/key.txt")"
  txt s2._domainkey.a.test. "$(cat "$OUT/big-message/key.txt")"
  txt _dmarc.a.test. "v=DMARC1; p=reject"
  printf 'remote-control:\n  control-enable: no\n'
} >"$OUT/unbound.conf"
/usr/sbin/unbound -d -c "$OUT/unbound.conf" >"$OUT/unbound.log" 2>&1 &
PIDS+=("$!")
sleep 1

start_server() { # name checks(on|off) sink -> sets SERVER_PID SERVER_PORT
  local name=$1 checks=$2 sink=$3 dir=$OUT/$1
  mkdir -p "$dir/mail"
  printf '%s\n' "actorsmtp {" "  hostname = \"mx.bench.test\"" "  endpoints = [ { address = \"127.0.0.1\", port = 0 } ]" \
    "  limits { max-message-size = 200MiB, max-connections = 20000 }" "  sink = $sink" "  sinks.file.directory = \"$dir/mail\"" \
    "  mailbox.enabled = off" "  authentication { spf = $checks, dkim = $checks, dmarc = $checks }" \
    "  dns { servers = [ \"127.0.0.1:$DNS_PORT\" ] }" "}" >"$dir/actorsmtp.conf"
  dotnet "$HOST_DLL" --config "$dir/actorsmtp.conf" >"$dir/log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  SERVER_PORT=
  for _ in $(seq 300); do
    SERVER_PORT=$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$dir/log" | head -1 | cut -d: -f2) || true
    [[ -n $SERVER_PORT ]] && return 0
    sleep 0.1
  done
  echo "$name did not start:" >&2; tail "$dir/log" >&2; exit 4
}

send() { # port messages -> msg/s
  load run --target "127.0.0.1:$1" --load keep:16:600s --max-messages "$2" --message-file "$OUT/small/message.eml" \
    --mail-from load@a.test --out "$OUT/reports/$RANDOM" | grep -oE '[0-9.]+ msg/s' | tail -1 | cut -d' ' -f1
}

echo "sink rep mode msg_per_s cpu_ms_per_1000" | tee "$OUT/runs.txt"
for sink in null file; do
  for rep in $(seq "$REPS"); do
    for mode in off on; do
      start_server "run-$sink-$rep-$mode" "$mode" "$sink"
      send "$SERVER_PORT" 1000 >/dev/null # warm-up: JIT, and the DNS answers into the cache
      before=$(cpu_ticks "$SERVER_PID")
      rate=$(send "$SERVER_PORT" "$MESSAGES")
      after=$(cpu_ticks "$SERVER_PID")
      echo "$sink $rep $mode $rate $(( (after - before) * 10 * 1000 / MESSAGES ))" | tee -a "$OUT/runs.txt"
      kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
      rm -rf "$OUT/run-$sink-$rep-$mode/mail"
    done
  done
done
python3 -c '
import sys, statistics
rows = [line.split() for line in open(sys.argv[1]).read().splitlines()[1:]]
by = {}
for sink, rep, mode, rate, cpu in rows:
    by.setdefault((sink, rep), {})[mode] = (float(rate), int(cpu))
for sink in ("null", "file"):
    pairs = [v for (s, _), v in by.items() if s == sink and "on" in v and "off" in v]
    ratios = [v["on"][0] / v["off"][0] for v in pairs]
    print("%s sink: on/off ratios %s; median %.2f; CPU ms/1000 off %s, on %s" % (sink,
        ", ".join("%.2f" % r for r in ratios), statistics.median(ratios),
        "/".join(str(v["off"][1]) for v in pairs), "/".join(str(v["on"][1]) for v in pairs)))' "$OUT/runs.txt" | tee "$OUT/summary.txt"

start_server big on file
load big --target "127.0.0.1:$SERVER_PORT" --pid "$SERVER_PID" --message-file "$OUT/big-message/message.eml" --mail-from load@a.test \
  | tee -a "$OUT/summary.txt"
grep -h -A3 '"dkim"' "$OUT/big/mail/"*.json | tr -s ' \n' ' ' | tee -a "$OUT/summary.txt"; echo
echo "results: $OUT"
