#!/usr/bin/env bash
# ./test.sh — installs what the tests need, runs every test project, and ends with one line: "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

scripts/setup.sh || exit 1
scripts/fetch-model.sh || exit 1

results="$root/.vsr/test-results"
rm -rf "$results"
mkdir -p "$results"

echo "test.sh: building"
dotnet build Orleans.sln -c Release -nologo -v q -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

status=0
for project in Tests/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  echo "test.sh: $name"
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" || status=1
done

passed=0 failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$passed" -eq 0 ] || { [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; }; then
  # A crashed or empty test run counts as a failure so that zero tests can never look green.
  failed=$((failed + 1)); status=1
fi
echo "$passed passed, $failed failed"
exit $status
