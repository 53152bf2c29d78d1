#!/usr/bin/env bash
# Starts and stops a real, single-node Apache Kafka broker (KRaft) for @iap's integration tests.
#
#   scripts/kafka.sh up       resolve jars with Maven (cached), format a fresh log dir, start on 127.0.0.1:9092
#   scripts/kafka.sh start    start on the existing log dir, keeping its data (formats one only if there is none)
#   scripts/kafka.sh restart  stop the broker started by this script and `start` it again: same data, no reformat
#   scripts/kafka.sh down     stop the broker started by `up` / `start` (by PID)
#   scripts/kafka.sh status   print whether the broker is running
#   scripts/kafka.sh jars     only resolve the jars (used by scripts/testing/private-kafka.ts)
#
# Jars and state live outside the repository, in ${IAP_CACHE_DIR:-$HOME/.cache/iap}.
# Running `up` twice is harmless: a broker that already answers is left alone.
# When KAFKA_BROKERS names any broker other than 127.0.0.1:$IAP_KAFKA_PORT (default 9092), no broker is
# ever started: `up` and `start` only check that the first one named accepts connections, and
# `restart` refuses. A broker is only started on the port this script owns.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HERE/kafka/pom.xml")"
CACHE="${IAP_CACHE_DIR:-$HOME/.cache/iap}"
LIBS="$CACHE/kafka-$KAFKA_VERSION/libs"
RUN="$CACHE/kafka-run"
PID_FILE="$RUN/kafka.pid"
LOG_FILE="$RUN/kafka.log"
PORT="${IAP_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${IAP_KAFKA_CONTROLLER_PORT:-9093}"

log() { printf '[kafka] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running_pid() {
  if [[ -f "$PID_FILE" ]]; then
    local pid; pid="$(cat "$PID_FILE")"
    if kill -0 "$pid" 2>/dev/null; then echo "$pid"; return 0; fi
  fi
  return 1
}

# True when KAFKA_BROKERS is unset or names only this script's broker (127.0.0.1 or localhost on $PORT).
own_brokers() {
  local list="${KAFKA_BROKERS:-}" entry
  [[ -z "${list//[ ,]/}" ]] && return 0
  IFS=',' read -ra entries <<<"$list"
  for entry in "${entries[@]}"; do
    entry="${entry// /}"
    [[ -z "$entry" ]] && continue
    [[ "$entry" == "127.0.0.1:$PORT" || "$entry" == "localhost:$PORT" ]] || return 1
  done
  return 0
}

# Used instead of starting a broker when KAFKA_BROKERS names another one: succeeds when it accepts connections.
use_given_brokers() {
  local first="${KAFKA_BROKERS%%,*}"; first="${first// /}"
  log "KAFKA_BROKERS=$KAFKA_BROKERS names a broker other than 127.0.0.1:$PORT: using it, not starting one"
  if timeout 5 bash -c "exec 3<>/dev/tcp/${first%:*}/${first##*:}" 2>/dev/null; then
    log "$first accepts connections"; return 0
  fi
  log "$first does not accept connections"; return 1
}

resolve_jars() {
  if [[ -f "$LIBS/.complete" ]]; then return 0; fi
  command -v mvn >/dev/null || { log "mvn not found: cannot resolve Apache Kafka $KAFKA_VERSION"; exit 3; }
  command -v java >/dev/null || { log "java not found: cannot run Apache Kafka"; exit 3; }
  log "resolving Apache Kafka $KAFKA_VERSION from Maven Central into $LIBS"
  rm -rf "$LIBS"; mkdir -p "$LIBS"
  mvn -B -q -f "$HERE/kafka/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIBS" >&2
  touch "$LIBS/.complete"
}

wait_ready() {
  local deadline=$((SECONDS + ${IAP_KAFKA_START_TIMEOUT:-120}))
  while (( SECONDS < deadline )); do
    if ! running_pid >/dev/null; then
      log "broker exited during start; last log lines:"; tail -n 30 "$LOG_FILE" >&2 || true; exit 1
    fi
    if port_open "$PORT" && node "$HERE/kafka-ready.mjs" "127.0.0.1:$PORT" 2>/dev/null; then
      log "ready on 127.0.0.1:$PORT (pid $(cat "$PID_FILE"), log $LOG_FILE)"; return 0
    fi
    sleep 1
  done
  log "broker did not answer metadata requests in time; log: $LOG_FILE"; exit 1
}

JVM=(-Xms256m -Xmx1g -XX:+UseG1GC "-Dlog4j2.configurationFile=$HERE/kafka/log4j2.properties" "-Diap.kafka.log=$LOG_FILE")

write_config() {
  cat > "$RUN/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$RUN/data
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.flush.interval.messages=100000
PROPS
}

# Wipes $RUN and formats a fresh log dir.
format_fresh() {
  rm -rf "$RUN"; mkdir -p "$RUN/data"
  write_config
  local cluster_id
  cluster_id="$(java -cp "$LIBS/*" "${JVM[@]}" kafka.tools.StorageTool random-uuid | tail -n 1)"
  java -cp "$LIBS/*" "${JVM[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$RUN/server.properties" >>"$LOG_FILE" 2>&1
}

launch() {
  log "starting Apache Kafka $KAFKA_VERSION (KRaft) on 127.0.0.1:$PORT"
  nohup java -cp "$LIBS/*" "${JVM[@]}" kafka.Kafka "$RUN/server.properties" >>"$LOG_FILE" 2>&1 &
  echo $! > "$PID_FILE"
  wait_ready
}

# True (after logging) when a broker is already there, so nothing must be started.
already_running() {
  if running_pid >/dev/null; then wait_ready; return 0; fi
  if port_open "$PORT" && node "$HERE/kafka-ready.mjs" "127.0.0.1:$PORT" 2>/dev/null; then
    log "a broker already answers on 127.0.0.1:$PORT; leaving it alone"; return 0
  fi
  return 1
}

up() {
  if ! own_brokers; then use_given_brokers; return; fi
  if already_running; then return 0; fi
  resolve_jars
  format_fresh
  launch
}

start() {
  if ! own_brokers; then use_given_brokers; return; fi
  if already_running; then return 0; fi
  resolve_jars
  if [[ -f "$RUN/data/meta.properties" ]]; then
    mkdir -p "$RUN"; write_config
    log "keeping the data in $RUN/data"
  else
    log "no formatted log dir in $RUN/data: formatting a fresh one"
    format_fresh
  fi
  launch
}

restart() {
  if ! own_brokers; then
    log "KAFKA_BROKERS=$KAFKA_BROKERS names a broker other than 127.0.0.1:$PORT: not restarting anything"; exit 1
  fi
  if ! running_pid >/dev/null && port_open "$PORT"; then
    log "the broker on 127.0.0.1:$PORT was not started by this script: not restarting it"; exit 1
  fi
  down
  start
}

down() {
  local pid
  if pid="$(running_pid)"; then
    log "stopping broker (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  else
    log "no broker started by this script is running"
  fi
  rm -f "$PID_FILE"
}

status() {
  if pid="$(running_pid)"; then echo "running (pid $pid) on 127.0.0.1:$PORT"; else echo "stopped"; fi
}

case "${1:-}" in
  up) up ;;
  start) start ;;
  restart) restart ;;
  down) down ;;
  status) status ;;
  jars) resolve_jars ;;
  *) echo "usage: $0 up|start|restart|down|status|jars" >&2; exit 2 ;;
esac
