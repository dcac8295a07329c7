# shellcheck shell=bash
# PostgreSQL 15 formation under pg_auto_failover 2.0: a monitor and two nodes (primary +
# synchronous standby), all run by `pg_autoctl` as the `postgres` user (PostgreSQL refuses
# to run as root), data under $STATE/pg/.
#
# Failover timing. pg_auto_failover's defaults replace a dead primary after ~50 s and stall
# writes ~20 s when the standby dies. The monitor GUCs below (PG_MONITOR_CONF) and the
# keepers' network_partition_timeout bring that down to (2 cores, idle formation, 3 runs each):
#
#   kill -9 the primary's process group -> first committed write on the other node:
#       5.8 s, 5.9 s, 5.4 s
#   kill -9 the standby's process group -> one INSERT on the primary blocks for:
#       1.4 s, 2.2 s, 2.5 s   (until the monitor turns synchronous replication off)
#
# Measured with (after `scripts/runnerhub up --only infra`; `up` again heals the dead node):
#   export PGPASSWORD=$(cat .runnerhub/secrets/postgres-password)
#   CONN="host=127.0.0.1,127.0.0.1 port=5432,5433 dbname=runnerhub user=runnerhub \
#         target_session_attrs=read-write connect_timeout=1"
#   victim=$(scripts/runnerhub status --json | jq -r .postgres.primary)   # or the other node
#   t0=$(date +%s%N); kill -9 -- "-$(cat .runnerhub/pids/$victim.pid)"
#   until timeout 2 psql -X -q "$CONN" -c "insert into probe default values"; do sleep 0.05; done
#   echo $(( ($(date +%s%N) - t0) / 1000000 )) ms
# (for the standby: one psql INSERT right after the kill, timed the same way).
#
# Where the failover time goes (monitor events, `pg_autoctl show events`): ~1.7 s until the
# monitor marks the primary unhealthy (health_check_period 1 s, one retry after 0.5 s,
# node_considered_unhealthy_timeout 2 s since the keeper's last report), then the standby waits
# primary_demote_timeout (3 s) before promoting, so that a primary that is merely cut off has
# demoted itself first: its keeper demotes after network_partition_timeout (2 s) without
# monitor and standby. Keep primary_demote_timeout > network_partition_timeout.
#
# Authentication: pg_auto_failover's own connections (monitor health checks, replication,
# pg_rewind) use `trust`, limited by the pg_hba.conf lines it writes to its own roles on
# 127.0.0.1. The application role `runnerhub` logs in with a password (scram-sha-256); it is
# the generated $STATE/secrets/postgres-password.

PG_BIN=/usr/lib/postgresql/15/bin
PG_NODES=(pg-node-1 pg-node-2)

# Monitor GUCs (pgautofailover.*, all in ms). See the figures at the top of this file.
PG_MONITOR_CONF="
pgautofailover.health_check_period = 1000
pgautofailover.health_check_timeout = 1000
pgautofailover.health_check_max_retries = 1
pgautofailover.health_check_retry_delay = 500
pgautofailover.node_considered_unhealthy_timeout = 2000
pgautofailover.primary_demote_timeout = 3000
shared_buffers = '64MB'
max_connections = 100
"
# Keeper setting (seconds): a primary without monitor and standby for this long demotes itself.
PG_NETWORK_PARTITION_TIMEOUT=2

# Node settings. Later lines win over pg_auto_failover's postgresql-auto-failover.conf, whose
# "basic tuning" sizes shared_buffers from the machine's RAM for a dedicated server.
PG_NODE_CONF="
shared_buffers = '128MB'
effective_cache_size = '1GB'
work_mem = '8MB'
maintenance_work_mem = '64MB'
wal_keep_size = '512MB'
max_connections = 300
"

pg_dir() { echo "$STATE/pg"; }
pg_sock() { echo "$STATE/pg/sock"; }
pg_data() { echo "$STATE/pg/$1"; }
pg_monitor_uri() { echo "postgres://autoctl_node@127.0.0.1:$(port pg-monitor)/pg_auto_failover?sslmode=prefer"; }

