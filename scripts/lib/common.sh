# shellcheck shell=bash
# Shared helpers for scripts/runnerhub: output, the port/piece table, state layout, secrets,
# template rendering. Sourced, never run.

# ---------------------------------------------------------------------------------------------
# Output

if [[ -t 1 && -z ${NO_COLOR:-} ]]; then
    C_BOLD=$'\e[1m' C_RED=$'\e[31m' C_GREEN=$'\e[32m' C_YELLOW=$'\e[33m' C_DIM=$'\e[2m' C_OFF=$'\e[0m'
else
    C_BOLD='' C_RED='' C_GREEN='' C_YELLOW='' C_DIM='' C_OFF=''
fi

step() { printf '%s==>%s %s\n' "$C_BOLD" "$C_OFF" "$*"; }
ok()   { printf '  %s✓%s %s\n' "$C_GREEN" "$C_OFF" "$*"; }
note() { printf '  %s%s%s\n' "$C_DIM" "$*" "$C_OFF"; }
warn() { printf '%swarning:%s %s\n' "$C_YELLOW" "$C_OFF" "$*" >&2; }
die()  { printf '%serror:%s %s\n' "$C_RED" "$C_OFF" "$*" >&2; exit 1; }

# Seconds since the epoch with milliseconds, and elapsed seconds since $1 as "1.234".
now_ms() { local t; t=$(date +%s%N); echo $((t / 1000000)); }
elapsed_since() { local d=$(($(now_ms) - $1)); printf '%d.%01ds' $((d / 1000)) $((d % 1000 / 100)); }

# ---------------------------------------------------------------------------------------------
# Pieces and ports. Every port is BASE + PORT_OFFSET, so two stacks can run side by side.

INFRA_PIECES=(redis-master redis-replica sentinel-1 sentinel-2 sentinel-3 pg-monitor pg-node-1 pg-node-2)
APP_PIECES=(orchestrator-1 orchestrator-2 orchestrator-3 haproxy github-simulator runner-1 runner-2)
SERVICE_NAME=runnerhub

base_port() {
    case "$1" in
        redis-master) echo 6379 ;;   redis-replica) echo 6380 ;;
        sentinel-1) echo 26379 ;;    sentinel-2) echo 26380 ;;    sentinel-3) echo 26381 ;;
        pg-monitor) echo 5431 ;;     pg-node-1) echo 5432 ;;      pg-node-2) echo 5433 ;;
        orchestrator-1) echo 5001 ;; orchestrator-2) echo 5002 ;; orchestrator-3) echo 5003 ;;
        haproxy|http) echo 8080 ;;   ws) echo 8081 ;;             stats) echo 8404 ;;
        github-simulator) echo 9000 ;;
        runner-1) echo 7001 ;;       runner-2) echo 7002 ;;
        *) die "internal: no port for '$1'" ;;
    esac
}

port() { echo $(($(base_port "$1") + PORT_OFFSET)); }

# Every port a piece listens on (haproxy has three), for the port-conflict check.
listen_ports() {
    case "$1" in
        haproxy) echo "$(port http) $(port ws) $(port stats)" ;;
        *) port "$1" ;;
    esac
}

piece_kind() {
    case "$1" in
        redis-*) echo redis ;; sentinel-*) echo sentinel ;; pg-*) echo postgres ;;
        haproxy) echo haproxy ;; *) echo dotnet ;;
    esac
}

sentinel_addrs() {
    local s out=()
    for s in sentinel-1 sentinel-2 sentinel-3; do out+=("127.0.0.1:$(port "$s")"); done
    (IFS=,; echo "${out[*]}")
}

pg_uri() {
    local password=${1:-}
    local auth=runnerhub
    [[ -n $password ]] && auth="runnerhub:$password"
    echo "postgres://$auth@127.0.0.1:$(port pg-node-1),127.0.0.1:$(port pg-node-2)/runnerhub?target_session_attrs=read-write"
}

