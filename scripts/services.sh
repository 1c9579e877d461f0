#!/usr/bin/env bash
# scripts/services.sh start [SERVICE...]|stop|status|restart rabbitmq
#
# The real services the integration tests need, on loopback, each under .vsr/services/<name>/ with its own data,
# log and PID file: PostgreSQL 15, RabbitMQ, moto_server (S3) and Prometheus. `start` installs what is missing
# (through scripts/setup.sh), starts each service (all four, or only those named: postgres rabbitmq moto prometheus)
# with a fresh data directory, waits until it answers and writes .vsr/services/env for the tests to source. `stop`
# stops each service by its PID; it is safe to run twice. `restart rabbitmq` stops the broker and starts it again on
# the same data directory (durable queues and persistent messages survive), as the broker-restart tests need.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="${VSR_SERVICES_DIR:-$root/.vsr/services}"

pg_port="${VSR_PG_PORT:-55432}"
amqp_port="${VSR_AMQP_PORT:-5672}"
amqp_dist_port="${VSR_AMQP_DIST_PORT:-25672}"
# The node name must be unique among the brokers that share this machine's epmd (port 4369).
amqp_node="${VSR_AMQP_NODENAME:-rabbit@localhost}"
s3_port="${VSR_S3_PORT:-5000}"
prometheus_port="${VSR_PROMETHEUS_PORT:-19090}"
pgbin="/usr/lib/postgresql/15/bin"

say() { echo "services: $*" >&2; }
fail() { say "ERROR: $*"; exit 1; }

# wait_until SECONDS WHAT LOG COMMAND...: polls COMMAND until it succeeds; on timeout prints the log's tail and fails.
wait_until() {
  local seconds="$1" what="$2" log="$3"; shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "$what did not become ready within ${seconds}s; last lines of $log:"
      tail -n 20 "$log" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.2
  done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

require_free_port() {
  port_in_use "$1" && fail "port $1 ($2) is already taken by another process; stop it or set $3"
  return 0
}

# alive FILE: whether the process FILE names is running and is the service FILE belongs to. A PID file left by a crash or
# a reboot may name some other process by now, which must be neither taken for the service nor killed.
alive() {
  local pid want
  [ -s "$1" ] || return 1
  pid="$(head -n 1 "$1")"
  kill -0 "$pid" 2>/dev/null || return 1
  case "$(basename "$1")" in
    postmaster.pid) want=postgres ;;
    rabbit.pid) want='beam|rabbit' ;;
    epmd.pid) want=epmd ;;
    moto.pid) want=moto ;;
    prometheus.pid) want=prometheus ;;
    *) return 0 ;;
  esac
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -Eq "$want"
}