# AS_POSTGRES: command prefix that runs the rest as the postgres user, with pg_autoctl's
# state (XDG dirs) inside the state dir, so `down --purge` removes everything and two stacks
# never share files. An array rather than a function, because setsid must exec it.
set_as_postgres() {
    local d
    d=$(pg_dir)
    AS_POSTGRES=()
    # PostgreSQL only refuses root; anyone else runs it as themselves.
    if ((EUID == 0)); then AS_POSTGRES=(setpriv --reuid=postgres --regid=postgres --init-groups); fi
    AS_POSTGRES+=(env -C "$d" HOME="$d" XDG_CONFIG_HOME="$d/xdg/config" XDG_DATA_HOME="$d/xdg/data"
        XDG_RUNTIME_DIR="$d/xdg/run" PGHOST="$(pg_sock)" PGUSER=postgres PG_CONFIG="$PG_BIN/pg_config"
        PATH="$PG_BIN:$PATH")
}

as_postgres() {
    set_as_postgres
    "${AS_POSTGRES[@]}" "$@"
}

# psql as the postgres superuser over the Unix socket (local connections are trusted).
pg_sql() {
    local p=$1 db=$2
    shift 2
    timeout 5 "$PG_BIN/psql" -X -q -At -h "$(pg_sock)" -p "$p" -U postgres -d "$db" -v ON_ERROR_STOP=1 "$@" 2>/dev/null
}

monitor_sql() { pg_sql "$(port pg-monitor)" pg_auto_failover -F '|' -c "$1"; }

# "name|port|reportedstate|goalstate|health|lsn|nodeid|seconds since its last report" per node.
pg_nodes() {
    monitor_sql "select nodename, nodeport, reportedstate, goalstate, health, reportedlsn, nodeid,
                        round(extract(epoch from now() - reporttime)::numeric, 1)
                   from pgautofailover.node order by nodeid"
}

# The node that is primary: as the monitor reports it, or, when the monitor does not answer,
# the node whose PostgreSQL is not in recovery.
pg_primary_piece() {
    local nodes n
    if nodes=$(pg_nodes); then
        awk -F'|' '$3 == $4 && ($3 == "primary" || $3 == "wait_primary" || $3 == "single") { print $1; exit }' <<<"$nodes"
        return 0
    fi
    for n in "${PG_NODES[@]}"; do
        if [[ $(pg_sql "$(port "$n")" postgres -c "select not pg_is_in_recovery()") == t ]]; then echo "$n"; return 0; fi
    done
}

pg_created() {
    local data=$1 d
    d=$(pg_dir)
    [[ -s "$d/xdg/config/pg_autoctl$data/pg_autoctl.cfg" && ! -e "$d/xdg/data/pg_autoctl$data/pg_autoctl.init" && -s "$data/PG_VERSION" ]]
}

prepare_pg_dirs() {
    local d owner=()
    d=$(pg_dir)
    if ((EUID == 0)); then owner=(-o postgres -g postgres); fi
    install -d "${owner[@]}" -m 700 "$d" "$d/xdg" "$d/xdg/config" "$d/xdg/data" "$d/xdg/run"
    install -d "${owner[@]}" -m 755 "$(pg_sock)"
    if ! as_postgres test -x "$d" 2>/dev/null; then
        die "user postgres cannot reach $d: every parent directory of the state dir must be traversable (chmod o+x), or choose another --state-dir"
    fi
}

