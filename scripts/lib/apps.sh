# shellcheck shell=bash
# The .NET processes (three orchestrators, the GitHub simulator, two proxy runners) and
# HAProxy in front of the orchestrators.

# name|project|dll, published to $STATE/app/<name>/.
APP_PROJECTS=(
    "orchestrator|src/Orchestrator/Orchestrator.csproj|RunnerHub.Orchestrator.dll"
    "proxy-runner|src/ProxyRunner/ProxyRunner.csproj|RunnerHub.ProxyRunner.dll"
    "github-simulator|tools/GitHubSimulator/GitHubSimulator.csproj|RunnerHub.GitHubSimulator.dll"
)

app_dll() {
    local entry name dll
    for entry in "${APP_PROJECTS[@]}"; do
        IFS='|' read -r name _ dll <<<"$entry"
        if [[ $name == "$1" ]]; then echo "$STATE/app/$name/$dll"; return 0; fi
    done
    die "internal: unknown app $1"
}

# Build output (bin/ and obj/) goes to BUILD_DIR, not into the source tree, so a stack build
# never fights with a developer's or a test run's own build of the same projects. Shared by all
# state dirs (incremental), serialised with a lock.
BUILD_DIR=${RUNNERHUB_BUILD_DIR:-$REPO/artifacts/runnerhub}

# One `dotnet build` of the solution, then a publish of each app without rebuilding.
# Skipped while any app runs: publishing over the files of a running .NET process can crash it.
build_apps() {
    local p running=()
    for p in "${APP_PIECES[@]}"; do piece_alive "$p" && running+=("$p"); done
    if ((${#running[@]})); then
        note "not rebuilding: ${running[*]} still running (run '$PROG down' first to deploy new code)"
        return 0
    fi
    command -v dotnet >/dev/null || die "dotnet is not installed (needed to build RunnerHub; or use --no-build with published apps in $STATE/app)"
    local log="$STATE/logs/build.log" t0
    t0=$(now_ms)
    step "Building RunnerHub.sln (Release, output $BUILD_DIR, log $log)"
    mkdir -p "$BUILD_DIR"
    : >"$log"
    (
        flock 8
        cd "$REPO"
        dotnet build RunnerHub.sln -c Release -nologo --artifacts-path "$BUILD_DIR" || exit 1
        for entry in "${APP_PROJECTS[@]}"; do
            IFS='|' read -r name project _ <<<"$entry"
            dotnet publish "$project" -c Release --no-build -nologo --artifacts-path "$BUILD_DIR" -o "$STATE/app/$name" || exit 2
        done
    ) 8>"$BUILD_DIR.lock" >>"$log" 2>&1 || {
        tail -n 40 "$log" >&2
        die "dotnet build/publish failed (full log: $log)"
    }
    require_dlls
    ok "built and published to $STATE/app in $(elapsed_since "$t0")"
}

require_dlls() {
    local entry name project dll
    for entry in "${APP_PROJECTS[@]}"; do
        IFS='|' read -r name project dll <<<"$entry"
        [[ -f "$STATE/app/$name/$dll" ]] ||
            die "missing $STATE/app/$name/$dll, published from $project (does the project exist and build? run '$PROG up' without --no-build)"
    done
}

# start_orchestrator NAME [--also-listen URL] [-- PREFIX...]: PREFIX goes before the command
# (e.g. `ip netns exec NS`, scripts/lib/netns.sh) and the node listens on URL as well.
start_orchestrator() {
    local name=$1 also='' p
    shift
    if [[ ${1:-} == --also-listen ]]; then
        also=";${2:?--also-listen needs a URL}"
        shift 2
    fi
    [[ ${1:-} == -- ]] && shift
    p=$(port "$name")
    start_piece "$name" "$@" env \
        ASPNETCORE_URLS="http://127.0.0.1:$p$also" \
        DOTNET_ENVIRONMENT=Production \
        Node__Id="$name" \
        Node__AdvertisedUrl="http://127.0.0.1:$p" \
        Redis__Sentinels="$(sentinel_addrs)" \
        Redis__ServiceName="$SERVICE_NAME" \
        Redis__Password="$(secret redis-password)" \
        Postgres__ConnectionString="$(pg_uri "$(secret postgres-password)")" \
        Webhooks__Secret="$(secret webhook-secret)" \
        GitHub__ApiBaseUrl="http://127.0.0.1:$(port github-simulator)" \
        GitHub__Token=simulator \
        ASPNETCORE_CONTENTROOT="$STATE/app/orchestrator" \
        dotnet "$(app_dll orchestrator)"
}

# operator_token_cli ARGS...: the orchestrator's `operator-token` command with the stack's
# configuration (it migrates the schema itself when needed). Exit code as the command's.
operator_token_cli() {
    env \
        DOTNET_ENVIRONMENT=Production \
        Postgres__ConnectionString="$(pg_uri "$(secret postgres-password)")" \
        ASPNETCORE_CONTENTROOT="$STATE/app/orchestrator" \
        dotnet "$(app_dll orchestrator)" operator-token "$@"
}

# The operator token the script generated (secrets/operator-token) is registered, hashed, in
# PostgreSQL as 'local-operator'; the orchestrators never see it in their configuration.
# Idempotent: an 'up' after the first finds it registered.
register_operator_token() {
    local log="$STATE/logs/operator-token.log"
    operator_token_cli create --name local-operator --token-file "$STATE/secrets/operator-token" >"$log" 2>&1 || {
        cat "$log" >&2
        die "could not register $STATE/secrets/operator-token as operator 'local-operator' (log $log; if it was revoked, delete the file and run '$PROG up' again)"
    }
    ok "operator token $STATE/secrets/operator-token registered as 'local-operator'"
}

start_haproxy() {
    local dir="$STATE/haproxy"
    render_template "$REPO/haproxy/haproxy.cfg.tmpl" "$dir/haproxy.cfg" \
        PORT_HTTP="$(port http)" PORT_WS="$(port ws)" PORT_STATS="$(port stats)" \
        PORT_ORCH_1="$(port orchestrator-1)" PORT_ORCH_2="$(port orchestrator-2)" PORT_ORCH_3="$(port orchestrator-3)"
    haproxy -c -q -f "$dir/haproxy.cfg" || die "haproxy rejects $dir/haproxy.cfg (from haproxy/haproxy.cfg.tmpl)"
    start_piece haproxy haproxy -f "$dir/haproxy.cfg" -db
}

start_simulator() {
    start_piece github-simulator env \
        ASPNETCORE_URLS="http://127.0.0.1:$(port github-simulator)" \
        DOTNET_ENVIRONMENT=Production \
        Simulator__WebhookUrl="http://127.0.0.1:$(port http)/api/webhooks/github" \
        Simulator__WebhookSecret="$(secret webhook-secret)" \
        ASPNETCORE_CONTENTROOT="$STATE/app/github-simulator" \
        dotnet "$(app_dll github-simulator)"
}

# Slots per proxy runner: each slot is one simulated runner (a bash process), so a stream
# of 100 jobs/s of 200 ms needs about 20 slots in all.
RUNNER_SLOTS=${RUNNERHUB_RUNNER_SLOTS:-16}

runner_labels() {
    case "$1" in
        runner-1) echo "self-hosted,linux,x64" ;;
        runner-2) echo "self-hosted,linux,x64,gpu" ;;
    esac
}

# A registration token for a runner that has no identity yet (operator API through HAProxy).
registration_token() {
    curl -fsS --max-time 10 --retry 5 --retry-all-errors --retry-delay 1 -X POST -H "Authorization: Bearer $(secret operator-token)" \
        "http://127.0.0.1:$(port http)/api/runners/registration-tokens" | jq -r .token
}

start_runner() {
    local name=$1 token=''
    mkdir -p "$STATE/runners/$name"
    if [[ ! -s $STATE/runners/$name/identity.json ]]; then
        token=$(registration_token) || die "could not get a registration token for $name from http://127.0.0.1:$(port http)"
    fi
    start_proxy_runner "$name" "$(port "$name")" "$(runner_labels "$name")" "$RUNNER_SLOTS" "$STATE/runners/$name" "$token"
}

# start_proxy_runner NAME PORT LABELS SLOTS STATE_DIR TOKEN: one proxy runner process, as the
# piece NAME (pid and log under $STATE like every piece). TOKEN may be empty when STATE_DIR
# already holds the runner's identity. scripts/bench starts extra runners with it.
start_proxy_runner() {
    local name=$1 http_port=$2 labels=$3 slots=$4 dir=$5 token=$6
    start_piece "$name" env \
        Runner__RegistrationToken="$token" \
        ASPNETCORE_URLS="http://127.0.0.1:$http_port" \
        DOTNET_ENVIRONMENT=Production \
        Runner__Name="$name" \
        Runner__Labels="$labels" \
        Runner__Slots="$slots" \
        Runner__OrchestratorUrl="http://127.0.0.1:$(port ws)" \
        Runner__StateDirectory="$dir" \
        Execution__RunnerDirectory="$STATE/app/github-simulator" \
        GITHUB_SIMULATOR_URL="http://127.0.0.1:$(port github-simulator)" \
        ASPNETCORE_CONTENTROOT="$STATE/app/proxy-runner" \
        dotnet "$(app_dll proxy-runner)"
}

start_app_piece() {
    case "$1" in
        orchestrator-*) start_orchestrator "$1" ;;
        haproxy) start_haproxy ;;
        github-simulator) start_simulator ;;
        runner-*) start_runner "$1" ;;
    esac
}