# kill_pid_file FILE NAME: stops the process named in FILE (TERM, then KILL after 10 s) and removes the file.
kill_pid_file() {
  local file="$1" name="$2" pid
  [ -s "$file" ] || return 0
  pid="$(head -n 1 "$file")"
  if alive "$file"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name (pid $pid) ignored TERM; killing it"
      kill -9 "$pid" 2>/dev/null || true
    fi
    say "stopped $name (pid $pid)"
  fi
  rm -f "$file"
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# timed NAME COMMAND...: runs COMMAND and reports how long NAME took to become ready.
timed() {
  local name="$1" t0; shift
  t0="$(date +%s.%N)"
  "$@"
  say "$name ready in $(since "$t0") s"
}

# --- PostgreSQL -----------------------------------------------------------------------------------------------------
start_postgres() {
  local dir="$base/postgres" data="$base/postgres/data"
  if [ -s "$data/postmaster.pid" ] && alive "$data/postmaster.pid"; then say "postgres already running"; return; fi
  require_free_port "$pg_port" postgres VSR_PG_PORT
  [ -x "$pgbin/initdb" ] || fail "PostgreSQL 15 is not installed at $pgbin (apt package postgresql)"
  rm -rf "$data"
  mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$dir"
  as_postgres "$pgbin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
    || { tail -n 20 "$dir/initdb.log" >&2; fail "initdb failed (log: $dir/initdb.log)"; }
  as_postgres "$pgbin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 30 \
    -o "-p $pg_port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >"$dir/pg_ctl.log" 2>&1 \
    || { tail -n 20 "$dir/server.log" >&2; fail "postgres did not start within 30 s (log: $dir/server.log)"; }
  wait_until 30 postgres "$dir/server.log" "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$pg_port"
  psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c 'CREATE DATABASE vsr' >>"$dir/pg_ctl.log" 2>&1 \
    || fail "could not create database vsr (log: $dir/pg_ctl.log)"
}

stop_postgres() {
  local data="$base/postgres/data"
  alive "$data/postmaster.pid" || return 0
  as_postgres "$pgbin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  # pg_ctl stops by the PID in postmaster.pid; fall back to that PID if it could not.
  kill_pid_file "$data/postmaster.pid" postgres
  say "stopped postgres"
}

# --- RabbitMQ -------------------------------------------------------------------------------------------------------
rabbit_env() {
  local dir="$base/rabbitmq"
  export HOME="$dir" RABBITMQ_NODENAME="$amqp_node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$amqp_port" RABBITMQ_DIST_PORT="$amqp_dist_port" RABBITMQ_MNESIA_BASE="$dir/mnesia" \
    RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/rabbit.pid" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    ERL_EPMD_ADDRESS=127.0.0.1 PATH="/usr/lib/rabbitmq/bin:$PATH"
}

start_rabbitmq() {
  local dir="$base/rabbitmq"
  if alive "$dir/rabbit.pid"; then say "rabbitmq already running"; return; fi
  command -v /usr/lib/rabbitmq/bin/rabbitmq-server >/dev/null || fail "RabbitMQ is not installed (apt package rabbitmq-server)"
  require_free_port "$amqp_port" rabbitmq VSR_AMQP_PORT
  require_free_port "$amqp_dist_port" "rabbitmq distribution" VSR_AMQP_DIST_PORT
  rm -rf "$dir"
  mkdir -p "$dir/log"
  boot_rabbitmq
}

# boot_rabbitmq: starts the broker on whatever data directory is there (fresh from start_rabbitmq, or kept by restart).
boot_rabbitmq() {
  local dir="$base/rabbitmq"
  (
    rabbit_env
    echo '[].' >"$RABBITMQ_ENABLED_PLUGINS_FILE"
    # The Erlang port mapper is started here, not by the broker, so that `stop` owns its PID. When another epmd
    # already serves port 4369 the broker uses that one and it is left alone.
    if ! port_in_use 4369; then
      epmd="$(command -v epmd || ls /usr/lib/erlang/erts-*/bin/epmd 2>/dev/null | head -n 1)"
      [ -n "$epmd" ] || fail "epmd not found (apt package erlang-base)"
      setsid "$epmd" >"$dir/log/epmd.log" 2>&1 </dev/null &
      echo $! >"$dir/epmd.pid"
      wait_until 10 epmd "$dir/log/epmd.log" port_in_use 4369
    fi
    rabbitmq-server -detached >"$dir/log/start.log" 2>&1 || { tail -n 20 "$dir/log/start.log" >&2; fail "rabbitmq-server failed to start"; }
    wait_until 30 "rabbitmq (pid file)" "$dir/log/start.log" test -s "$RABBITMQ_PID_FILE"
    timeout 90 rabbitmqctl -q wait --timeout 60 "$RABBITMQ_PID_FILE" >"$dir/log/wait.log" 2>&1 \
      || { tail -n 20 "$dir/log/wait.log" "$dir"/log/*.log >&2 2>/dev/null; fail "rabbitmq did not boot within 60 s (logs: $dir/log)"; }
    wait_until 30 rabbitmq "$dir/log/wait.log" port_in_use "$amqp_port"
  )
}

# shutdown_rabbitmq: stops the broker by its PID and keeps its data directory.
shutdown_rabbitmq() {
  local dir="$base/rabbitmq"
  alive "$dir/rabbit.pid" || return 0
  (rabbit_env; timeout 30 rabbitmqctl -q shutdown >/dev/null 2>&1) || true
  kill_pid_file "$dir/rabbit.pid" rabbitmq
  say "stopped rabbitmq"
}

restart_rabbitmq() {
  local dir="$base/rabbitmq"
  [ -d "$dir/mnesia" ] || fail "rabbitmq was never started here ($dir); run '$0 start rabbitmq' first"
  shutdown_rabbitmq
  timed rabbitmq boot_rabbitmq
}

stop_rabbitmq() {
  shutdown_rabbitmq
  kill_pid_file "$base/rabbitmq/epmd.pid" epmd
}

# --- moto_server (S3) -----------------------------------------------------------------------------------------------
start_moto() {
  local dir="$base/moto"
  if alive "$dir/moto.pid"; then say "moto_server already running"; return; fi
  [ -d "$HOME/.pyenv/shims" ] && PATH="$HOME/.pyenv/shims:$PATH"
  command -v moto_server >/dev/null || fail "moto_server is not on PATH. It is expected preinstalled (Python moto with
  the server extra, through pyenv at ~/.pyenv/shims); without it the S3 tests cannot run. Install it with pip
  ('moto[server]') and run again."
  require_free_port "$s3_port" moto_server VSR_S3_PORT
  rm -rf "$dir"
  mkdir -p "$dir"
  setsid moto_server -H 127.0.0.1 -p "$s3_port" >"$dir/server.log" 2>&1 </dev/null &
  echo $! >"$dir/moto.pid"
  wait_until 30 moto_server "$dir/server.log" curl -sf -o /dev/null "http://127.0.0.1:$s3_port/moto-api/"
}

stop_moto() { kill_pid_file "$base/moto/moto.pid" moto_server; }

# --- Prometheus -----------------------------------------------------------------------------------------------------
# VSR_PROMETHEUS_TARGETS: comma-separated host:port list to scrape (/metrics); empty means scrape nothing yet.
write_prometheus_config() {
  local file="$1" targets=""
  if [ -n "${VSR_PROMETHEUS_TARGETS:-}" ]; then
    targets="$(tr ',' '\n' <<<"$VSR_PROMETHEUS_TARGETS" | sed '/^$/d; s/.*/"&"/' | paste -sd, -)"
  fi
  {
    echo "# Written by scripts/services.sh; regenerated on every start."
    echo "global:"
    echo "  scrape_interval: 5s"
    echo "  evaluation_interval: 5s"
    echo "scrape_configs:"
    if [ -n "$targets" ]; then
      echo "  - job_name: vsr"
      echo "    static_configs:"
      echo "      - targets: [$targets]"
    else
      echo "  []"
    fi
  } >"$file"
}

start_prometheus() {
  local dir="$base/prometheus"
  if alive "$dir/prometheus.pid"; then say "prometheus already running"; return; fi
  command -v prometheus >/dev/null || fail "Prometheus is not installed (apt package prometheus)"
  require_free_port "$prometheus_port" prometheus VSR_PROMETHEUS_PORT
  rm -rf "$dir"
  mkdir -p "$dir/data"
  write_prometheus_config "$dir/prometheus.yml"
  # What it scrapes, for the env file of every later start while it runs (a start without the variable keeps it).
  printf '%s' "${VSR_PROMETHEUS_TARGETS:-}" >"$dir/targets"
  if command -v promtool >/dev/null; then
    promtool check config "$dir/prometheus.yml" >"$dir/check.log" 2>&1 || { cat "$dir/check.log" >&2; fail "invalid prometheus config"; }
  fi
  setsid prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$prometheus_port" --web.enable-lifecycle >"$dir/server.log" 2>&1 </dev/null &
  echo $! >"$dir/prometheus.pid"
  wait_until 30 prometheus "$dir/server.log" curl -sf -o /dev/null "http://127.0.0.1:$prometheus_port/-/ready"
}

stop_prometheus() { kill_pid_file "$base/prometheus/prometheus.pid" prometheus; }

# --- commands -------------------------------------------------------------------------------------------------------
write_env() {
  cat >"$base/env" <<EOF
# Written by scripts/services.sh start; source it before running the integration tests.
export VSR_TEST_PG='Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=vsr;Pooling=true'
export VSR_TEST_AMQP='amqp://guest:guest@127.0.0.1:$amqp_port/'
# What 'scripts/services.sh restart rabbitmq' needs to find this broker again.
export VSR_SERVICES_DIR='$base' VSR_AMQP_PORT='$amqp_port' VSR_AMQP_DIST_PORT='$amqp_dist_port' VSR_AMQP_NODENAME='$amqp_node'
export VSR_TEST_S3='http://127.0.0.1:$s3_port'
export VSR_TEST_PROMETHEUS='http://127.0.0.1:$prometheus_port'
# What Prometheus scrapes (the metrics test listens on the first of them).
export VSR_PROMETHEUS_TARGETS='$(cat "$base/prometheus/targets" 2>/dev/null || true)'
EOF
}

start() {
  local t0 name services=("$@")
  [ ${#services[@]} -gt 0 ] || services=(postgres rabbitmq moto prometheus)
  for name in "${services[@]}"; do
    case "$name" in postgres|rabbitmq|moto|prometheus) ;; *) fail "unknown service '$name' (postgres rabbitmq moto prometheus)" ;; esac
  done
  t0="$(date +%s.%N)"
  mkdir -p "$base"
  "$root/scripts/setup.sh" postgresql rabbitmq-server prometheus
  rm -f "$base/env"
  # A half-started set is stopped again, so that a failed start never leaves stray processes behind.
  trap 'rc=$?; if [ $rc -ne 0 ]; then say "start failed; stopping what did start"; stop; fi' EXIT
  for name in "${services[@]}"; do
    case "$name" in
      postgres) timed postgres start_postgres ;;
      rabbitmq) timed rabbitmq start_rabbitmq ;;
      moto) timed moto_server start_moto ;;
      prometheus) timed prometheus start_prometheus ;;
    esac
  done
  write_env
  say "${services[*]} ready in $(since "$t0") s; env in $base/env"
}

stop() {
  # Each stop runs even when an earlier one fails.
  stop_prometheus || true
  stop_moto || true
  stop_rabbitmq || true
  stop_postgres || true
  rm -f "$base/env"
}

status() {
  local name file
  for name in postgres/data/postmaster rabbitmq/rabbit rabbitmq/epmd moto/moto prometheus/prometheus; do
    file="$base/$name.pid"
    if alive "$file"; then echo "${name##*/}: running (pid $(head -n 1 "$file"))"; else echo "${name##*/}: stopped"; fi
  done
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  restart)
    [ "${2:-}" = rabbitmq ] || { echo "usage: $0 restart rabbitmq" >&2; exit 2; }
    restart_rabbitmq ;;
  *) echo "usage: $0 start [postgres|rabbitmq|moto|prometheus ...]|stop|status|restart rabbitmq" >&2; exit 2 ;;
esac
