#!/usr/bin/env bash
# ActorSmtp side by side with Postfix's smtp-sink, driven by Postfix's smtp-source (an independent
# generator), in interleaved pairs: every ActorSmtp run is followed by an smtp-sink run of the same
# shape, so the ratio within a pair survives a noisy, shared box (method: shared/notes/perf-anchors.md).
#
# Per run: msg/s, ratio to smtp-sink in the same pair, server CPU ms per 1000 messages
# (utime+stime from /proc/PID/stat), peak RSS (VmHWM after resetting it via clear_refs).
# Then: idle connections (RSS per connection) and one 100 MB message (RSS growth, target <= 32 MB).
# Loopback only; every smtp-source runs under `timeout`; only the PIDs started here are killed.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: load-tests/compare-smtp-sink.sh [options]
  --servers LIST   comma list of actorsmtp-null, actorsmtp-file, sink   (default: actorsmtp-null,actorsmtp-file)
                   smtp-sink always runs as the pair partner; "--servers sink" measures smtp-sink alone
  --shapes LIST    comma list of 1k-c1, 1k-c16, 1k-c128, 100k-c16, 1k-c16-newconn   (default: all)
  --reps N         repetitions of every pair (default 3)
  --scale F        multiply every message count by F, e.g. 0.1 for a quick look (default 1)
  --idle N         idle-connection test with N connections, 0 to skip (default 10000)
  --big SIZE       one message of SIZE (e.g. 100m) and the server's RSS growth, 0 to skip (default 100m)
  --out DIR        results folder (default load-tests/results/compare-<UTC timestamp>)
  --warm N         after the fixed warm-up, N unrecorded runs of every measured shape (default 1) so
                   that the JIT has recompiled the hot paths before anything counts
  --file-sync MODE the file sink's sync setting: files (default, an fsync per file) or filesystem
  --build          build src/ActorSmtp.Host and the load generator (Release) first
  --spool-root DIR the file sink's spool goes in a new folder under DIR (default: the work folder in /tmp),
                   e.g. the mount point of a volume of its own; see BENCHMARKS.md for a loop-mounted one
  --fresh-spool    before each run move the file sink's folder aside (deleted at exit) instead of deleting
                   its files (the default): on ext4 without a journal, inodes freed in the last 60 s make
                   every file creation scan past them, so deleting between runs slows the next one down
                   (see BENCHMARKS.md, file sink); the spools of one invocation take ~1-3 GB until exit
  --delete-spool   delete the file sink's files before each run instead (what sessions 1-4 measured by default)
Environment: DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS (default 1),
DOTNET_ThreadPool_UnfairSemaphoreSpinLimit (default 0) and DOTNET_GCgen0size (default 0x400000, a 4 MiB
gen0 budget) are passed to ActorSmtp, as the README recommends; set them to override.
ACTORSMTP_COMMAND replaces "dotnet src/ActorSmtp.Host/bin/Release/net10.0/actorsmtp.dll" (e.g. a
published build); it gets "--config FILE" appended and must log "listening on 127.0.0.1:PORT".
ACTORSMTP_EXTRA_CONFIG is HOCON added inside the actorsmtp block of every ActorSmtp run, for an A/B of one
setting (e.g. "mailbox { enabled = on, port = 0 }").
EOF
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVERS=actorsmtp-null,actorsmtp-file
SHAPES=1k-c1,1k-c16,1k-c128,100k-c16,1k-c16-newconn
REPS=3 SCALE=1 IDLE=10000 BIG=100m BUILD=0 FRESH_SPOOL=1 WARM=1 FILE_SYNC=files SPOOL_ROOT=
OUT=$ROOT/load-tests/results/compare-$(date -u +%Y%m%d-%H%M%S)
while (($#)); do
  case $1 in
    --servers) SERVERS=$2; shift 2 ;;
    --shapes) SHAPES=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --scale) SCALE=$2; shift 2 ;;
    --idle) IDLE=$2; shift 2 ;;
    --big) BIG=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --build) BUILD=1; shift ;;
    --fresh-spool) FRESH_SPOOL=1; shift ;;
    --delete-spool) FRESH_SPOOL=0; shift ;;
    --warm) WARM=$2; shift 2 ;;
    --file-sync) FILE_SYNC=$2; shift 2 ;;
    --spool-root) SPOOL_ROOT=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

SMTP_SOURCE=/usr/sbin/smtp-source
SMTP_SINK=/usr/sbin/smtp-sink
HOST_DLL=$ROOT/src/ActorSmtp.Host/bin/Release/net10.0/actorsmtp.dll
LOAD_DLL=$ROOT/load-tests/ActorSmtp.LoadTests/bin/Release/net10.0/actorsmtp-load.dll
CLK_TCK=$(getconf CLK_TCK)
SOURCE_TIMEOUT=600

