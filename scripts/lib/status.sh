# shellcheck shell=bash
# `status` and the summary at the end of `up`: what runs, whether it is healthy, who leads.
# Reports, does not judge: dead pieces are listed, not treated as errors.

ALL_PIECES=("${INFRA_PIECES[@]}" "${APP_PIECES[@]}")

# check_piece NAME: runs the piece's health check; CHECK_DETAIL says what it saw.
check_piece() {
    CHECK_DETAIL=''
    case "$(piece_kind "$1")" in
        redis) check_redis "$1" ;;
        sentinel) check_sentinel "$1" ;;
        postgres) if [[ $1 == pg-monitor ]]; then check_pg_monitor; else check_pg_node "$1"; fi ;;
        haproxy) check_haproxy ;;
        dotnet) check_dotnet "$1" ;;
    esac
}

piece_ports_label() {
    case "$1" in
        haproxy) echo "$(port http),$(port ws),$(port stats)" ;;
        *) port "$1" ;;
    esac
}

# One JSON object per piece: name, kind, port(s), pid, alive, healthy, detail (+ role, code).
piece_json() {
    local name=$1 pid alive=false healthy=false
    pid=$(piece_pid "$name")
    CHECK_DETAIL='not running'
    if [[ -n $pid ]]; then
        alive=true
        if check_piece "$name"; then healthy=true; fi
    fi
    local extra='{}'
    case "$(piece_kind "$name")" in
        redis)
            if [[ $alive == true ]]; then extra=$(jq -nc --arg r "$(redis_role "$(port "$name")")" '{role: $r}'); fi ;;
        dotnet)
            if [[ $alive == true ]]; then extra=$(jq -nc --arg c "$(http_code "http://127.0.0.1:$(port "$name")/health/ready")" '{httpStatus: ($c | tonumber? // null)}'); fi ;;
        haproxy) extra=$(jq -nc --argjson h "$(port http)" --argjson w "$(port ws)" --argjson s "$(port stats)" '{ports: {http: $h, ws: $w, stats: $s}}') ;;
    esac
    jq -nc --arg name "$name" --arg kind "$(piece_kind "$name")" --argjson port "$(port "$name")" \
        --arg pid "$pid" --argjson alive "$alive" --argjson healthy "$healthy" --arg detail "$CHECK_DETAIL" \
        --argjson extra "$extra" \
        '{name: $name, kind: $kind, port: $port, pid: ($pid | tonumber? // null), alive: $alive,
          healthy: $healthy, detail: $detail} + $extra'
}

redis_json() {
    local masters='{}' name addr
    while IFS='=' read -r name addr; do
        masters=$(jq -c --arg n "$name" --arg a "$addr" '. + {($n): (if $a == "" then null else $a end)}' <<<"$masters")
    done < <(sentinel_masters)
    jq -nc --argjson m "$masters" --arg s "$(sentinel_addrs)" --arg svc "$SERVICE_NAME" \
        '{serviceName: $svc, sentinels: ($s | split(",")), masterBySentinel: $m,
          master: ([$m[] | select(. != null)] | group_by(.) | max_by(length) // [null] | .[0])}'
}

postgres_json() {
    local nodes repl
    nodes=$(pg_nodes 2>/dev/null | jq -Rsc 'split("\n") | map(select(length > 0) | split("|") |
        {name: .[0], port: (.[1] | tonumber), reportedState: .[2], assignedState: .[3],
         health: (.[4] | tonumber), reportedLsn: .[5], nodeId: (.[6] | tonumber),
         secondsSinceReport: (.[7] | tonumber)})')
    repl=$(pg_replication 2>/dev/null | jq -Rsc 'split("\n") | map(select(length > 0) | split("|") |
        {applicationName: .[0], state: .[1], syncState: .[2], replayLagSeconds: (.[3] | tonumber),
         lagBytes: (.[4] | tonumber)})')
    local reachable=false
    if monitor_ready; then reachable=true; fi
    jq -nc --argjson n "${nodes:-[]}" --argjson r "${repl:-[]}" --arg uri "$(pg_uri)" --argjson up "$reachable" \
        --arg monitor "$(pg_monitor_uri)" --arg sock "$(pg_sock)" \
        --arg primary "$(pg_primary_piece 2>/dev/null || true)" \
        '{uri: $uri, monitorUri: $monitor, monitorReachable: $up, socketDirectory: $sock, nodes: $n,
          primary: (if $primary == "" then null else $primary end),
          replication: $r}'
}