# ---------------------------------------------------------------------------------------------
# State directory layout

STATE_SUBDIRS=(logs pids secrets app runners redis sentinel haproxy)

prepare_state_dir() {
    mkdir -p "$STATE"
    local d
    for d in "${STATE_SUBDIRS[@]}"; do mkdir -p "$STATE/$d"; done
    chmod 700 "$STATE/secrets"
}

# A state dir remembers its port offset: PostgreSQL's ports are baked into pg_auto_failover's
# configuration at creation, so a state dir cannot move to other ports later.
resolve_port_offset() {
    local file="$STATE/port-offset" stored=''
    [[ -r $file ]] && stored=$(<"$file")
    if [[ -z ${PORT_OFFSET:-} ]]; then
        PORT_OFFSET=${stored:-0}
    elif [[ -n $stored && $stored != "$PORT_OFFSET" ]]; then
        die "state dir $STATE was created with --port-offset $stored, not $PORT_OFFSET (use $stored, or another --state-dir)"
    fi
    [[ $PORT_OFFSET =~ ^[0-9]+$ ]] || die "--port-offset must be a non-negative integer, got '$PORT_OFFSET'"
    ((PORT_OFFSET <= 30000)) || die "--port-offset $PORT_OFFSET is too large (max 30000)"
}

remember_port_offset() { echo "$PORT_OFFSET" >"$STATE/port-offset"; }

# ---------------------------------------------------------------------------------------------
# Secrets: generated once per state dir, kept across up/down, mode 600.

SECRET_NAMES=(redis-password postgres-password webhook-secret operator-token)

ensure_secrets() {
    local name file
    for name in "${SECRET_NAMES[@]}"; do
        file="$STATE/secrets/$name"
        if [[ ! -s $file ]]; then
            (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$file")
            note "generated $file"
        fi
        chmod 600 "$file"
    done
}

secret() {
    local file="$STATE/secrets/$1"
    [[ -s $file ]] || die "secret $file is missing (run '$PROG up' first)"
    cat "$file"
}

# ---------------------------------------------------------------------------------------------
# Templates: {{NAME}} placeholders, values given as NAME=value arguments.
# Fails when the template still has a placeholder nobody filled.

render_template() {
    local template=$1 output=$2
    shift 2
    [[ -r $template ]] || die "template $template not found"
    local expr=() kv key value
    for kv in "$@"; do
        key=${kv%%=*}
        value=${kv#*=}
        value=${value//\\/\\\\}
        value=${value//|/\\|}
        value=${value//&/\\&}
        expr+=(-e "s|{{${key}}}|${value}|g")
    done
    local tmp="$output.tmp"
    (umask 077; sed "${expr[@]}" "$template" >"$tmp")
    if grep -q '{{[A-Z0-9_]*}}' "$tmp"; then
        rm -f "$tmp"
        die "internal: $template has unfilled placeholders: $(grep -o '{{[A-Z0-9_]*}}' "$template" | sort -u | tr '\n' ' ')"
    fi
    mv -f "$tmp" "$output"
}

# ---------------------------------------------------------------------------------------------
# Small probes

# True when something listens on 127.0.0.1:$1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# HTTP status code of GET $1 (000 when nothing answers).
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time "${2:-2}" "$1" 2>/dev/null || true; }

log_tail() {
    local name=$1 lines=${2:-30} file="$STATE/logs/$1.log"
    if [[ -s $file ]]; then
        printf '%s--- last %d lines of %s ---%s\n' "$C_DIM" "$lines" "$file" "$C_OFF" >&2
        # Stack traces arrive as one very long line; keep each line readable.
        tail -n "$lines" "$file" | cut -c1-1500 >&2
        printf '%s--- end of %s ---%s\n' "$C_DIM" "$file" "$C_OFF" >&2
    else
        printf '(no log at %s)\n' "$file" >&2
    fi
}