# ---------------------------------------------------------------------------------------------
# Health

check_dotnet() {
    local code
    code=$(http_code "http://127.0.0.1:$(port "$1")/health/ready")
    CHECK_DETAIL="/health/ready $code"
    [[ $code == 200 ]]
}

# "backend|server|status" rows from HAProxy's CSV stats, for real servers only.
haproxy_servers() {
    curl -s --max-time 2 "http://127.0.0.1:$(port stats)/stats;csv" 2>/dev/null |
        awk -F, '!/^#/ && $2 != "FRONTEND" && $2 != "BACKEND" && NF > 17 { print $1 "|" $2 "|" $18 }'
}

check_haproxy() {
    local rows up total
    rows=$(haproxy_servers)
    if [[ -z $rows ]]; then CHECK_DETAIL="no stats on $(port stats)"; return 1; fi
    total=$(grep -c . <<<"$rows")
    up=$(grep -c '|UP$' <<<"$rows" || true)
    CHECK_DETAIL="$up/$total servers UP"
    [[ $total -eq 6 && $up -eq 6 ]]
}

# GET /health/leadership of one orchestrator as compact JSON (null when it does not answer).
leadership_json() {
    local body
    body=$(curl -sf --max-time 2 "http://127.0.0.1:$(port "$1")/health/leadership" 2>/dev/null || true)
    if [[ -n $body ]] && jq -e . >/dev/null 2>&1 <<<"$body"; then jq -c . <<<"$body"; else echo null; fi
}