# Our settings live in runnerhub.conf, included at the end of postgresql.conf (after
# pg_auto_failover's include at its top), rewritten each time the piece starts.
write_pg_conf() {
    local data=$1 extra=$2
    [[ -s "$data/PG_VERSION" ]] || return 0
    {
        echo "# Written by scripts/runnerhub on every start; edit scripts/lib/postgres.sh instead."
        echo "unix_socket_directories = '$(pg_sock)'"
        echo "$extra"
    } >"$data/runnerhub.conf"
    if ((EUID == 0)); then chown postgres:postgres "$data/runnerhub.conf"; fi
    grep -q "runnerhub.conf" "$data/postgresql.conf" ||
        echo "include_if_exists = 'runnerhub.conf'" >>"$data/postgresql.conf"
}

# Our own initdb (instead of pg_autoctl's) so the socket directory is set from the start.
pg_initdb() {
    local data=$1 app_line=$2
    as_postgres "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-instructions \
        >>"$STATE/logs/pg-initdb.log" 2>&1 || { log_tail pg-initdb; die "initdb of $data failed"; }
    # Local superuser over the socket only; pg_autoctl appends the rules for its own roles, but
    # for the formation's database only, while pg_rewind (a demoted primary following the new
    # one) connects as the replicator to database postgres: without this line the rewind is
    # refused and the old primary falls back to a full pg_basebackup, minutes instead of seconds.
    {
        echo "local all all trust"
        echo "local replication all trust"
        echo "host postgres pgautofailover_replicator 127.0.0.1/32 trust"
        if [[ -n $app_line ]]; then echo "$app_line"; fi
    } >"$data/pg_hba.conf"
}

start_pg_monitor() {
    local data
    data=$(pg_data monitor)
    if pg_created "$data"; then
        write_pg_conf "$data" "$PG_MONITOR_CONF"
        set_as_postgres
        start_piece pg-monitor "${AS_POSTGRES[@]}" pg_autoctl run --pgdata "$data"
        return 0
    fi
    if [[ ! -s "$data/PG_VERSION" ]]; then pg_initdb "$data" ""; fi
    write_pg_conf "$data" "$PG_MONITOR_CONF"
    set_as_postgres
    start_piece pg-monitor "${AS_POSTGRES[@]}" pg_autoctl create monitor --pgdata "$data" --pgport "$(port pg-monitor)" \
        --hostname 127.0.0.1 --listen 127.0.0.1 --auth trust --no-ssl --pgctl "$PG_BIN/pg_ctl" --run
}

start_pg_node() {
    local name=$1 data
    data=$(pg_data "$name")
    if pg_created "$data"; then
        write_pg_conf "$data" "$PG_NODE_CONF"
        as_postgres pg_autoctl config set --pgdata "$data" timeout.network_partition_timeout "$PG_NETWORK_PARTITION_TIMEOUT" >/dev/null 2>&1 ||
            warn "could not set network_partition_timeout for $name"
        set_as_postgres
        start_piece "$name" "${AS_POSTGRES[@]}" pg_autoctl run --pgdata "$data"
        return 0
    fi
    # The first node of an empty formation starts from our initdb; any later one is cloned
    # from the current primary by pg_autoctl (pg_basebackup), configuration files included.
    if [[ ! -s "$data/PG_VERSION" && -z $(pg_nodes) ]]; then
        pg_initdb "$data" "host all runnerhub 127.0.0.1/32 scram-sha-256"
        write_pg_conf "$data" "$PG_NODE_CONF"
    fi
    set_as_postgres
    start_piece "$name" "${AS_POSTGRES[@]}" pg_autoctl create postgres --pgdata "$data" --pgport "$(port "$name")" \
        --hostname 127.0.0.1 --listen 127.0.0.1 --pghost "$(pg_sock)" --name "$name" --dbname runnerhub \
        --auth trust --no-ssl --pgctl "$PG_BIN/pg_ctl" --monitor "$(pg_monitor_uri)" --run
}

# Waits (within the up deadline) until a condition holds, failing like the health wait does.
wait_for() {
    local piece=$1 what=$2
    shift 2
    while ! "$@"; do
        piece_alive "$piece" || fail_piece "$piece" "exited while waiting for $what"
        (($(now_ms) < DEADLINE_MS)) || fail_piece "$piece" "timed out waiting for $what"
        sleep 0.3
    done
}