leadership_all_json() {
    local o out='[]'
    for o in orchestrator-1 orchestrator-2 orchestrator-3; do
        piece_alive "$o" || continue
        out=$(jq -c --arg n "$o" --argjson l "$(leadership_json "$o")" '. + [{node: $n, leadership: $l}]' <<<"$out")
    done
    echo "$out"
}

# GET /api/queues with the operator token, through HAProxy; straight from a live orchestrator
# only when HAProxy does not answer. Always prints {available, source, reason, queues}: when no
# orchestrator answers, it says so (status reports, it does not fail). Short timeouts: status is
# polled during failovers, when PostgreSQL may keep the answer waiting.
queues_json() {
    local token_file="$STATE/secrets/operator-token"
    if [[ ! -s $token_file ]]; then
        jq -nc --arg r "no operator token at $token_file" '{available: false, source: null, reason: $r, queues: []}'
        return
    fi
    local urls=("http://127.0.0.1:$(port http)/api/queues") o
    for o in orchestrator-1 orchestrator-2 orchestrator-3; do
        piece_alive "$o" && urls+=("http://127.0.0.1:$(port "$o")/api/queues")
    done
    local url answer code body why reasons=()
    for url in "${urls[@]}"; do
        # The token goes in through curl's config on stdin, not the command line other users can see.
        answer=$(curl -s --max-time 2 -w '\n%{http_code}' -K - "$url" 2>/dev/null \
            <<<"header = \"Authorization: Bearer $(<"$token_file")\"") || true
        code=${answer##*$'\n'}
        body=${answer%$'\n'*}
        if [[ $code == 200 ]] && jq -e 'type == "array"' >/dev/null 2>&1 <<<"$body"; then
            jq -nc --arg src "$url" --argjson q "$body" '{available: true, source: $src, reason: null, queues: $q}'
            return
        fi
        if [[ -z $code || $code == 000 ]]; then
            reasons+=("$url: no answer")
            continue
        fi
        # Answered, but not with queues (503: PostgreSQL unavailable or no orchestrator behind
        # HAProxy; 401: a token from another state dir). Another node would say the same.
        why=$(jq -r 'select(type == "object" and .title != null) | .title' 2>/dev/null <<<"$body" || true)
        [[ -z $why && $code == 503 ]] && why='no orchestrator is up behind HAProxy'
        reasons+=("$url: HTTP $code${why:+ ($why)}")
        break
    done
    printf '%s\n' "${reasons[@]}" |
        jq -Rsc '{available: false, source: null, queues: [],
                  reason: ("no orchestrator answered with queues: " + (split("\n") | map(select(length > 0)) | join("; ")))}'
}

urls_json() {
    jq -nc --arg http "http://127.0.0.1:$(port http)" --arg ws "http://127.0.0.1:$(port ws)" \
        --arg stats "http://127.0.0.1:$(port stats)/stats" --arg sim "http://127.0.0.1:$(port github-simulator)" \
        '{api: $http, webhooks: ($http + "/api/webhooks/github"), hangfire: ($http + "/hangfire"),
          runnerHub: $ws, stats: $stats, statsCsv: ($stats + ";csv"), simulator: $sim}'
}

