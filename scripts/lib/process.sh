# shellcheck shell=bash
# Starting and stopping the stack's processes. Each piece runs in its own session (setsid, so
# its pid is also its process-group id), logs to $STATE/logs/<name>.log and has its pid in
# $STATE/pids/<name>.pid. Next to it, <name>.start holds the process start time from
# /proc/<pid>/stat, so a recycled pid is never mistaken for ours.

pid_file() { echo "$STATE/pids/$1.pid"; }

# Start time (clock ticks since boot) of a pid, empty when it is gone.
proc_start_time() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    # Field 2 (comm) may hold spaces; everything after the last ')' is space-separated.
    stat=${stat##*) }
    # shellcheck disable=SC2086 # deliberate word splitting of the stat fields
    set -- $stat
    echo "${20}"
}

# True when the pid exists and is not a zombie.
pid_running() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}

# Pid of a piece when its recorded process is still the one we started; empty otherwise.
piece_pid() {
    local file pid started
    file=$(pid_file "$1")
    [[ -r $file ]] || return 0
    pid=$(<"$file")
    [[ $pid =~ ^[0-9]+$ ]] || return 0
    pid_running "$pid" || return 0
    started=$(cat "$STATE/pids/$1.start" 2>/dev/null || true)
    [[ -z $started || $started == "$(proc_start_time "$pid")" ]] || return 0
    echo "$pid"
}

piece_alive() { [[ -n $(piece_pid "$1") ]]; }

# start_piece NAME COMMAND...: runs COMMAND in a new session, detached from this terminal.
start_piece() {
    local name=$1
    shift
    local log="$STATE/logs/$name.log"
    printf '\n===== %s: starting %s =====\n' "$(date -Is)" "$name" >>"$log"
    # Without job control a background child is not a group leader, so setsid calls setsid()
    # and execs in place: $! is the pid of the final program, and its pgid and sid equal it.
    # fd 9 is the state-dir lock: the daemons must not inherit (and keep holding) it.
    setsid "$@" >>"$log" 2>&1 </dev/null 9>&- &
    local pid=$!
    echo "$pid" >"$(pid_file "$name")"
    proc_start_time "$pid" >"$STATE/pids/$name.start"
    note "started $name (pid $pid, log $log)"
}

# Every pid that belongs to a piece: its session (everything it forked that did not leave)
# plus all descendants of the leader (PostgreSQL backends call setsid themselves).
piece_tree() { ps_closure sid "$1" 1; }

# ps_closure FIELD VALUE WITH_LEADER: pids whose FIELD (sid or pgid) is VALUE, plus all their
# descendants; the process VALUE itself only when WITH_LEADER is 1.
ps_closure() {
    ps -e -o pid= -o ppid= -o "$1"= | awk -v v="$2" -v leader="$3" '
        { pid[NR] = $1; ppid[NR] = $2; grp[NR] = $3 }
        END {
            if (leader) keep[v] = 1
            for (i = 1; i <= NR; i++) if (grp[i] == v && (leader || pid[i] != v)) keep[pid[i]] = 1
            do {
                changed = 0
                for (i = 1; i <= NR; i++)
                    if (!(pid[i] in keep) && (ppid[i] in keep)) { keep[pid[i]] = 1; changed = 1 }
            } while (changed)
            for (p in keep) print p
        }'
}

# Processes left behind by a piece whose leader died (e.g. `kill -9 <pid>` instead of the
# group): the rest of its process group and their descendants.
piece_orphans() {
    local file pid
    file=$(pid_file "$1")
    [[ -r $file ]] || return 0
    pid=$(<"$file")
    [[ $pid =~ ^[0-9]+$ ]] || return 0
    ps_closure pgid "$pid" 0
}