monitor_ready() { [[ -n $(monitor_sql "select 1 from pgautofailover.formation limit 1") ]]; }
node_registered() { pg_nodes | awk -F'|' -v n="$1" '$1 == n && $3 != "init" { f = 1 } END { exit !f }'; }

# Like check_ports_free, but a PostgreSQL still running from this data dir (its pg_autoctl was
# killed alone) is fine: pg_autoctl adopts it.
check_pg_port_free() {
    local name=$1 data pid
    cleanup_orphans "$name"
    data=$(pg_data "$name")
    [[ $name == pg-monitor ]] && data=$(pg_data monitor)
    pid=$(head -n1 "$data/postmaster.pid" 2>/dev/null || true)
    if [[ $pid =~ ^[0-9]+$ ]] && pid_running "$pid" && port_in_use "$(port "$name")"; then
        note "$name: adopting the PostgreSQL still running from $data (pid $pid)"
        return 0
    fi
    check_ports_free "$name"
}

# True when the node reported to the monitor after monitor time $2, with Postgres running.
node_reported_since() {
    [[ $(monitor_sql "select reporttime > '$2' and reportedpgisrunning from pgautofailover.node where nodename = '$1'") == t ]]
}

# Nodes in start order: the one the monitor has assigned the primary role first.
pg_start_order() {
    local primary n
    primary=$(pg_nodes | awk -F'|' '$4 == "primary" || $4 == "wait_primary" || $4 == "single" { print $1; exit }')
    [[ -n $primary ]] && echo "$primary"
    for n in "${PG_NODES[@]}"; do [[ $n != "$primary" ]] && echo "$n"; done
    return 0
}

# Starts whatever part of the formation is not running, creating it on first use.
start_postgres() {
    prepare_pg_dirs
    if piece_alive pg-monitor; then
        note "pg-monitor already running (pid $(piece_pid pg-monitor))"
    else
        check_pg_port_free pg-monitor
        start_pg_monitor
    fi
    wait_for pg-monitor "the monitor to accept connections" monitor_ready
    local n since
    for n in $(pg_start_order); do
        if piece_alive "$n"; then note "$n already running (pid $(piece_pid "$n"))"; continue; fi
        check_pg_port_free "$n"
        since=$(monitor_sql "select now()")
        if pg_created "$(pg_data "$n")"; then
            start_pg_node "$n"
            # The primary reports back before the standby starts: a standby that shows up first
            # makes the monitor fail over to it (seen after every restart of both nodes).
            wait_for "$n" "$n to report to the monitor" node_reported_since "$n" "$since"
        else
            # pg_basebackup starts with a spread checkpoint, which took 90 s after CREATE
            # DATABASE; an immediate one on the primary first makes the clone take a second.
            local primary
            primary=$(pg_primary_piece)
            if [[ -n $primary ]]; then pg_sql "$(port "$primary")" postgres -c CHECKPOINT >/dev/null || true; fi
            start_pg_node "$n"
            # Nodes join one at a time: the second clones from the first.
            wait_for "$n" "$n to register with the monitor" node_registered "$n"
        fi
    done
}

check_pg_monitor() {
    if monitor_ready; then CHECK_DETAIL="monitor up"; else CHECK_DETAIL="monitor not answering"; return 1; fi
}