status_json() {
    local procs=() p
    for p in "${ALL_PIECES[@]}"; do procs+=("$(piece_json "$p")"); done
    local processes
    processes=$(printf '%s\n' "${procs[@]}" | jq -sc .)
    jq -n --arg state "$STATE" --argjson offset "$PORT_OFFSET" --argjson processes "$processes" \
        --argjson redis "$(redis_json)" --argjson postgres "$(postgres_json)" \
        --argjson leadership "$(leadership_all_json)" --argjson queues "$(queues_json)" --argjson urls "$(urls_json)" \
        --arg s "$STATE/secrets" --arg sentinels "$(sentinel_addrs)" --arg svc "$SERVICE_NAME" --arg uri "$(pg_uri)" \
        '{stateDir: $state, portOffset: $offset,
          running: ([$processes[] | select(.alive)] | length > 0),
          processes: $processes, redis: $redis, postgres: $postgres, leadership: $leadership,
          leader: ([$leadership[] | select(.leadership.isLeader == true) | {node: .node, token: .leadership.fencingToken}] | if length == 1 then .[0] else null end),
          queues: $queues,
          urls: $urls,
          connection: {redis: {sentinels: $sentinels, serviceName: $svc, passwordFile: ($s + "/redis-password")},
                       postgres: {uri: $uri, user: "runnerhub", database: "runnerhub",
                                  hosts: ($uri | capture("@(?<h>[^/]+)/").h | split(",")),
                                  passwordFile: ($s + "/postgres-password")}},
          secrets: {redisPassword: ($s + "/redis-password"), postgresPassword: ($s + "/postgres-password"),
                    webhookSecret: ($s + "/webhook-secret"),
                    operatorToken: ($s + "/operator-token")}}'
}

print_status_text() {
    local json=$1
    printf '%sRunnerHub%s  state %s  port offset %s\n\n' "$C_BOLD" "$C_OFF" "$STATE" "$PORT_OFFSET"
    printf '%-17s %-15s %-8s %-6s %-6s  %s\n' NAME PORT PID STATE HEALTH DETAIL
    local name ports pid alive healthy detail
    while IFS=$'\t' read -r name ports pid alive healthy detail; do
        local st=dead health=-
        if [[ $alive == true ]]; then
            st=alive
            health=FAIL
            [[ $healthy == true ]] && health=ok
        fi
        # Pad before colouring so the columns stay aligned.
        printf -v health '%-6s' "$health"
        health=${health/ok/${C_GREEN}ok${C_OFF}}
        health=${health/FAIL/${C_RED}FAIL${C_OFF}}
        printf '%-17s %-15s %-8s %-6s %s  %s\n' "$name" "$ports" "$pid" "$st" "$health" "$detail"
    done < <(jq -r '.processes[] | [.name, (if .ports then "\(.ports.http),\(.ports.ws),\(.ports.stats)" else "\(.port)" end),
        (.pid // "-" | tostring), (.alive | tostring), (.healthy | tostring), .detail] | @tsv' <<<"$json")

    echo
    echo "Redis master (service '$SERVICE_NAME') as each Sentinel sees it:"
    jq -r '.redis.masterBySentinel | to_entries[] | "  \(.key): \(.value // "no answer")"' <<<"$json"

    echo
    echo "PostgreSQL formation (monitor 127.0.0.1:$(port pg-monitor)):"
    if [[ $(jq '.postgres.nodes | length' <<<"$json") == 0 ]]; then
        echo "  monitor not answering"
    else
        jq -r '.postgres.nodes[] | "  \(.name)  127.0.0.1:\(.port)  reported \(.reportedState), assigned \(.assignedState), health \(.health), lsn \(.reportedLsn), last report \(.secondsSinceReport)s ago"' <<<"$json"
    fi
    jq -r '.postgres.replication[] | "  replication to \(.applicationName): \(.state) \(.syncState), replay lag \(.replayLagSeconds)s, \(.lagBytes) bytes behind"' <<<"$json"

    if [[ $(jq '.leadership | length' <<<"$json") != 0 ]]; then
        echo
        local leaders
        leaders=$(jq -r '[.leadership[] | select(.leadership.isLeader == true) | "\(.node) (token \(.leadership.fencingToken))"] | join(", ")' <<<"$json")
        case $leaders in
            '') printf 'Leader: %snone%s (an election takes about 2 s; longer while Redis refuses writes)\n' "$C_YELLOW" "$C_OFF" ;;
            *,*) printf 'Leader: %smore than one node says it leads: %s%s\n' "$C_RED" "$leaders" "$C_OFF" ;;
            *) printf 'Leader: %s%s%s\n' "$C_GREEN" "$leaders" "$C_OFF" ;;
        esac
        echo "Leadership as each node sees it (GET /health/leadership):"
        jq -r '.leadership[] | if .leadership == null then "  \(.node): no answer" else
            "  \(.node): \(if .leadership.isLeader then "leader, token \(.leadership.fencingToken), lease until \(.leadership.leaseExpiresAt)" else "follower of \(.leadership.leaderId // "nobody")" end)" end' <<<"$json"
    fi
    echo
    print_queues_text "$json"
    echo
    print_urls_and_secrets
}