# Shapes as in perf-anchors.md: sessions, messages, payload bytes, and whether a session keeps its connection.
declare -A SESSIONS=([1k-c1]=1 [1k-c16]=16 [1k-c128]=128 [100k-c16]=16 [1k-c16-newconn]=16)
declare -A MESSAGES=([1k-c1]=5000 [1k-c16]=10000 [1k-c128]=10000 [100k-c16]=2000 [1k-c16-newconn]=5000)
declare -A PAYLOAD=([1k-c1]=1024 [1k-c16]=1024 [1k-c128]=1024 [100k-c16]=102400 [1k-c16-newconn]=1024)
declare -A KEEP_CONNECTION=([1k-c1]=1 [1k-c16]=1 [1k-c128]=1 [100k-c16]=1 [1k-c16-newconn]=0)

IFS=, read -ra SERVER_LIST <<<"$SERVERS"
IFS=, read -ra SHAPE_LIST <<<"$SHAPES"
for shape in "${SHAPE_LIST[@]}"; do
  [[ -n ${SESSIONS[$shape]:-} ]] || { echo "unknown shape: $shape" >&2; exit 2; }
done
VARIANTS=()  # the ActorSmtp variants; smtp-sink is the partner of each
for server in "${SERVER_LIST[@]}"; do
  case $server in
    actorsmtp-null|actorsmtp-file) VARIANTS+=("$server") ;;
    sink) ;;
    *) echo "unknown server: $server" >&2; exit 2 ;;
  esac
done

# ---------------------------------------------------------------- build and environment
if ((BUILD)); then
  dotnet build "$ROOT/src/ActorSmtp.Host" -c Release -v quiet -nologo
