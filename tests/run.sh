#!/usr/bin/env bash
# Runs every test of the solution and ends with one plain summary line: "N passed, N failed, N skipped".
# Tests use real clients and servers: swaks, openssl, chromium + chromium-driver, unbound and postfix (for
# smtp-sink) are installed from Debian here when missing and we are root;
# Azurite (npm) is installed into .tools/azurite when missing.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need=()
command -v swaks >/dev/null || need+=(swaks)
command -v openssl >/dev/null || need+=(openssl)
# The mailbox page runs in a real headless browser; the relay sink meets Postfix's smtp-sink and resolves MX
# records with a real DNS server.
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
command -v unbound >/dev/null || [ -x /usr/sbin/unbound ] || need+=(unbound)
[ -x /usr/sbin/smtp-sink ] || need+=(postfix)
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    # postfix only for its smtp-sink: unconfigured, so no mail system starts.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections 2>/dev/null || true
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing: ${need[*]} (install with: sudo apt-get install -y ${need[*]})" >&2
    exit 1
  fi
fi

# The blob sink tests start a real Azurite (npm "azurite"; Node 20 gets 3.35.x). Installed under .tools/
# (no root needed) unless azurite-blob is on PATH.
if ! command -v azurite-blob >/dev/null && [ ! -x .tools/azurite/node_modules/.bin/azurite-blob ]; then
  if command -v npm >/dev/null; then
    mkdir -p .tools/azurite
    npm install --prefix .tools/azurite --no-audit --no-fund --loglevel=error azurite@3.35 >/dev/null || {
      echo "npm install azurite failed" >&2
      exit 1
    }
  else
    echo "missing: npm, for azurite (install with: sudo apt-get install -y nodejs npm)" >&2
    exit 1
  fi
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test ActorSmtp.sln -c Release 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
# dotnet test prints one "Passed!/Failed!  - Failed: n, Passed: n, Skipped: n, ..." line per test assembly.
grep -E '^(Passed|Failed)! +- Failed: ' "$log" | awk -F'[:,]' '{f+=$2; p+=$4; s+=$6}
  END {printf "%d passed, %d failed, %d skipped\n", p, f, s; if (NR==0) exit 3}' || { echo "no test summary found"; rc=1; }
exit "$rc"
