#!/usr/bin/env bash
# ./test.sh — installs what the tests need, runs every test project, and ends with one line: "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

# Every way out ends with the summary line, so that a run that never got to its tests reads as failed.
scripts/setup.sh postgresql rabbitmq-server prometheus patchelf gcc || { echo "test.sh: setup failed"; echo "0 passed, 1 failed"; exit 1; }
scripts/fetch-model.sh || { echo "test.sh: the model could not be fetched"; echo "0 passed, 1 failed"; exit 1; }
if scripts/services.sh status 2>/dev/null | grep -q ': running'; then
  # Another user of .vsr/services (scripts/cluster.sh, a manual start): the tests want fresh services and would stop these.
  echo "test.sh: services are already running in .vsr/services (scripts/services.sh status); stop them first (scripts/cluster.sh stop or scripts/services.sh stop)"
  echo "0 passed, 1 failed"
  exit 1
fi

results="$root/.vsr/test-results"
rm -rf "$results"
mkdir -p "$results"

# Real services for Tests/Integration.Tests (scripts/services.sh). They start while the solution builds, and are
# stopped again whatever happens: on success, on failure, on Ctrl-C.
services_stopped=0 services_pid=""
stop_services() {
  [ "$services_stopped" -eq 1 ] && return
  services_stopped=1
  [ -n "$services_pid" ] && wait "$services_pid" 2>/dev/null  # a start still under way finishes (or times out) before the stop
  scripts/services.sh stop >>"$results/services.log" 2>&1 || true
}
trap stop_services EXIT
trap 'exit 130' INT TERM
# Prometheus scrapes the metrics endpoint that Tests/Integration.Tests/Metrics/PrometheusScrapeTests.cs opens, on the
# first free port from 19191 (below the kernel's range for outgoing connections, so none takes it meanwhile); the test
# reads it from this variable.
if [ -z "${VSR_PROMETHEUS_TARGETS:-}" ]; then
  metrics_port="$(python3 -c '
import socket
for port in range(19191, 19991):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    break
')"
  export VSR_PROMETHEUS_TARGETS="127.0.0.1:${metrics_port:-19191}"
fi
echo "test.sh: starting services (log: .vsr/test-results/services.log)"
scripts/services.sh start >"$results/services.log" 2>&1 &
services_pid=$!

echo "test.sh: building"
dotnet build Orleans.sln -c Release -nologo -v q -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

status=0
if wait "$services_pid"; then
  grep 'ready in' "$results/services.log" | sed 's/^/test.sh: /'
  # shellcheck source=/dev/null
  source "$root/.vsr/services/env"
else
  # The integration tests then fail with a message that names the missing service variables.
  echo "test.sh: services did not start:"; tail -n 30 "$results/services.log"
  status=1
fi

projects=()
for project in Tests/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  projects+=("$name")
  echo "test.sh: $name"
  # A test that hangs is stopped (and named in the log) long before CI's own limit would end the run unsummed.
  dotnet test "$project" -c Release --no-build -nologo --blame-hang-timeout 20m --blame-hang-dump-type none \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" || status=1
done

stop_services

passed=0 failed=0
for name in "${projects[@]}"; do
  if [ ! -f "$results/$name.trx" ]; then
    # Its test host crashed before it wrote results: its tests count as one failure, whatever the others did.
    echo "test.sh: $name wrote no results (did its test host crash?)"
    failed=$((failed + 1)); status=1
  fi
done
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$failed" -gt 0 ]; then
  # CI shows only the end of the log, so the failures are named again here, each with its first message line.
  echo "test.sh: failed tests:"
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    awk '
      /<UnitTestResult / && /outcome="Failed"/ { match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); want = 1 }
      want && /<Message>/ { line = $0; sub(/.*<Message>/, "", line); sub(/<\/Message>.*/, "", line)
                            print "  " name ": " substr(line, 1, 400); want = 0 }
    ' "$trx"
  done
fi
if [ "$passed" -eq 0 ] || { [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; }; then
  # A crashed or empty test run counts as a failure so that zero tests can never look green.
  failed=$((failed + 1)); status=1
fi
echo "$passed passed, $failed failed"
exit $status
