#!/usr/bin/env bash
# The long fuzz run: AFL++ drives one SharpFuzz target over the instrumented ActorSmtp.Protocol.dll.
#
#   tests/ActorSmtp.Fuzzing/fuzz.sh TARGET [SECONDS]       TARGET: session | data | proxy; SECONDS default 600
#
# Needs afl++ (Debian package, installed here when missing and run as root) and the SharpFuzz.CommandLine dotnet
# tool (installed into the work folder). Findings go to $FUZZ_WORK/findings/TARGET (default /tmp/actorsmtp-fuzz);
# every crash is replayed at the end through the uninstrumented harness so its exception is printed:
#
#   $FUZZ_WORK/bin/ActorSmtp.Fuzzing TARGET FILE...        replays inputs (exit 1 if any fails)
#
# A crash is any exception: FuzzInvariantException is a broken invariant (replies depend on the split, more than
# one reply per line, unbounded held input, decoder differs from the reference, PROXY prefixes inconsistent).
# Fix the bug, then add the input to corpus/TARGET so the test run (FuzzSmokeTests) keeps replaying it.
set -euo pipefail

target=${1:?usage: fuzz.sh session|data|proxy [SECONDS]}
seconds=${2:-600}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=${FUZZ_WORK:-${TMPDIR:-/tmp}/actorsmtp-fuzz}
[ -d "$here/corpus/$target" ] || { echo "no corpus for target '$target'" >&2; exit 2; }
mkdir -p "$work"

if ! command -v afl-fuzz >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
  else
    echo "afl-fuzz missing: sudo apt-get install -y afl++" >&2
    exit 1
  fi
fi
if [ ! -x "$work/tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$work/tools" >/dev/null
fi

# Publish, then instrument only the assembly under test (the harness itself stays uninstrumented).
rm -rf "$work/bin"
dotnet publish "$here/ActorSmtp.Fuzzing.csproj" -c Release -o "$work/bin" --nologo -v quiet
"$work/tools/sharpfuzz" "$work/bin/ActorSmtp.Protocol.dll"

# dotnet is not an AFL-instrumented binary (coverage comes from SharpFuzz's shared memory), and containers
# rarely let us set core_pattern or the CPU governor.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=${AFL_NO_UI:-1}
findings="$work/findings/$target"
rm -rf "$findings" && mkdir -p "$work/findings"
afl-fuzz -V "$seconds" -i "$here/corpus/$target" -o "$findings" -x "$here/smtp.dict" -t 5000 -m none \
  -- "$work/bin/ActorSmtp.Fuzzing" "$target" || true

stats="$findings/default/fuzzer_stats"
[ -f "$stats" ] && grep -E '^(execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg) ' "$stats"
shopt -s nullglob
crashes=("$findings"/default/crashes/id*)
echo "${#crashes[@]} crash(es) in $findings/default/crashes"
if ((${#crashes[@]})); then
  # Replay through the uninstrumented build so the exception is readable.
  dotnet build "$here/ActorSmtp.Fuzzing.csproj" -c Release --nologo -v quiet -o "$work/replay" >/dev/null
  "$work/replay/ActorSmtp.Fuzzing" "$target" "${crashes[@]}" || true
  exit 1
fi
