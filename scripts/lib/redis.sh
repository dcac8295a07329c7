# shellcheck shell=bash
# Redis master + replica and three Sentinels (quorum 2). Configs come from
# redis/redis.conf.tmpl and sentinel/sentinel.conf.tmpl and are rewritten each time a
# process starts (Sentinel rewrites its own file while running).

REDIS_PIECES=(redis-master redis-replica)
SENTINEL_PIECES=(sentinel-1 sentinel-2 sentinel-3)
SENTINEL_QUORUM=2
SENTINEL_FAILOVER_TIMEOUT_MS=10000

# redis_cli PORT ARGS...: the password travels in the environment, not on the command line.
redis_cli() {
    local p=$1
    shift
    REDISCLI_AUTH=$REDIS_PASSWORD timeout 2 redis-cli -h 127.0.0.1 -p "$p" "$@" 2>/dev/null
}

# "field" value from INFO output on stdin.
info_field() { tr -d '\r' | awk -F: -v k="$1" '$1 == k { print $2; exit }'; }

redis_role() { redis_cli "$1" INFO replication | info_field role; }

# Port of the master as the first live Sentinel sees it; empty when no Sentinel answers.
sentinel_master_port() {
    local s reply
    for s in "${SENTINEL_PIECES[@]}"; do
        reply=$(redis_cli "$(port "$s")" SENTINEL get-master-addr-by-name "$SERVICE_NAME" | tr '\n' ' ') || continue
        if [[ $reply =~ ^127\.0\.0\.1\ ([0-9]+) ]]; then
            echo "${BASH_REMATCH[1]}"
            return 0
        fi
    done
}

# The master this stack should follow right now: what the Sentinels say, else the live Redis
# that reports role:master, else the initial master. A restarted node then rejoins as a
# replica of the current master instead of coming back as a second master.
current_redis_master_port() {
    local p r
    p=$(sentinel_master_port)
    if [[ -n $p ]]; then echo "$p"; return 0; fi
    for r in "${REDIS_PIECES[@]}"; do
        if [[ $(redis_role "$(port "$r")") == master ]]; then port "$r"; return 0; fi
    done
    port redis-master
}

start_redis() {
    local name=$1 p dir master replicaof=''
    p=$(port "$name")
    dir="$STATE/redis/$name"
    mkdir -p "$dir"
    master=$(current_redis_master_port)
    # The initial replica, or either node when the other one is the current master.
    if [[ $master != "$p" ]] && { [[ $name == redis-replica ]] || redis_answers "$master"; }; then
        replicaof="replicaof 127.0.0.1 $master"
    fi
    render_template "$REPO/redis/redis.conf.tmpl" "$dir/redis.conf" \
        NAME="$name" PORT="$p" DIR="$dir" PASSWORD="$REDIS_PASSWORD" REPLICAOF="$replicaof"
    start_piece "$name" redis-server "$dir/redis.conf"
}

redis_answers() { [[ $(redis_cli "$1" PING) == PONG ]]; }

start_sentinel() {
    local name=$1 dir
    dir="$STATE/sentinel/$name"
    mkdir -p "$dir"
    render_template "$REPO/sentinel/sentinel.conf.tmpl" "$dir/sentinel.conf" \
        NAME="$name" PORT="$(port "$name")" DIR="$dir" PASSWORD="$REDIS_PASSWORD" \
        SERVICE_NAME="$SERVICE_NAME" MASTER_PORT="$(current_redis_master_port)" QUORUM="$SENTINEL_QUORUM" \
        DOWN_AFTER_MS="$DOWN_AFTER_MS" FAILOVER_TIMEOUT_MS="$SENTINEL_FAILOVER_TIMEOUT_MS"
    start_piece "$name" redis-sentinel "$dir/sentinel.conf"
}

# ---------------------------------------------------------------------------------------------
# Health. Each check sets CHECK_DETAIL to what it saw (for status and failure messages).

check_redis() {
    local p info role link
    p=$(port "$1")
    if [[ $(redis_cli "$p" PING) != PONG ]]; then CHECK_DETAIL="no PONG on $p"; return 1; fi
    info=$(redis_cli "$p" INFO replication)
    role=$(info_field role <<<"$info")
    if [[ $role == slave ]]; then
        link=$(info_field master_link_status <<<"$info")
        CHECK_DETAIL="replica of $(info_field master_host <<<"$info"):$(info_field master_port <<<"$info"), link $link"
        [[ $link == up ]]
    else
        CHECK_DETAIL="master, $(info_field connected_slaves <<<"$info") replica(s)"
    fi
}

# A Sentinel is healthy when it answers, names a live master, and knows the replica and
# both other Sentinels (so it can take part in a failover vote).
check_sentinel() {
    local p master fields
    p=$(port "$1")
    if [[ $(redis_cli "$p" PING) != PONG ]]; then CHECK_DETAIL="no PONG on $p"; return 1; fi
    master=$(redis_cli "$p" SENTINEL get-master-addr-by-name "$SERVICE_NAME" | paste -sd: -)
    fields=$(redis_cli "$p" SENTINEL master "$SERVICE_NAME" | paste - - | tr '\t' '=')
    local flags slaves others
    flags=$(sed -n 's/^flags=//p' <<<"$fields")
    slaves=$(sed -n 's/^num-slaves=//p' <<<"$fields")
    others=$(sed -n 's/^num-other-sentinels=//p' <<<"$fields")
    CHECK_DETAIL="master $master ($flags), replicas ${slaves:-?}, other sentinels ${others:-?}"
    [[ $flags == master && ${slaves:-0} -ge 1 && ${others:-0} -ge 2 && $(redis_role "${master##*:}") == master ]]
}

# --down-after-ms for Sentinels that were already running (a new one reads it from its config).
apply_sentinel_settings() {
    local s
    for s in "${SENTINEL_PIECES[@]}"; do
        redis_cli "$(port "$s")" SENTINEL SET "$SERVICE_NAME" down-after-milliseconds "$DOWN_AFTER_MS" >/dev/null ||
            warn "could not set down-after-milliseconds on $s"
    done
}

# The master each Sentinel reports, as "sentinel-1=127.0.0.1:6379 ..." lines.
sentinel_masters() {
    local s
    for s in "${SENTINEL_PIECES[@]}"; do
        printf '%s=%s\n' "$s" "$(redis_cli "$(port "$s")" SENTINEL get-master-addr-by-name "$SERVICE_NAME" | paste -sd: -)"
    done
}