# The queues part of `status`: one line per label set with unfinished jobs, or why there are none.
print_queues_text() {
    local json=$1
    if [[ $(jq -r .queues.available <<<"$json") != true ]]; then
        printf 'Queues: %sunavailable%s: %s\n' "$C_YELLOW" "$C_OFF" "$(jq -r .queues.reason <<<"$json")"
        return
    fi
    echo "Queues (GET /api/queues via $(jq -r .queues.source <<<"$json")):"
    if [[ $(jq '.queues.queues | length' <<<"$json") == 0 ]]; then
        echo "  no job is queued, dispatched or in progress"
        return
    fi
    printf '  %7s %10s %11s %6s  %-8s  %-20s  %s\n' QUEUED DISPATCHED IN_PROGRESS REDIS SERVABLE OLDEST_QUEUED LABELS
    local queued dispatched running redis servable oldest labels
    while IFS=$'\t' read -r queued dispatched running redis servable oldest labels; do
        # Pad before colouring so the columns stay aligned.
        printf -v servable '%-8s' "$servable"
        servable=${servable/NO/${C_RED}NO${C_OFF}}
        printf '  %7s %10s %11s %6s  %s  %-20s  %s\n' "$queued" "$dispatched" "$running" "$redis" "$servable" "$oldest" "$labels"
    done < <(jq -r '.queues.queues[] | [.queued, .dispatched, .inProgress, (.redisLength // "?"),
        (if .servable then "yes" else "NO" end),
        (.oldestQueuedAt // "-" | sub("\\.[0-9]+"; "") | sub("\\+00:00$"; "Z")), (.labels | join(","))] | @tsv' <<<"$json")
    if jq -e '.queues.queues | any(.servable | not)' >/dev/null <<<"$json"; then
        echo "  SERVABLE NO: no registered runner has all these labels; the jobs wait until one registers"
    fi
}

print_urls_and_secrets() {
    cat <<EOF
URLs:
  dashboard / API  http://127.0.0.1:$(port http)/   (sign in at /login with the operator token)
  webhooks         http://127.0.0.1:$(port http)/api/webhooks/github
  Hangfire         http://127.0.0.1:$(port http)/hangfire   (session or operator token)
  runner hub       http://127.0.0.1:$(port ws)   (SignalR/WebSockets, sticky)
  HAProxy stats    http://127.0.0.1:$(port stats)/stats   (CSV: /stats;csv)
  GitHub simulator http://127.0.0.1:$(port github-simulator)
Connection:
  Redis Sentinels  $(sentinel_addrs)  service $SERVICE_NAME
  PostgreSQL       $(pg_uri)
Secrets (mode 600) in $STATE/secrets/:
  redis-password (Redis and Sentinels), postgres-password (role runnerhub), webhook-secret,
  operator-token (operator 'local-operator'; more with '$PROG operator-token create NAME')
Logs in $STATE/logs/, pids in $STATE/pids/
EOF
}