# Before a dead piece is started again: stop what is left of its previous run, so a half-dead
# supervisor (pg_autoctl's children, PostgreSQL) does not hold the pid file, data dir or port.
# Then wait until those pids, and a dead leader that is still a zombie, are reaped: pg_autoctl
# takes a zombie in its pid file for a running instance (reaping can take ~2 s here).
cleanup_orphans() {
    local name=$1 all=() live=() reap=() p leader
    piece_alive "$name" && return 0
    mapfile -t all < <(piece_orphans "$name")
    for p in "${all[@]}"; do pid_running "$p" && live+=("$p"); done
    if ((${#live[@]})); then
        note "$name: stopping ${#live[@]} leftover process(es) of its previous run: ${live[*]}"
        for p in "${live[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
        if ! wait_pids_gone "${STOP_TIMEOUT:-10}" "${live[@]}"; then
            for p in "${live[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
            wait_pids_gone 10 "${live[@]}" || warn "$name: leftover processes survive KILL: ${live[*]}"
        fi
    fi
    reap=("${all[@]}")
    leader=$(cat "$(pid_file "$name")" 2>/dev/null || true)
    if [[ $leader =~ ^[0-9]+$ ]] && [[ -e /proc/$leader ]] && ! pid_running "$leader"; then reap+=("$leader"); fi
    ((${#reap[@]})) || return 0
    wait_pids_reaped 10 "${reap[@]}" || warn "$name: pids ${reap[*]} are still zombies; starting anyway"
}

# Waits until the pids are gone from /proc entirely (zombies included).
wait_pids_reaped() {
    local timeout=$1
    shift
    local deadline=$(($(now_ms) + timeout * 1000)) p
    while :; do
        local left=0
        for p in "$@"; do [[ -e /proc/$p ]] && left=1; done
        ((left)) || return 0
        (($(now_ms) >= deadline)) && return 1
        sleep 0.1
    done
}

# Waits until none of the given pids runs (zombies count as gone: they hold no port or
# file any more). Returns 1 if some still run after $1 seconds.
wait_pids_gone() {
    local timeout=$1
    shift
    local deadline=$(($(now_ms) + timeout * 1000)) pid left
    while :; do
        left=()
        for pid in "$@"; do pid_running "$pid" && left+=("$pid"); done
        ((${#left[@]} == 0)) && return 0
        (($(now_ms) >= deadline)) && return 1
        sleep 0.2
    done
}

# stop_pieces [--leader] NAME...: stops the pieces together: TERM to each whole process group
# (or only to the leader with --leader, for supervisors that stop their children themselves),
# wait up to STOP_TIMEOUT seconds for every process of theirs to go, then KILL what is left.
stop_pieces() {
    local target=group
    if [[ $1 == --leader ]]; then target=leader; shift; fi
    local name pid t0 names=() leaders=() all=() tree=()
    t0=$(now_ms)
    for name in "$@"; do
        pid=$(piece_pid "$name")
        if [[ -z $pid ]]; then
            cleanup_orphans "$name"
            rm -f "$(pid_file "$name")" "$STATE/pids/$name.start"
            continue
        fi
        names+=("$name")
        leaders+=("$pid")
        mapfile -t tree < <(piece_tree "$pid")
        all+=("${tree[@]}")
        if [[ $target == leader ]]; then
            kill -TERM "$pid" 2>/dev/null || true
        else
            kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        fi
    done
    ((${#names[@]})) || return 0
    if ! wait_pids_gone "${STOP_TIMEOUT:-10}" "${all[@]}"; then
        warn "${names[*]}: not stopped within ${STOP_TIMEOUT:-10}s; sending KILL"
        # Re-read the trees: a supervisor may have started children while stopping.
        for pid in "${leaders[@]}"; do
            mapfile -t tree < <(piece_tree "$pid")
            all+=("${tree[@]}")
            kill -KILL -- "-$pid" 2>/dev/null || true
        done
        for pid in "${all[@]}"; do
            if pid_running "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
        done
        wait_pids_gone 10 "${all[@]}" || warn "still present after KILL: $(for p in "${all[@]}"; do pid_running "$p" && printf '%s ' "$p"; done)"
    fi
    local i
    for i in "${!names[@]}"; do
        rm -f "$(pid_file "${names[$i]}")" "$STATE/pids/${names[$i]}.start"
        ok "stopped ${names[$i]} (pid ${leaders[$i]}) in $(elapsed_since "$t0")"
    done
}

# Refuses to start a piece whose port is taken by something that is not this stack.
check_ports_free() {
    local name=$1 p
    cleanup_orphans "$name"
    for p in $(listen_ports "$name"); do
        if port_in_use "$p"; then
            die "cannot start $name: 127.0.0.1:$p is already in use by another process (another stack? use --port-offset)"
        fi
    done
}