# Healthy: the keeper reported within the last 5 s, the monitor's health check passes, the
# node reached its assigned state, and a secondary is streaming to the primary.
check_pg_node() {
    local nodes row
    if ! nodes=$(pg_nodes); then
        CHECK_DETAIL="monitor not answering; PostgreSQL on $(port "$1") $(pg_sql "$(port "$1")" postgres -c \
            "select case when pg_is_in_recovery() then 'is a standby' else 'is a primary' end" || echo "does not answer")"
        return 1
    fi
    row=$(awk -F'|' -v n="$1" '$1 == n' <<<"$nodes")
    if [[ -z $row ]]; then CHECK_DETAIL="not registered with the monitor"; return 1; fi
    local name port reported goal health lsn id age
    IFS='|' read -r name port reported goal health lsn id age <<<"$row"
    CHECK_DETAIL="$reported (assigned $goal), health $health, last report ${age}s ago"
    [[ $reported == "$goal" && $health == 1 ]] || return 1
    awk -v a="$age" 'BEGIN { exit !(a < 5) }' || return 1
    case "$reported" in
        primary) return 0 ;;
        secondary)
            local primary state
            primary=$(pg_primary_piece)
            [[ -n $primary ]] || return 1
            state=$(pg_sql "$(port "$primary")" postgres -c \
                "select state || ' ' || sync_state from pg_stat_replication where application_name = 'pgautofailover_standby_$id'")
            CHECK_DETAIL="$CHECK_DETAIL, ${state:-not replicating}"
            [[ $state == streaming* ]] ;;
        *) return 1 ;;
    esac
}

# After the formation is healthy: the application role and database owner, and the keepers'
# partition timeout on nodes created during this run. Idempotent; runs on the primary.
ensure_pg_app_role() {
    local primary password
    primary=$(pg_primary_piece)
    [[ -n $primary ]] || die "no PostgreSQL primary to create the runnerhub role on"
    password=$(secret postgres-password)
    # The password goes through stdin, never the command line.
    pg_sql "$(port "$primary")" runnerhub -f - <<SQL || die "could not create the runnerhub role on $primary"
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'runnerhub') THEN CREATE ROLE runnerhub; END IF;
END \$\$;
ALTER ROLE runnerhub WITH LOGIN CREATEDB PASSWORD '$password';
ALTER DATABASE runnerhub OWNER TO runnerhub;
-- /health/database reads replication state and lag from pg_stat_replication.
GRANT pg_monitor TO runnerhub;
SQL
    local n data
    for n in "${PG_NODES[@]}"; do
        data=$(pg_data "$n")
        if [[ $(as_postgres pg_autoctl config get --pgdata "$data" timeout.network_partition_timeout 2>/dev/null) != "$PG_NETWORK_PARTITION_TIMEOUT" ]]; then
            if ! { as_postgres pg_autoctl config set --pgdata "$data" timeout.network_partition_timeout "$PG_NETWORK_PARTITION_TIMEOUT" &&
                   as_postgres pg_autoctl reload --pgdata "$data"; } >/dev/null 2>&1; then
                warn "could not tune $n's network_partition_timeout"
            fi
        fi
    done
    if PGPASSWORD=$password timeout 5 "$PG_BIN/psql" -X -q -At "$(pg_uri)&connect_timeout=2" -c 'select 1' >/dev/null 2>&1; then
        ok "postgres role runnerhub can log in ($(pg_uri))"
    else
        die "the runnerhub role cannot log in with $(pg_uri) (password in $STATE/secrets/postgres-password)"
    fi
}

# Stops the standby before the primary (so the monitor never fails over during shutdown),
# then the monitor. TERM goes to pg_autoctl only: it stops PostgreSQL with a fast shutdown.
stop_postgres() {
    local primary n order=()
    primary=$(pg_primary_piece || true)
    for n in "${PG_NODES[@]}"; do [[ $n != "$primary" ]] && order+=("$n"); done
    [[ -n $primary ]] && order+=("$primary")
    for n in "${order[@]}"; do stop_pieces --leader "$n"; done
    stop_pieces --leader pg-monitor
}

# Replication as the primary sees it: "application_name|state|sync_state|replay_lag_s|lag_bytes".
pg_replication() {
    local primary
    primary=$(pg_primary_piece)
    [[ -n $primary ]] || return 0
    pg_sql "$(port "$primary")" postgres -F '|' -c \
        "select application_name, state, sync_state, coalesce(extract(epoch from replay_lag), 0), coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0) from pg_stat_replication"
}
