#!/usr/bin/env bash
# A real Neo4j Community server on loopback, without Docker: its jars come from Maven Central.
#
#   scripts/neo4j/neo4j.sh start    fetch the jars (cached), start the server, wait for Bolt,
#                                   print the bolt:// URI
#   scripts/neo4j/neo4j.sh stop     stop it cleanly (SIGTERM, then SIGKILL after 60 s)
#   scripts/neo4j/neo4j.sh kill     stop it at once (SIGKILL): a throwaway server (tests)
#   scripts/neo4j/neo4j.sh fetch    fetch the jars only (cached), before servers start side by side
#   scripts/neo4j/neo4j.sh status   print the URI and exit 0 if it runs, exit 1 otherwise
#   scripts/neo4j/neo4j.sh uri      print the URI of the running server
#
# Environment (all optional):
#   NEO4J_PORT       Bolt port on 127.0.0.1 (default 7687; "auto" picks a free one)
#   NEO4J_RUN_DIR    server home: conf, data, logs, pid (default .neo4j/ in the repository)
#   NEO4J_CACHE      where the jars go (default ~/.cache/passerelle/neo4j-<version>)
#   NEO4J_PASSWORD   if set (8+ characters), auth is on with user neo4j and this password;
#                    otherwise auth is off (loopback only)
#   NEO4J_JAVA       the java binary (default: java on PATH, which must be 17 or newer)
#   NEO4J_HEAP       maximum heap (default 1g); NEO4J_PAGECACHE page cache (default 256m)
#   PYTHON           python with the neo4j driver, to wait for Bolt (default .venv/bin/python)
# See docs/neo4j.md for what this does and why.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
POM="$ROOT/scripts/neo4j/pom.xml"
VERSION="$(sed -n 's:.*<neo4j.version>\(.*\)</neo4j.version>.*:\1:p' "$POM")"
RUN_DIR="${NEO4J_RUN_DIR:-$ROOT/.neo4j}"
CACHE="${NEO4J_CACHE:-$HOME/.cache/passerelle/neo4j-$VERSION}"
JAVA="${NEO4J_JAVA:-java}"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3
PID_FILE="$RUN_DIR/neo4j.pid"
URI_FILE="$RUN_DIR/neo4j.uri"
START_TIMEOUT="${NEO4J_START_TIMEOUT:-180}"

say() { printf '%s\n' "$*" >&2; }
die() { say "neo4j.sh: $*"; exit 1; }

