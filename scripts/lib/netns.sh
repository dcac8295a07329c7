# shellcheck shell=bash
# A network partition for one orchestrator (scripts/drill partition). The node is moved into a
# network namespace of its own, rh-part-<port offset>, joined to the root namespace by a veth
# pair on a /30 of its own; the link can then be cut and healed.
#
# Inside the namespace the node still uses 127.0.0.1 for everything (Sentinel hands out
# 127.0.0.1:<port> masters, so addresses cannot be rewritten): socat forwarders carry each port
# it talks to across the link, twice:
#
#   node -> 127.0.0.1:P (socat in the ns) -> ROOT_ADDR:P (socat in the root ns) -> 127.0.0.1:P
#
# and the way in, for HAProxy and the other nodes, which keep using 127.0.0.1:<its port>:
#
#   127.0.0.1:<its port> (socat in the root ns) -> NS_ADDR:<its port> (the node listens there too)
#
# Cutting makes both ends of the veth drop every packet they send (a pfifo qdisc of limit 0):
# packets across the link vanish in both directions, no RST, no ICMP, and both ends have
# permanent neighbour entries, so no ARP failure tells on it either. The link itself stays up:
# `ip link set down` on the root end would take the root namespace's route to NS_ADDR with it,
# and the root namespace routes unknown addresses out of the machine (its default route).
#
# No packet may leave the machine: besides, a blackhole route for the /30 (a high metric: the
# veth's own route wins while the veth is up) is in place before the veth exists and stays until
# after it is gone. The namespace itself has no route but the /30.
#
# Every function is idempotent and safe to call on a half-made or already removed setup; each
# returns non-zero (after a warning) on failure instead of exiting, so a caller can clean up.
# State (the moved piece and the forwarders' pids) is kept in $STATE/netns/. Needs root,
# `ip netns` (iproute2) and socat (installed when missing).

netns_dir() { echo "$STATE/netns"; }
netns_name() { echo "rh-part-$PORT_OFFSET"; }
netns_if_root() { echo "rhp${PORT_OFFSET}a"; }
netns_if_ns() { echo "rhp${PORT_OFFSET}b"; }

# netns_addr N: address N of this stack's /30 (0 the network, 1 the root end, 2 the namespace
# end). The /30s are carved out of 10.230.0.0/15 by port offset (0-30000 fit), so two stacks at
# different offsets never share a subnet.
netns_addr() {
    local n=$(((10 << 24) + (230 << 16) + PORT_OFFSET * 4 + $1))
    echo "$((n >> 24 & 255)).$((n >> 16 & 255)).$((n >> 8 & 255)).$((n & 255))"
}
netns_subnet() { echo "$(netns_addr 0)/30"; }
NETNS_GUARD_METRIC=4242

# The ports a node talks to: both Redis servers, the Sentinels, both PostgreSQL nodes (its
# connection string names only those, not the monitor), the GitHub simulator, the other nodes.
netns_peer_ports() {
    local p
    for p in redis-master redis-replica sentinel-1 sentinel-2 sentinel-3 pg-node-1 pg-node-2 \
        github-simulator orchestrator-1 orchestrator-2 orchestrator-3; do
        [[ $p == "$1" ]] || port "$p"
    done
}

netns_exists() { ip netns list 2>/dev/null | awk '{ print $1 }' | grep -qx "$(netns_name)"; }
netns_link_exists() { ip link show dev "$(netns_if_root)" >/dev/null 2>&1; }
netns_guard_exists() { [[ -n $(ip route show type blackhole "$(netns_subnet)" 2>/dev/null) ]]; }

