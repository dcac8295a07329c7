# shellcheck shell=bash
# Shared by scripts/drill and scripts/chaos: the stack they break, the processes they kill, and
# what they ask the nodes and the GitHub simulator. Sourced after common.sh, process.sh,
# postgres.sh and redis.sh; the caller sets STATE, PORT_OFFSET, SCRIPT_DIR, BROKEN and defines
# fail MESSAGE (report and exit). The globals these functions set (BOOTED, STARTUP, REDIS_PASSWORD,
# SIM, BROKEN) are the caller's.
# shellcheck disable=SC2034

ORCHESTRATORS=(orchestrator-1 orchestrator-2 orchestrator-3)

# scripts/runnerhub on the same state dir and port offset.
runnerhub() {
    local args=("$@" --state-dir "$STATE")
    [[ -n $PORT_OFFSET ]] && args+=(--port-offset "$PORT_OFFSET")
    "$SCRIPT_DIR/runnerhub" "${args[@]}"
}

seconds_since() { awk -v ms=$(($(now_ms) - $1)) 'BEGIN { printf "%.2f", ms / 1000 }'; }

# use_or_boot_stack: uses the stack running in STATE when every piece is alive and healthy, else
# boots it (BOOTED=1, STARTUP=seconds). Then sets the port offset, REDIS_PASSWORD and SIM.
use_or_boot_stack() {
    local t0
    step "Stack in $STATE"
    if [[ -f $STATE/port-offset ]] && runnerhub status --json 2>/dev/null | jq -e '.processes | all(.alive and .healthy)' >/dev/null; then
        note "already running and healthy: using it"
    else
        t0=$(now_ms)
        runnerhub up || fail "runnerhub up failed"
        BOOTED=1
        STARTUP=$(seconds_since "$t0")
        ok "up in ${STARTUP}s"
    fi
    resolve_port_offset
    REDIS_PASSWORD=$(cat "$STATE/secrets/redis-password")
    SIM="http://127.0.0.1:$(port github-simulator)"
}

leader_of() { curl -fsS --max-time 0.5 "http://127.0.0.1:$(port "$1")/health/leadership" 2>/dev/null | grep -q '"isLeader":true'; }

# The nodes that say they lead, but $1 (every node asked at once; no answer in 0.5 s counts as not leading).
leaders() {
    local node pids=()
    for node in "${ORCHESTRATORS[@]}"; do
        [[ $node == "${1:-}" ]] && continue
        ( leader_of "$node" && echo "$node" ) &
        pids+=($!)
    done
    wait "${pids[@]}" 2>/dev/null || true
}

# The Redis piece (redis-master or redis-replica) listening on port $1.
redis_piece_on() { local r; for r in "${REDIS_PIECES[@]}"; do if [[ $(port "$r") == "$1" ]]; then echo "$r"; fi; done; }

# summary JQ-FILTER: a field of the GitHub simulator's GET /summary.
summary() { curl -fsS --max-time 5 "$SIM/summary" | jq -r "$1"; }

# kill_piece NAME: SIGKILL every process of the piece (its session and descendants), as a machine
# loss would, and wait until they are gone (a killed process lingers as a zombie for a moment).
kill_piece() {
    local pid pids
    pid=$(piece_pid "$1")
    [[ -n $pid ]] || fail "$1 is not running"
    mapfile -t pids < <(piece_tree "$pid")
    kill -STOP "${pids[@]}" 2>/dev/null || true
    mapfile -t pids < <(piece_tree "$pid")
    kill -KILL "${pids[@]}" 2>/dev/null || true
    BROKEN=1
    note "kill -9 $1 (pid $pid and ${#pids[@]} process(es) in all)"
    wait_pids_gone 10 "${pids[@]}" || warn "some processes of $1 are still there"
}

# Jobs RunnerHub still has to hand to a runner, in label sets some runner can serve (queued or
# dispatched; GET /api/queues through HAProxy). Unservable ones (a drill's probe webhooks) never
# run; jobs in progress need no runner any more (one whose completed webhook was lost, say during
# a PostgreSQL outage, stays in progress here until the leader's GitHub re-check closes it).
unfinished_jobs() {
    curl -fsS --max-time 5 -H "Authorization: Bearer $(cat "$STATE/secrets/operator-token")" "http://127.0.0.1:$(port http)/api/queues" |
        jq -e '[.[] | select(.servable) | .queued + .dispatched] | add // 0'
}

# reset_simulator SECONDS: clears the GitHub simulator's state for this run, once RunnerHub has
# finished the jobs an earlier run left (waiting up to SECONDS). Clearing it while they are
# unfinished would leave RunnerHub dispatching jobs GitHub has forgotten (which real GitHub never
# does), each holding a runner slot until the runner gives up, and starve this run's jobs.
reset_simulator() {
    local limit=$1 n deadline
    deadline=$(($(now_ms) + limit * 1000))
    n=$(unfinished_jobs) || fail "could not ask RunnerHub for its unfinished jobs (GET /api/queues through HAProxy)"
    if ((n > 0)); then
        note "$n job(s) of an earlier run not yet on a runner: waiting up to ${limit}s for them before clearing the simulator"
        until ((n == 0)); do
            (($(now_ms) > deadline)) && fail "$n job(s) of an earlier run still not on a runner after ${limit}s; clearing the GitHub simulator now would strand them (wait for them, or start a fresh stack: scripts/runnerhub down --purge)"
            sleep 1
            n=$(unfinished_jobs) || true
            [[ $n =~ ^[0-9]+$ ]] || n=1
        done
    fi
    curl -fsS --max-time 5 -X DELETE "$SIM/_simulator/state" >/dev/null || fail "could not reset the GitHub simulator at $SIM"
}