running() {
    [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

fetch_jars() {
    if [ -f "$CACHE/.complete" ]; then return; fi
    command -v mvn >/dev/null || die "mvn introuvable / mvn not found (Maven is needed to fetch Neo4j)"
    say "Téléchargement de Neo4j $VERSION depuis Maven Central / fetching Neo4j $VERSION jars…"
    rm -rf "$CACHE/lib"
    mkdir -p "$CACHE"
    mvn -B -q -f "$POM" dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$CACHE/lib" >&2 || die "mvn n'a pas pu obtenir les jars / mvn failed"
    touch "$CACHE/.complete"
}

free_port() {
    "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

port_busy() {
    "$PYTHON" -c 'import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(("127.0.0.1",int(sys.argv[1])))==0 else 1)' "$1"
}

write_conf() {
    local port="$1"
    mkdir -p "$RUN_DIR/conf" "$RUN_DIR/data" "$RUN_DIR/logs" "$RUN_DIR/plugins" "$RUN_DIR/import"
    local auth=false
    [ -n "${NEO4J_PASSWORD:-}" ] && auth=true
    cat >"$RUN_DIR/conf/neo4j.conf" <<EOF
# written by scripts/neo4j/neo4j.sh — loopback only
server.default_listen_address=127.0.0.1
server.bolt.listen_address=127.0.0.1:$port
server.bolt.advertised_address=127.0.0.1:$port
server.http.enabled=false
server.https.enabled=false
dbms.security.auth_enabled=$auth
server.memory.pagecache.size=${NEO4J_PAGECACHE:-256m}
server.memory.heap.initial_size=512m
server.memory.heap.max_size=${NEO4J_HEAP:-1g}
dbms.usage_report.enabled=false
server.directories.data=$RUN_DIR/data
server.directories.logs=$RUN_DIR/logs
server.directories.plugins=$RUN_DIR/plugins
server.directories.import=$RUN_DIR/import
EOF
}

java_flags=(
    -Xms512m "-Xmx${NEO4J_HEAP:-1g}" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError
    --add-opens=java.base/java.nio=ALL-UNNAMED
    --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens=java.base/java.lang=ALL-UNNAMED
    --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
    -Dio.netty.tryReflectionSetAccessible=true
    -Dfile.encoding=UTF-8
)

set_password() {
    [ -n "${NEO4J_PASSWORD:-}" ] || return 0
    [ -f "$RUN_DIR/.password-set" ] && return 0
    [ "${#NEO4J_PASSWORD}" -ge 8 ] || die "NEO4J_PASSWORD doit avoir 8 caractères ou plus / must be 8+ characters"
    NEO4J_HOME="$RUN_DIR" NEO4J_CONF="$RUN_DIR/conf" "$JAVA" "${java_flags[@]}" -cp "$CACHE/lib/*" \
        org.neo4j.cli.AdminTool dbms set-initial-password "$NEO4J_PASSWORD" >&2 \
        || die "échec de set-initial-password / set-initial-password failed"
    touch "$RUN_DIR/.password-set"
}

wait_bolt() {
    local uri="$1"
    NEO4J_WAIT_URI="$uri" NEO4J_WAIT_PID="$(cat "$PID_FILE")" NEO4J_WAIT_TIMEOUT="$START_TIMEOUT" \
        "$PYTHON" - <<'EOF'
import os, sys, time
from neo4j import GraphDatabase
uri, pid = os.environ["NEO4J_WAIT_URI"], int(os.environ["NEO4J_WAIT_PID"])
password = os.environ.get("NEO4J_PASSWORD")
auth = ("neo4j", password) if password else None
deadline = time.monotonic() + float(os.environ["NEO4J_WAIT_TIMEOUT"])
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("le serveur s'est arrêté au démarrage / the server died while starting")
    try:
        with GraphDatabase.driver(uri, auth=auth) as driver:
            driver.verify_connectivity()
            driver.execute_query("RETURN 1", database_="neo4j")
        sys.exit(0)
    except Exception:
        time.sleep(0.25)
sys.exit("Bolt ne répond pas à temps / Bolt did not answer in time")
EOF
}

start() {
    if running; then
        cat "$URI_FILE"
        return 0
    fi
    "$JAVA" -version 2>&1 | head -1 | grep -Eq '"(1[7-9]|2[0-9])' \
        || die "Java 17 ou plus requis / Java 17+ required (NEO4J_JAVA=$JAVA)"
    fetch_jars
    local port="${NEO4J_PORT:-7687}"
    [ "$port" = auto ] && port="$(free_port)"
    if port_busy "$port"; then
        die "le port $port est déjà pris / port $port is in use (choose NEO4J_PORT=… or auto)"
    fi
    write_conf "$port"
    set_password
    local uri="bolt://127.0.0.1:$port"
    say "Démarrage de Neo4j $VERSION sur / starting Neo4j $VERSION on $uri (home $RUN_DIR)…"
    nohup "$JAVA" "${java_flags[@]}" -cp "$CACHE/lib/*" org.neo4j.server.CommunityEntryPoint \
        --home-dir="$RUN_DIR" --config-dir="$RUN_DIR/conf" \
        >"$RUN_DIR/logs/console.log" 2>&1 </dev/null &
    echo $! >"$PID_FILE"
    echo "$uri" >"$URI_FILE"
    if ! wait_bolt "$uri"; then
        say "--- fin du journal / log tail ($RUN_DIR/logs/console.log) ---"
        tail -n 30 "$RUN_DIR/logs/console.log" >&2 || true
        stop || true
        die "Neo4j n'a pas démarré / Neo4j did not start"
    fi
    say "Neo4j prêt / ready: export NEO4J_URI=$uri"
    echo "$uri"
}

stop() {
    if ! running; then
        rm -f "$PID_FILE"
        say "Neo4j ne tourne pas / is not running"
        return 0
    fi
    local pid
    pid="$(cat "$PID_FILE")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 1
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "arrêt forcé / forced stop (SIGKILL)"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PID_FILE"
    say "Neo4j arrêté / stopped"
}

discard() {
    if running; then
        kill -KILL "$(cat "$PID_FILE")" 2>/dev/null || true
    fi
    rm -f "$PID_FILE"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    kill) discard ;;
    fetch) fetch_jars ;;
    status) if running; then cat "$URI_FILE"; else say "arrêté / stopped"; exit 1; fi ;;
    uri) running && cat "$URI_FILE" || die "Neo4j ne tourne pas / is not running" ;;
    *) say "usage: $0 {start|stop|kill|fetch|status|uri}"; exit 2 ;;
esac
