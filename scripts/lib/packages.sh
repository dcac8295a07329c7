# shellcheck shell=bash
# System packages the stack needs (Debian 12). Installed with apt-get when running as root;
# otherwise the exact command is printed.

# "command-or-file|package" pairs: present when the command is on PATH or the file exists.
REQUIRED_PACKAGES=(
    "redis-server|redis-server"
    "redis-cli|redis-tools"
    "redis-sentinel|redis-sentinel"
    "haproxy|haproxy"
    "pg_autoctl|pg-auto-failover-cli"
    "/usr/lib/postgresql/15/bin/initdb|postgresql-15"
    "/usr/share/postgresql/15/extension/pgautofailover.control|postgresql-15-auto-failover"
    "jq|jq"
    "curl|curl"
    "setpriv|util-linux"
    "od|coreutils"
)

missing_packages() {
    local entry what pkg
    for entry in "${REQUIRED_PACKAGES[@]}"; do
        IFS='|' read -r what pkg <<<"$entry"
        if [[ $what == /* ]]; then
            [[ -e $what ]] || echo "$pkg"
        else
            command -v "$what" >/dev/null 2>&1 || echo "$pkg"
        fi
    done | sort -u
}

ensure_packages() {
    local missing=()
    mapfile -t missing < <(missing_packages)
    ((${#missing[@]} == 0)) && return 0
    local cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
    if ((EUID != 0)); then
        printf 'RunnerHub needs these packages: %s\nInstall them with:\n\n  sudo sh -c '\''%s'\''\n\n' "${missing[*]}" "$cmd" >&2
        exit 1
    fi
    step "Installing ${missing[*]}"
    # Package scripts must not start their own redis/postgresql/haproxy on our ports: where no
    # policy-rc.d exists, add one that forbids starting services for the duration.
    local policy=/usr/sbin/policy-rc.d added_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\n# temporary, added by RunnerHub scripts/runnerhub\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        added_policy=1
    fi
    local rc=0
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"; } || rc=$?
    ((added_policy)) && rm -f "$policy"
    ((rc == 0)) || die "package installation failed (exit $rc): $cmd"
    mapfile -t missing < <(missing_packages)
    ((${#missing[@]} == 0)) || die "still missing after install: ${missing[*]}"
    ok "packages installed"
}