# Root, iproute2 with netns support, socat. Installs what is missing (root only).
netns_require() {
    if ((EUID != 0)); then
        warn "the partition drill needs root: it creates a network namespace and a veth pair"
        return 1
    fi
    local missing=()
    command -v ip >/dev/null 2>&1 || missing+=(iproute2)
    command -v socat >/dev/null 2>&1 || missing+=(socat)
    if ((${#missing[@]})); then
        step "Installing ${missing[*]}"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; } || {
            warn "could not install ${missing[*]} (apt-get install -y ${missing[*]})"
            return 1
        }
    fi
    if ! ip netns list >/dev/null 2>&1; then
        warn "'ip netns' does not work here (no network namespace support?)"
        return 1
    fi
}

# netns_ns_pids: every process in this stack's namespace.
netns_ns_pids() { if netns_exists; then ip netns pids "$(netns_name)" 2>/dev/null || true; fi; }

# The namespace, the guard route, the veth pair with its addresses and neighbours, both ends up.
netns_link_up() {
    local ns a b ra na mac_a mac_b
    ns=$(netns_name) a=$(netns_if_root) b=$(netns_if_ns) ra=$(netns_addr 1) na=$(netns_addr 2)
    if ! netns_guard_exists; then
        ip route add blackhole "$(netns_subnet)" metric "$NETNS_GUARD_METRIC" ||
            { warn "could not add the guard route (blackhole $(netns_subnet))"; return 1; }
    fi
    if ! netns_exists; then
        ip netns add "$ns" || { warn "could not create network namespace $ns"; return 1; }
    fi
    ip -n "$ns" link set lo up || { warn "could not bring up lo in $ns"; return 1; }
    if ! netns_link_exists; then
        ip link add "$a" type veth peer name "$b" netns "$ns" || { warn "could not create veth $a/$b"; return 1; }
    fi
    # IPv6 off on both ends: nothing but our IPv4 crosses the link.
    echo 1 >"/proc/sys/net/ipv6/conf/$a/disable_ipv6" 2>/dev/null || true
    ip netns exec "$ns" sh -c "echo 1 >/proc/sys/net/ipv6/conf/$b/disable_ipv6" 2>/dev/null || true
    ip addr replace "$ra/30" dev "$a" || { warn "could not address $a"; return 1; }
    ip -n "$ns" addr replace "$na/30" dev "$b" || { warn "could not address $b in $ns"; return 1; }
    ip -n "$ns" link set "$b" up || { warn "could not bring up $b in $ns"; return 1; }
    ip link set "$a" up || { warn "could not bring up $a"; return 1; }
    mac_a=$(cat "/sys/class/net/$a/address") mac_b=$(ip netns exec "$ns" cat "/sys/class/net/$b/address")
    ip neigh replace "$na" lladdr "$mac_b" dev "$a" nud permanent || { warn "could not set the neighbour of $a"; return 1; }
    ip -n "$ns" neigh replace "$ra" lladdr "$mac_a" dev "$b" nud permanent || { warn "could not set the neighbour of $b"; return 1; }
    netns_route_is_link || { warn "$na is not routed over $a: $(ip route get "$na" 2>&1)"; return 1; }
}

# True when the root namespace sends packets for the namespace end over the veth.
netns_route_is_link() { ip route get "$(netns_addr 2)" 2>/dev/null | grep -q " dev $(netns_if_root) "; }

# netns_forward SIDE LISTEN_ADDR PORT TARGET_ADDR: a socat forwarder LISTEN_ADDR:PORT -> TARGET_ADDR:PORT
# in the root namespace (SIDE root) or in the node's (SIDE ns). Its pid, with its start time, is
# kept in $STATE/netns/socat; it runs in a session of its own, so its forks go with it.
netns_forward() {
    local side=$1 listen=$2 p=$3 target=$4 pid prefix=()
    [[ $side == ns ]] && prefix=(ip netns exec "$(netns_name)")
    setsid "${prefix[@]}" socat "TCP-LISTEN:$p,bind=$listen,fork,reuseaddr,nodelay" "TCP:$target:$p,nodelay" \
        >>"$STATE/logs/netns-socat.log" 2>&1 </dev/null 9>&- &
    pid=$!
    echo "$pid $(proc_start_time "$pid") $side $listen:$p" >>"$(netns_dir)/socat"
}

# netns_listening SIDE ADDR:PORT: something listens there.
netns_listening() {
    local prefix=()
    [[ $1 == ns ]] && prefix=(ip netns exec "$(netns_name)")
    [[ -n $("${prefix[@]}" ss -Hltn "src $2" 2>/dev/null) ]]
}

# Waits (up to 10 s) until every recorded forwarder listens.
netns_forwarders_listening() {
    local deadline=$(($(now_ms) + 10000)) pid started side addr pending
    while :; do
        pending=()
        while read -r pid started side addr; do
            if ! pid_running "$pid"; then warn "socat $side $addr (pid $pid) exited: see $STATE/logs/netns-socat.log"; return 1; fi
            netns_listening "$side" "$addr" || pending+=("$side:$addr")
        done <"$(netns_dir)/socat"
        ((${#pending[@]})) || return 0
        (($(now_ms) > deadline)) && { warn "socat not listening on ${pending[*]}"; return 1; }
        sleep 0.1
    done
}

# The live forwarders: "pid" lines, only those still the process we started.
netns_socat_pids() {
    local file pid started _rest
    file="$(netns_dir)/socat"
    [[ -r $file ]] || return 0
    while read -r pid started _rest; do
        [[ $pid =~ ^[0-9]+$ ]] && pid_running "$pid" && [[ $(proc_start_time "$pid") == "$started" ]] && echo "$pid"
    done <"$file"
    return 0
}

# netns_move_orchestrator NAME: NAME runs again inside the namespace, reachable as before.
netns_move_orchestrator() {
    local name=$1 ns na ra p pid moved
    netns_require || return 1
    ns=$(netns_name) na=$(netns_addr 2) ra=$(netns_addr 1) p=$(port "$name")
    mkdir -p "$(netns_dir)"
    moved=$(cat "$(netns_dir)/piece" 2>/dev/null || true)
    if [[ -n $moved && $moved != "$name" ]]; then
        warn "$moved is already in $ns: one node at a time (run netns_restore first)"
        return 1
    fi
    pid=$(piece_pid "$name")
    if [[ -n $pid ]] && netns_ns_pids | grep -qx "$pid"; then
        note "$name already runs in $ns"
        return 0
    fi
    echo "$name" >"$(netns_dir)/piece"
    netns_link_up || return 1
    note "network namespace $ns: veth $(netns_if_root) $ra/30 <-> $(netns_if_ns) $na/30 (guard: blackhole $(netns_subnet))"
    # Stale records (a previous run's forwarders are gone or stopped by netns_restore).
    [[ -n $(netns_socat_pids) ]] || : >"$(netns_dir)/socat"
    local peer
    for peer in $(netns_peer_ports "$name"); do
        netns_listening root "$ra:$peer" || netns_forward root "$ra" "$peer" 127.0.0.1
        netns_listening ns "127.0.0.1:$peer" || netns_forward ns 127.0.0.1 "$peer" "$ra"
    done
    netns_forwarders_listening || return 1
    if [[ -n $pid ]]; then
        # Noted, so that netns_restore finishes the stop when this one is interrupted.
        echo "$pid" >"$(netns_dir)/stopping"
        STOP_TIMEOUT=60 stop_pieces "$name" || { warn "could not stop $name"; return 1; }
        piece_alive "$name" && { warn "$name did not stop"; return 1; }
        rm -f "$(netns_dir)/stopping"
    fi
    # Its port in the root namespace is now free: the way in.
    netns_forward root 127.0.0.1 "$p" "$na"
    netns_forwarders_listening || return 1
    start_orchestrator "$name" --also-listen "http://$na:$p" -- ip netns exec "$ns" || return 1
    pid=$(piece_pid "$name")
    [[ -n $pid ]] || { warn "$name did not start in $ns (log $STATE/logs/$name.log)"; return 1; }
    ok "$name runs in $ns (pid $pid), $((2 * $(netns_peer_ports "$name" | wc -l) + 1)) socat forwarders"
}

# netns_cut: from now on every packet either end of the veth sends is dropped at once (a
# pfifo qdisc of limit 0 on both ends): packets across the link vanish in both directions, and
# routes and links stay as they are, so nothing is ever routed elsewhere. NETNS_CUT_MS is set to
# the moment (ms since the epoch) just before the first end starts dropping, for callers that
# measure from the cut.
NETNS_CUT_MS=0
netns_cut() {
    local ns a b t
    ns=$(netns_name) a=$(netns_if_root) b=$(netns_if_ns)
    netns_link_exists || { warn "no link to cut: $a does not exist"; return 1; }
    netns_guard_exists || { warn "refusing to cut: the guard route for $(netns_subnet) is missing"; return 1; }
    t=${EPOCHREALTIME//[!0-9]/}
    # shellcheck disable=SC2034 # read by the caller (scripts/drill)
    NETNS_CUT_MS=$((t / 1000))
    tc qdisc replace dev "$a" root pfifo limit 0 || { warn "could not cut $a"; return 1; }
    tc -n "$ns" qdisc replace dev "$b" root pfifo limit 0 || { warn "could not cut $b in $ns"; netns_heal || true; return 1; }
}

# True while either end drops everything.
netns_is_cut() {
    tc qdisc show dev "$(netns_if_root)" root 2>/dev/null | grep -q pfifo ||
        tc -n "$(netns_name)" qdisc show dev "$(netns_if_ns)" root 2>/dev/null | grep -q pfifo
}

# netns_heal: the link carries packets again (the veths' default qdisc is back).
netns_heal() {
    local ns a b rc=0
    ns=$(netns_name) a=$(netns_if_root) b=$(netns_if_ns)
    netns_link_exists || { warn "no link to heal: $a does not exist"; return 1; }
    if tc qdisc show dev "$a" root 2>/dev/null | grep -q pfifo; then
        tc qdisc del dev "$a" root || { warn "could not heal $a"; rc=1; }
    fi
    if tc -n "$ns" qdisc show dev "$b" root 2>/dev/null | grep -q pfifo; then
        tc -n "$ns" qdisc del dev "$b" root || { warn "could not heal $b in $ns"; rc=1; }
    fi
    return "$rc"
}

# netns_curl ARGS...: curl from inside the namespace (the node's own view while it is cut off).
netns_curl() { ip netns exec "$(netns_name)" curl "$@"; }

# netns_kill_pids SIGNAL_TARGETS...: TERM (groups where a pid leads one), wait 10 s, then KILL.
netns_kill_pids() {
    (($#)) || return 0
    local pid
    for pid in "$@"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
    wait_pids_gone 10 "$@" && return 0
    for pid in "$@"; do kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; done
    wait_pids_gone 10 "$@" || { warn "still running after KILL: $*"; return 1; }
}

# netns_restore [NAME]: stops the node in the namespace (NAME, or the one recorded), every
# forwarder, anything else left in the namespace; deletes the veth, the namespace, the guard
# route. A node running in the root namespace is left alone. The caller starts the node again
# (runnerhub up --no-build).
netns_restore() {
    local name=${1:-} pid rc=0 pids=()
    [[ -n $name ]] || name=$(cat "$(netns_dir)/piece" 2>/dev/null || true)
    # Healed first, so that the node stops cleanly (it drains, gives back what it holds).
    if netns_link_exists && netns_is_cut; then netns_heal || rc=1; fi
    if [[ -n $name ]]; then
        pid=$(piece_pid "$name")
        if [[ -n $pid ]] && netns_ns_pids | grep -qx "$pid"; then
            STOP_TIMEOUT=45 stop_pieces "$name" || rc=1
        elif [[ -n $pid && $pid == "$(cat "$(netns_dir)/stopping" 2>/dev/null)" ]]; then
            note "$name was being stopped to move it into $(netns_name): finishing that"
            STOP_TIMEOUT=45 stop_pieces "$name" || rc=1
        fi
    fi
    mapfile -t pids < <(netns_socat_pids)
    if ((${#pids[@]})); then
        netns_kill_pids "${pids[@]}" || rc=1
        note "stopped ${#pids[@]} socat forwarder(s)"
    fi
    mapfile -t pids < <(netns_ns_pids)
    if ((${#pids[@]})); then
        note "stopping ${#pids[@]} process(es) left in $(netns_name)"
        netns_kill_pids "${pids[@]}" || rc=1
    fi
    if netns_link_exists; then ip link del "$(netns_if_root)" || rc=1; fi
    if netns_exists; then ip netns del "$(netns_name)" || rc=1; fi
    # The guard goes last: nothing of ours sends to the subnet any more.
    if netns_guard_exists; then ip route del blackhole "$(netns_subnet)" metric "$NETNS_GUARD_METRIC" || rc=1; fi
    if ((rc == 0)); then
        rm -rf "$(netns_dir)"
    else
        warn "netns teardown incomplete: check 'ip netns list', 'ip link show $(netns_if_root)', 'pgrep -a socat'"
    fi
    return "$rc"
}

# True when anything of this stack's partition setup is still there.
netns_present() {
    netns_exists || netns_link_exists || netns_guard_exists || [[ -n $(netns_socat_pids) ]]
}
