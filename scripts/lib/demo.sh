# shellcheck shell=bash
# `runnerhub demo`: drives a stream of jobs through the running stack with the GitHub simulator
# and reports what happened to them, from PostgreSQL (the system of record).

DEMO_LABEL_SETS='[["self-hosted","linux","x64"],["self-hosted","linux","x64","gpu"]]'

# demo_sql SQL: one query on the current primary's runnerhub database.
demo_sql() {
    local primary
    primary=$(pg_primary_piece) || true
    [[ -n $primary ]] || die "no PostgreSQL primary (is the stack up? '$PROG status')"
    pg_sql "$(port "$primary")" runnerhub -F '|' -c "$1"
}

cmd_demo() {
    [[ $DEMO_JOBS =~ ^[0-9]+$ && $DEMO_JOBS -ge 1 && $DEMO_JOBS -le 100000 ]] || die "--jobs must be 1-100000"
    [[ $DEMO_RATE =~ ^[0-9]+$ && $DEMO_RATE -ge 1 && $DEMO_RATE -le 5000 ]] || die "--rate must be 1-5000 jobs per second"
    [[ $DEMO_DURATION_MS =~ ^[0-9]+$ ]] || die "--duration-ms must be a number of milliseconds"
    [[ -d $STATE ]] || die "no stack in $STATE (run '$PROG up' first)"
    resolve_port_offset
    local sim="http://127.0.0.1:$(port github-simulator)"
    curl -fsS --max-time 2 "$sim/health/ready" >/dev/null 2>&1 || die "the GitHub simulator at $sim does not answer (run '$PROG up')"

    step "Creating $DEMO_JOBS jobs at $DEMO_RATE/s through the GitHub simulator ($sim), label sets $DEMO_LABEL_SETS"
    local body batch first last
    body=$(jq -nc --argjson n "$DEMO_JOBS" --argjson r "$DEMO_RATE" --argjson d "$DEMO_DURATION_MS" --argjson l "$DEMO_LABEL_SETS" \
        '{count: $n, rate: $r, durationMs: $d, labelSets: $l, repositories: ["octo-org/octo-repo", "octo-org/hello-world"]}')
    batch=$(curl -fsS --max-time 10 -X POST -H 'Content-Type: application/json' -d "$body" "$sim/jobs") ||
        die "the simulator refused POST /jobs"
    first=$(jq -r .firstJobId <<<"$batch")
    last=$(jq -r .lastJobId <<<"$batch")

    # Long enough for the stream plus the jobs themselves, with room for slots to turn over.
    local deadline=$(( $(now_ms) + (DEMO_JOBS * 1000 / DEMO_RATE + DEMO_JOBS * DEMO_DURATION_MS / 2 + 60000) ))
    local row accepted completed waiting dead t0
    t0=$(now_ms)
    while :; do
        row=$(demo_sql "SELECT count(*), count(*) FILTER (WHERE state = 'completed'),
                               count(*) FILTER (WHERE state IN ('queued', 'dispatched', 'waiting', 'in_progress')),
                               count(*) FILTER (WHERE state = 'dead')
                        FROM jobs WHERE job_id BETWEEN $first AND $last") || row='0|0|0|0'
        IFS='|' read -r accepted completed waiting dead <<<"$row"
        printf '  %6s  accepted %d/%d  completed %d  in flight %d  dead %d\n' "$(elapsed_since "$t0")" "$accepted" "$DEMO_JOBS" "$completed" "$waiting" "$dead"
        ((completed + dead >= DEMO_JOBS)) && break
        (($(now_ms) > deadline)) && { warn "gave up waiting after $(elapsed_since "$t0")"; break; }
        sleep 1
    done

    local latency p50 p90 p99 max deliveries failed
    latency=$(demo_sql "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1),
                               round(percentile_cont(0.9) WITHIN GROUP (ORDER BY ms)::numeric, 1),
                               round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 1),
                               round(max(ms)::numeric, 1)
                        FROM (SELECT extract(epoch FROM acknowledged_at - accepted_at) * 1000 AS ms
                              FROM jobs WHERE job_id BETWEEN $first AND $last AND acknowledged_at IS NOT NULL) l")
    IFS='|' read -r p50 p90 p99 max <<<"$latency"
    deliveries=$(curl -fsS --max-time 5 "$sim/summary" | jq -r '.deliveries.failed // 0') || deliveries='?'
    failed=$((DEMO_JOBS - accepted))

    echo
    step "Demo summary ($DEMO_JOBS jobs at $DEMO_RATE/s, $DEMO_DURATION_MS ms each, in $(elapsed_since "$t0"))"
    printf '  accepted (webhook 2xx, job in PostgreSQL)  %d\n' "$accepted"
    printf '  completed                                  %d\n' "$completed"
    printf '  still queued or running                    %d\n' "$waiting"
    printf '  failed (not accepted, or dead)             %d (simulator deliveries failed overall: %s)\n' "$((failed + dead))" "$deliveries"
    printf '  dispatch latency, webhook accepted -> JIT config in the runner'"'"'s hands (ms):\n'
    printf '    p50 %s   p90 %s   p99 %s   max %s\n' "${p50:--}" "${p90:--}" "${p99:--}" "${max:--}"
    ((completed == DEMO_JOBS))
}