fi
if ((${#VARIANTS[@]})) && [[ -z ${ACTORSMTP_COMMAND:-} && ! -f $HOST_DLL ]]; then
  echo "ActorSmtp build missing: $HOST_DLL" >&2
  echo "build it with: dotnet build src/ActorSmtp.Host -c Release   (or pass --build, or use --servers sink)" >&2
  exit 3
fi
if [[ ! -f $LOAD_DLL ]] || ((BUILD)); then
  dotnet build "$ROOT/load-tests/ActorSmtp.LoadTests" -c Release -v quiet -nologo
fi
[[ -x $SMTP_SOURCE && -x $SMTP_SINK ]] || { echo "smtp-source/smtp-sink missing (Debian package postfix)" >&2; exit 3; }

# The shipped defaults, unless the caller's environment says otherwise.
export DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=${DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS-1}
export DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=${DOTNET_ThreadPool_UnfairSemaphoreSpinLimit-0}
export DOTNET_GCgen0size=${DOTNET_GCgen0size-0x400000}
SERVER_ENV="DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=$DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=$DOTNET_ThreadPool_UnfairSemaphoreSpinLimit DOTNET_GCgen0size=$DOTNET_GCgen0size"
echo "ActorSmtp environment: $SERVER_ENV"

# 10k idle connections need 10k descriptors on both ends; children inherit this limit.
ulimit -n "$(ulimit -Hn)"

mkdir -p "$OUT"
RAW=$OUT/runs.txt
: >"$RAW"
WORK=$(mktemp -d /tmp/actorsmtp-compare.XXXXXX)
# Spools and the spools moved aside stay on one file system, so that moving one aside frees no inode.
SPOOLS=$WORK
[[ -z $SPOOL_ROOT ]] || SPOOLS=$(mktemp -d "$SPOOL_ROOT/actorsmtp-compare.XXXXXX")
STARTED_PIDS=()
cleanup() {
  for pid in "${STARTED_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STARTED_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK" "$SPOOLS"
}
trap cleanup EXIT

# ---------------------------------------------------------------- servers
declare -A PID PORT SPOOL

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() { # port seconds
  local deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

start_sink() {
  local port
  port=$(free_port)
  "$SMTP_SINK" -u nobody -m 12000 "127.0.0.1:$port" 4096 &
  PID[sink]=$! PORT[sink]=$port
  STARTED_PIDS+=("$!")
  wait_for_port "$port" 10 || { echo "smtp-sink did not start" >&2; exit 4; }
  echo "smtp-sink: pid ${PID[sink]}, 127.0.0.1:$port"
}

start_actorsmtp() { # variant: actorsmtp-null | actorsmtp-file
  local name=$1 sink=${1#actorsmtp-} dir=$WORK/$1 port=
  mkdir -p "$dir" "$SPOOLS/$name/mail"
  cat >"$dir/actorsmtp.conf" <<EOF
actorsmtp {
  hostname = "localhost"
  endpoints = [ { address = "127.0.0.1", port = 0 } ]
  limits { max-message-size = 200MiB, max-connections = 20000 }
  sink = $sink
  sinks.file.directory = "$SPOOLS/$name/mail"
  sinks.file.sync = $FILE_SYNC
  ${ACTORSMTP_EXTRA_CONFIG:-}
}
EOF
  # Word splitting of ACTORSMTP_COMMAND is intended: it is a command line.
  # shellcheck disable=SC2086
  ${ACTORSMTP_COMMAND:-dotnet $HOST_DLL} --config "$dir/actorsmtp.conf" >"$dir/log" 2>&1 &
  PID[$name]=$! SPOOL[$name]=$SPOOLS/$name/mail
  STARTED_PIDS+=("$!")
  for _ in $(seq 600); do
    port=$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$dir/log" | head -1 | cut -d: -f2) || true
    [[ -n $port ]] && break
    kill -0 "${PID[$name]}" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z $port ]]; then
    echo "$name did not report 'listening on 127.0.0.1:PORT'; its log:" >&2
    tail -20 "$dir/log" >&2
    exit 4
  fi
  PORT[$name]=$port
  echo "$name: pid ${PID[$name]}, 127.0.0.1:$port, spool $dir/mail"
}

# ---------------------------------------------------------------- one measured run
cpu_ticks() { # utime+stime of all threads; fields 14 and 15, counted after the ")" that ends comm
  local stat
  stat=$(<"/proc/$1/stat")
  awk '{print $12 + $13}' <<<"${stat##*) }"
}

MOVED_SPOOLS=0
clear_spool() {
  [[ -n ${SPOOL[$1]:-} ]] || return 0
  if ((FRESH_SPOOL)); then
    # A rename within $SPOOLS: no inode is freed until the cleanup at exit.
    mv "${SPOOL[$1]}" "$SPOOLS/old-spool.$((++MOVED_SPOOLS))"
    mkdir "${SPOOL[$1]}"
  else
    find "${SPOOL[$1]}" -mindepth 1 -delete
  fi
  sync
}

create_cost() { # server -> µs per new 1 KB file in its spool (1000 files in a new subfolder), "-" for the others
  [[ $1 == actorsmtp-file ]] || { echo -; return; }
  # On ext4 without a journal, a new inode is searched past every inode freed in the last 60 s (anyone's,
  # in the same block group), which costs the file sink's throughput; this says how much it did here.
  python3 - "${SPOOL[$1]}/.create-probe" <<'PY'
import os, sys, time
os.mkdir(sys.argv[1])
start = time.perf_counter()
for i in range(1000):
    fd = os.open(os.path.join(sys.argv[1], str(i)), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    os.write(fd, b"x" * 1024)
    os.close(fd)
print(f"{(time.perf_counter() - start) * 1000:.0f}")
PY
}

smtp_source() { # server shape messages -> runs smtp-source, prints the last -c counter value
  local server=$1 shape=$2 messages=$3 keep=() out=$WORK/source.out
  ((KEEP_CONNECTION[$shape])) && keep=(-d)
  timeout "$SOURCE_TIMEOUT" "$SMTP_SOURCE" -c "${keep[@]}" -s "${SESSIONS[$shape]}" -m "$messages" -l "${PAYLOAD[$shape]}" \
    -M localhost -f bench@localhost -t sink@localhost "127.0.0.1:${PORT[$server]}" >"$out" 2>&1 || true
  # -c prints "1\r2\r3..."; the last number is how many DATA commands completed with 250.
  tr '\r' '\n' <"$out" | grep -E '^[0-9]+$' | tail -1 || echo 0
}

scaled_messages() { # shape -> its message count times --scale, at least 1
  awk -v m="${MESSAGES[$1]}" -v f="$SCALE" 'BEGIN{n=int(m*f); print n<1?1:n}'
}

measure() { # rep pair server shape
  local rep=$1 pair=$2 server=$3 shape=$4 pid=${PID[$3]}
  local messages cpu0 cpu1 t0 t1 accepted status create
  messages=$(scaled_messages "$shape")
  clear_spool "$server"
  create=$(create_cost "$server")
  echo 5 >"/proc/$pid/clear_refs"
  cpu0=$(cpu_ticks "$pid")
  t0=$(date +%s.%N)
  accepted=$(smtp_source "$server" "$shape" "$messages")
  t1=$(date +%s.%N)
  cpu1=$(cpu_ticks "$pid")
  status=ok
  ((accepted == messages)) || status=FAILED
  awk -v rep="$rep" -v pair="$pair" -v server="$server" -v shape="$shape" -v m="$messages" -v d="$accepted" \
    -v t0="$t0" -v t1="$t1" -v c="$((cpu1 - cpu0))" -v tck="$CLK_TCK" -v hwm="$(awk '/^VmHWM:/{print $2}' "/proc/$pid/status")" \
    -v status="$status" -v create="$create" 'BEGIN{
      s = t1 - t0; rate = d / s; cpu = d ? c * 1000 / tck / d * 1000 : 0
      printf "rep=%s pair=%s shape=%s server=%s messages=%d done=%d seconds=%.3f msgps=%.1f cpu_ms_per_1k=%.1f peak_rss_mb=%.1f create_us=%s status=%s\n",
        rep, pair, shape, server, m, d, s, rate, cpu, hwm / 1024, create, status }' | tee -a "$RAW"
}

warm_up() { # server: JIT and buffers settle before anything is recorded
  local server=$1 shape round
  for shape in 1k-c16 100k-c16 1k-c16-newconn; do
    smtp_source "$server" "$shape" "$(awk -v f="$SCALE" -v s="$shape" 'BEGIN{n=(s=="100k-c16"?500:s=="1k-c16"?5000:2000)*f; print n<1?1:int(n)}')" >/dev/null
  done
  # Then each measured shape in full, unrecorded: .NET's tiered JIT keeps recompiling hot methods for
  # seconds of load after start (1 300 methods during a new-connection run after the short warm-up alone).
  for round in $(seq "$WARM"); do
    for shape in "${SHAPE_LIST[@]}"; do
      smtp_source "$server" "$shape" "$(scaled_messages "$shape")" >/dev/null
    done
    clear_spool "$server"
  done
  clear_spool "$server"
  echo "warmed up: $server"
}

# ---------------------------------------------------------------- main
echo "results: $OUT"
{
  echo "date=$(date -u +%FT%TZ) servers=$SERVERS shapes=$SHAPES reps=$REPS scale=$SCALE warm=$WARM fresh-spool=$FRESH_SPOOL file-sync=$FILE_SYNC"
  echo "env: $SERVER_ENV"
  # A journal-less ext4 skips recently freed inodes at every file creation (BENCHMARKS.md, file sink).
  echo "spool: $SPOOLS on $(findmnt -no SOURCE,FSTYPE -T "$SPOOLS" | tr -s ' ')$(
    dev=$(findmnt -no SOURCE -T "$SPOOLS"); dev=${dev##*/}
    [[ -r /sys/fs/ext4/$dev/journal_task ]] && echo ", ext4 journal task: $(<"/sys/fs/ext4/$dev/journal_task")")"
  echo "smtp-source/smtp-sink: $(dpkg-query -W -f='${Version}' postfix 2>/dev/null || echo unknown)"
} >"$OUT/environment.txt"

start_sink
for variant in "${VARIANTS[@]}"; do start_actorsmtp "$variant"; done
warm_up sink
for variant in "${VARIANTS[@]}"; do warm_up "$variant"; done

pair=0
for rep in $(seq "$REPS"); do
  for shape in "${SHAPE_LIST[@]}"; do
    if ((${#VARIANTS[@]} == 0)); then
      measure "$rep" "$((++pair))" sink "$shape"
    fi
    for variant in "${VARIANTS[@]}"; do
      pair=$((pair + 1))
      measure "$rep" "$pair" "$variant" "$shape"
      measure "$rep" "$pair" sink "$shape"
    done
  done
done

PROBES=$OUT/probes.txt
: >"$PROBES"
probe_targets=("${VARIANTS[@]}" sink)
if ((IDLE > 0)); then
  for server in actorsmtp-null sink; do
    [[ -n ${PID[$server]:-} ]] || continue
    echo "idle connections: $server x $IDLE"
    line=$(dotnet "$LOAD_DLL" idle --target "127.0.0.1:${PORT[$server]}" --connections "$IDLE" --pid "${PID[$server]}" | tail -1) || true
    echo "server=$server $line" | tee -a "$PROBES"
  done
fi
if [[ $BIG != 0 ]]; then
  for server in "${probe_targets[@]}"; do
    echo "one $BIG message: $server"
    clear_spool "$server"
    line=$(dotnet "$LOAD_DLL" big --target "127.0.0.1:${PORT[$server]}" --size "$BIG" --pid "${PID[$server]}" | tail -1) || true
    echo "server=$server $line" | tee -a "$PROBES"
    clear_spool "$server"
  done
fi

python3 "$ROOT/load-tests/summarize-compare.py" "$RAW" "$PROBES" "$OUT/environment.txt" >"$OUT/summary.md"
echo
cat "$OUT/summary.md"
if grep -q 'status=FAILED' "$RAW"; then
  echo "some runs did not reach their message count (status=FAILED in $RAW)" >&2
  exit 1
fi
