#!/usr/bin/env bash
# scripts/cluster.sh start [SILOS] | stop | status
#
# A real multi-process cluster on this machine: PostgreSQL (Orleans ADO.NET clustering, grain state, reminders),
# RabbitMQ (job intake), moto_server (S3 object store), SILOS silo processes (default 2) and a separate Client.Api
# process, all on loopback. `start` starts the services (scripts/services.sh), applies the schema with
# `Vsr.Silo --init-db`, starts the processes and waits until the API answers. The API listens on
# http://127.0.0.1:${VSR_CLUSTER_API_PORT:-5090}. `stop` stops the processes by PID, then the services.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
base="$root/.vsr/cluster"
api_port="${VSR_CLUSTER_API_PORT:-5090}"

say() { echo "cluster: $*" >&2; }

cluster_env() {
  # shellcheck source=/dev/null
  source "$root/.vsr/services/env"
  export ASPNETCORE_ENVIRONMENT=Production
  export ConnectionStrings__Postgres="$VSR_TEST_PG"
  export Vsr__Clustering=AdoNet Orleans__ClusterId=vsr-local Orleans__ServiceId=vsr-local
  export Vsr__GrainState=AdoNet
  export Vsr__ObjectStore__Kind=S3 Vsr__ObjectStore__S3__Endpoint="$VSR_TEST_S3" Vsr__ObjectStore__S3__Bucket=vsr \
    Vsr__ObjectStore__S3__AccessKey=vsr-local Vsr__ObjectStore__S3__SecretKey=vsr-local-secret Vsr__ObjectStore__S3__UseSsl=false
  export Vsr__Queue__Kind=RabbitMq Vsr__Queue__RabbitMq__Uri="$VSR_TEST_AMQP"
  export Vsr__ModelsDirectory="$root/.vsr/models"
}

# Stops the processes a failed start left behind, and the services too unless they were running before it.
abandon_start() {
  say "start failed; stopping what it started"
  stop_processes
  [ "$services_were_running" = yes ] || scripts/services.sh stop || true
}

start() {
  local silos="${1:-2}"
  if [[ "$(status)" == *running* ]]; then
    status >&2
    say "a cluster is already running here; run '$0 stop' first"
    exit 1
  fi
  scripts/setup.sh
  scripts/fetch-model.sh
  services_were_running=no
  # Not "status | grep -q": grep leaves at the first match, and under pipefail the writer's SIGPIPE fails the test.
  [[ "$(scripts/services.sh status)" == *running* ]] && services_were_running=yes
  trap abandon_start EXIT
  scripts/services.sh start   # services already running are left as they are
  say "building"
  dotnet build Silo/Silo.csproj -c Release -nologo -v q -clp:ErrorsOnly
  dotnet build Client.Api/Client.Api.csproj -c Release -nologo -v q -clp:ErrorsOnly
  mkdir -p "$base"
  cluster_env
  say "applying the PostgreSQL schema"
  dotnet Silo/bin/Release/net10.0/Vsr.Silo.dll --init-db >"$base/init-db.log" 2>&1 || { tail -20 "$base/init-db.log" >&2; exit 1; }
  for i in $(seq 1 "$silos"); do
    local dir="$base/silo$i"
    mkdir -p "$dir"
    # Ports beside, not on, the single-node defaults (11111, 30000) that ./run.sh uses, so both can run at once.
    ( export Orleans__SiloPort=$((11120 + i)) Orleans__GatewayPort=$((30020 + i)) Vsr__Devices__0=cpu:0 \
        Vsr__WorkDirectory="$dir/work" Serilog__MinimumLevel__Default=Information
      exec dotnet Silo/bin/Release/net10.0/Vsr.Silo.dll --urls "http://127.0.0.1:$((5100 + i))" --contentRoot "$root/Silo" ) \
      >"$dir/silo.log" 2>&1 &
    echo $! >"$dir/pid"
    say "silo $i: pid $(cat "$dir/pid"), silo port $((11120 + i)), gateway $((30020 + i)), http $((5100 + i))"
  done
  for i in $(seq 1 "$silos"); do wait_for "silo $i" "http://127.0.0.1:$((5100 + i))/health" "$base/silo$i/silo.log" "$base/silo$i/pid"; done
  mkdir -p "$base/api"
  ( export Orleans__Mode=Client Vsr__Api__ScratchDirectory="$base/api/scratch"
    exec dotnet Client.Api/bin/Release/net10.0/Vsr.Client.Api.dll --urls "http://127.0.0.1:$api_port" --contentRoot "$root/Client.Api" ) \
    >"$base/api/api.log" 2>&1 &
  echo $! >"$base/api/pid"
  wait_for "api" "http://127.0.0.1:$api_port/health" "$base/api/api.log" "$base/api/pid"
  trap - EXIT
  say "ready: API http://127.0.0.1:$api_port, $silos silos"
}

# Waits for URL to answer; a process that has exited (a port in use, a bad setting) fails the start at once.
wait_for() {
  local what="$1" url="$2" log="$3" pidfile="$4"
  for _ in $(seq 1 240); do
    curl -fs "$url" >/dev/null 2>&1 && return 0
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      tail -n 30 "$log" >&2
      say "$what exited before it answered at $url (log: $log)"
      exit 1
    fi
    sleep 0.5
  done
  tail -n 30 "$log" >&2
  say "$what did not answer at $url within 120 s (log: $log)"
  exit 1
}

stop() {
  stop_processes
  scripts/services.sh stop
}

stop_processes() {
  for pidfile in "$base"/api/pid "$base"/silo*/pid; do
    [ -f "$pidfile" ] || continue
    local pid; pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

status() {
  for pidfile in "$base"/api/pid "$base"/silo*/pid; do
    [ -f "$pidfile" ] || continue
    local pid; pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then echo "$(basename "$(dirname "$pidfile")"): running (pid $pid)"; else echo "$(basename "$(dirname "$pidfile")"): stopped"; fi
  done
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start [SILOS] | stop | status" >&2; exit 2 ;;
esac
