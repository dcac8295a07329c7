# shellcheck shell=bash
# Backup and restore of the system of record (PostgreSQL database runnerhub), for
# `runnerhub backup` and `runnerhub restore`. Sourced after common.sh, process.sh, postgres.sh and
# apps.sh; uses the caller's STATE, PORT_OFFSET, PROG and BACKUP_* globals.

# The application pieces that use the database; restore stops them and starts them again.
RESTORE_STOPS=(runner-2 runner-1 orchestrator-3 orchestrator-2 orchestrator-1)

# pg_dump / pg_restore from the PostgreSQL the stack runs (the same major version as the server).
pg_tool() { "$PG_BIN/$1" "${@:2}"; }

# backup_primary_port: the primary's port, or die naming what is wrong.
backup_primary_port() {
    local primary
    primary=$(pg_primary_piece || true)
    [[ -n $primary ]] || die "no PostgreSQL primary answers in $STATE (is the stack up? '$PROG status')"
    port "$primary"
}

# dump_summary FILE: how many tables of schema public the archive holds, and its size.
dump_summary() {
    local tables
    tables=$(pg_tool pg_restore --list "$1" | grep -c ' TABLE public ' || true)
    printf '%s table(s) in schema public, %s' "$tables" "$(du -h "$1" | cut -f1)"
}

# check_dump FILE: a pg_dump archive (custom format) of RunnerHub's database, or die. Reads only
# the file; nothing is stopped or changed when it is refused.
check_dump() {
    local file=$1 toc
    [[ -f $file ]] || die "no such file: $file"
    [[ -r $file ]] || die "cannot read $file"
    toc=$(pg_tool pg_restore --list "$file" 2>&1) ||
        die "$file is not a pg_dump archive in custom format (pg_restore --list: $(head -n 1 <<<"$toc")); make one with '$PROG backup'"
    grep -q ' TABLE public schema_migrations ' <<<"$toc" && grep -q ' TABLE public jobs ' <<<"$toc" ||
        die "$file is a pg_dump archive but not of RunnerHub's database (no tables schema_migrations and jobs)"
}

cmd_backup() {
    [[ -d $STATE && -s $STATE/secrets/postgres-password ]] || die "no stack in $STATE: run '$PROG up' first"
    resolve_port_offset
    local primary_port file tmp t0
    primary_port=$(backup_primary_port)
    file=${BACKUP_OUTPUT:-$STATE/backups/runnerhub-$(date -u +%Y%m%dT%H%M%SZ).dump}
    [[ $file == /* ]] || file="$PWD/$file"
    [[ -e $file ]] && die "$file exists; choose another --output"
    mkdir -p "$(dirname "$file")"
    step "Backup of database runnerhub from the primary (127.0.0.1:$primary_port)"
    t0=$(now_ms)
    tmp="$file.partial"
    # As the superuser over the Unix socket, so the dump also holds what pg_auto_failover created
    # in the database (an extension the runnerhub role could not restore). One snapshot: the dump
    # is consistent while the stack keeps running. Written by this user, mode 600: it holds
    # credential hashes and the Data Protection key ring.
    (
        umask 077
        as_postgres pg_dump -h "$(pg_sock)" -p "$primary_port" -U postgres -d runnerhub -Fc >"$tmp"
    ) || { rm -f -- "$tmp"; die "pg_dump failed (see above)"; }
    mv -- "$tmp" "$file"
    ok "$file ($(dump_summary "$file")) in $(elapsed_since "$t0")"
    note "restore it with: $PROG restore $file --state-dir $STATE"
}

# confirm_restore FILE: asks on a terminal; without one, --yes is required.
confirm_restore() {
    ((BACKUP_YES)) && return 0
    [[ -t 0 ]] || die "restore replaces the whole database; add --yes to run it without a terminal"
    local answer
    printf 'This replaces database runnerhub in %s with %s:\neverything written since that backup is lost. Type "restore" to go on: ' "$STATE" "$1"
    read -r answer
    [[ $answer == restore ]] || die "not restored"
}

cmd_restore() {
    local file=${BACKUP_ARGS[0]:-} primary_port t0 p was_running=()
    [[ ${#BACKUP_ARGS[@]} -eq 1 && -n $file ]] || { usage_for restore >&2; exit 2; }
    [[ -d $STATE && -s $STATE/secrets/postgres-password ]] || die "no stack in $STATE: run '$PROG up' first"
    resolve_port_offset
    [[ $file == /* ]] || file="$PWD/$file"
    check_dump "$file"
    primary_port=$(backup_primary_port)
    require_dlls
    confirm_restore "$file"
    lock_state
    REDIS_PASSWORD=$(secret redis-password)
    t0=$(now_ms)

    # Nothing may write while the database is replaced: a node left running would write into the
    # restored tables, and a leader whose token is above the restored leader_term would have every
    # leader write refused by the fence. HAProxy stays up and answers 503 meanwhile, so GitHub
    # records the failed deliveries and they can be redelivered.
    step "Stopping the orchestrators and proxy runners"
    for p in "${RESTORE_STOPS[@]}"; do piece_alive "$p" && was_running+=("$p"); done
    stop_pieces "${RESTORE_STOPS[@]}"

    step "Restoring $file into the primary (127.0.0.1:$primary_port)"
    local restore0
    restore0=$(now_ms)
    # One transaction: a restore that fails leaves the database as it was.
    if ! as_postgres pg_restore -h "$(pg_sock)" -p "$primary_port" -U postgres -d runnerhub \
        --clean --if-exists --single-transaction --exit-on-error <"$file"; then
        warn "pg_restore failed; the database is unchanged (one transaction)"
        restart_after_restore "${was_running[@]+"${was_running[@]}"}"
        die "restore of $file failed (see above); the stack runs on its old data"
    fi
    ok "restored in $(elapsed_since "$restore0") ($(dump_summary "$file"))"

    restart_after_restore "${was_running[@]+"${was_running[@]}"}"
    ok "restore done in $(elapsed_since "$t0")"
    note "Deliveries GitHub sent since the backup are not in RunnerHub: redeliver them from the"
    note "App's settings (Advanced, Recent deliveries) or with GitHub's API; see docs/runbook.md."
}

# restart_after_restore PIECE...: starts the pieces restore stopped, orchestrators first, and
# waits until they are healthy.
restart_after_restore() {
    (($#)) || return 0
    local p orchestrators=() runners=()
    for p in "$@"; do
        case $p in orchestrator-*) orchestrators+=("$p") ;; *) runners+=("$p") ;; esac
    done
    DEADLINE_MS=$(($(now_ms) + TIMEOUT * 1000))
    step "Starting them again: ${orchestrators[*]} ${runners[*]}"
    if ((${#orchestrators[@]})); then
        start_missing start_app_piece "${orchestrators[@]}"
        wait_healthy "${orchestrators[@]}"
    fi
    if ((${#runners[@]})); then
        start_missing start_app_piece "${runners[@]}"
        wait_healthy "${runners[@]}"
    fi
}
