# shellcheck shell=bash
# deploy/lib.sh: shell functions shared by deploy/up, deploy/test, .ci/run and the compose
# migrate job. Sourced, never run. Everything here stops only what it started itself: each
# background process gets a pid file "PID STARTTIME PORT EXE" and is only signalled while
# /proc/PID still shows that start time, so a recycled pid is never killed.
#
# State directory layout (.state/ for deploy/up, a mktemp -d for deploy/test):
#   pg/          PostgreSQL data directory (owned by the postgres OS user)
#   pgsock/      its unix socket directory
#   log/         postgres.log, <service>.log
#   run/         <service>.pid, gateway.pid
#   h2o/         h2o pid file, error and access logs (owned by h2o's `user:`, nobody)
#   h2o.conf     deploy/h2o.conf rendered with this run's ports and paths
#   master.key   CC_MASTER_KEY (deploy/up only; mode 600)

CC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CC_PGBIN=${CC_PGBIN:-/usr/lib/postgresql/15/bin}
CC_DB_NAME=certcycle

# Debian packages the project needs to build, test and run (checked by cc_install_deps).
CC_APT_PACKAGES=(
    libh2o-evloop-dev libssl-dev libpq-dev libjansson-dev libjwt-dev libargon2-dev check cmake pkg-config
    postgresql-15 postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl h2o wrk gcc make
    python3-icalendar python3-jwt python3-cryptography nodejs npm docker-compose clang-format
    libclang-rt-14-dev curl jq
    chromium fonts-dejavu-core
    libqrencode-dev libcairo2-dev poppler-utils zbar-tools librsvg2-bin
    libcurl4-openssl-dev
)

# The services, one line each: "<name> <default port>". The binary is build/bin/certcycle-<name>;
# a listed service whose binary is missing is an error. deploy/h2o.conf proxies to
# 127.0.0.1:<default port>, which the renderer rewrites to the port actually used.
CC_SERVICES=(
    "identity 8101"
    "scheduling 8102"
    "findings 8103"
    "certificates 8104"
    "registry-sync 8105"
)
CC_GATEWAY_DEFAULT_PORT=8080

cc_log() { printf '[certcycle] %s\n' "$*" >&2; }
cc_die() {
    printf '[certcycle] error: %s\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------------------------------------
# Packages and build

# Prints the packages of CC_APT_PACKAGES that are neither installed nor provided by an installed
# package (NodeSource's nodejs provides npm, for instance).
cc_missing_packages() {
    local have pkg
    have=$(dpkg-query -W -f='${db:Status-Status}\t${Package}\t${Provides}\n' 2>/dev/null |
        awk -F'\t' '$1 == "installed" {
            print $2
            n = split($3, p, ",")
            for (i = 1; i <= n; i++) { split(p[i], w, " "); if (w[1] != "") print w[1] }
        }' | sort -u)
    for pkg in "${CC_APT_PACKAGES[@]}"; do
        grep -qxF -- "$pkg" <<<"$have" || printf '%s\n' "$pkg"
    done
}

# Installs whatever is missing; touches apt only when something is.
cc_install_deps() {
    local missing sudo=()
    mapfile -t missing < <(cc_missing_packages)
    if [ "${#missing[@]}" -eq 0 ]; then
        return 0
    fi
    cc_log "installing missing packages: ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || cc_die "not root and no sudo: install ${missing[*]} first"
        sudo=(sudo)
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" </dev/null
}

# cc_tools_ensure: the pinned npm tools (tools/package-lock.json) in tools/node_modules: `npm ci` when
# they are missing or older than the lock file (npm ci writes node_modules/.package-lock.json).
cc_tools_ensure() {
    local lock=$CC_ROOT/tools/package-lock.json installed=$CC_ROOT/tools/node_modules/.package-lock.json
    if [ ! -f "$installed" ] || [ "$lock" -nt "$installed" ]; then
        cc_log "npm ci --prefix tools"
        npm ci --prefix "$CC_ROOT/tools" --no-audit --no-fund </dev/null >&2
    fi
}

# cc_build_docs BUILD_DIR: the API reference the gateway serves at /docs, BUILD_DIR/docs/index.html,
# rendered from api/openapi.yaml by the pinned redocly and made self-contained (tools/build_docs.mjs);
# rebuilt only when the contract, the tools or the script changed.
cc_build_docs() {
    local out=$1/docs/index.html f stale=0
    cc_tools_ensure
    for f in api/openapi.yaml tools/package-lock.json tools/build_docs.mjs; do
        [ -f "$out" ] && ! [ "$CC_ROOT/$f" -nt "$out" ] || stale=1
    done
    [ "$stale" -eq 1 ] || return 0
    node "$CC_ROOT/tools/build_docs.mjs" "$CC_ROOT/api/openapi.yaml" "$out"
}

# cc_build BUILD_DIR [CMAKE_ARGS...]: configure and build with two jobs, then the API reference.
cc_build() {
    local dir=$1
    shift
    cmake -S "$CC_ROOT" -B "$dir" "$@"
    cmake --build "$dir" -j2
    cc_build_docs "$dir"
}

# ---------------------------------------------------------------------------------------------
# Processes, pid files and ports

# Prints the kernel start time of PID (field 22 of /proc/PID/stat); fails for a dead or zombie pid.
cc_proc_starttime() {
    local stat f
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    read -r -a f <<<"$stat"
    [ "${f[0]}" != Z ] || return 1
    printf '%s\n' "${f[19]}"
}

# cc_pidfile_write FILE PID PORT EXE
cc_pidfile_write() {
    local st
    st=$(cc_proc_starttime "$2") || st=0
    printf '%s %s %s %s\n' "$2" "$st" "$3" "$4" >"$1"
}

# cc_pidfile_alive FILE: prints the pid and succeeds when the process recorded in FILE still runs.
cc_pidfile_alive() {
    local pid st now
    [ -f "$1" ] || return 1
    read -r pid st _ <"$1" || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    now=$(cc_proc_starttime "$pid") || return 1
    [ "$now" = "$st" ] || return 1
    printf '%s\n' "$pid"
}

# cc_pidfile_port FILE: the port recorded in FILE.
cc_pidfile_port() {
    local pid st port
    read -r pid st port _ <"$1" || return 1
    printf '%s\n' "$port"
}

# cc_stop_pidfile FILE NAME: SIGTERM, up to 15 s grace, then SIGKILL; removes FILE.
cc_stop_pidfile() {
    local file=$1 name=$2 pid i
    if pid=$(cc_pidfile_alive "$file"); then
        cc_log "stopping $name (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 150; i++)); do
            cc_pidfile_alive "$file" >/dev/null || break
            sleep 0.1
        done
        if cc_pidfile_alive "$file" >/dev/null; then
            cc_log "$name (pid $pid) ignored SIGTERM; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.2
        fi
        # No `wait` to reap it: called from a trap that interrupted a `wait`, bash can block there.
        # A zombie counts as stopped (cc_proc_starttime) and holds no port.
    fi
    rm -f "$file"
}

# cc_tree_pids PID: PID and all its descendants, deepest first (found via /proc, no procps needed).
cc_tree_pids() {
    local pid=$1 stat f child
    for stat in /proc/[0-9]*/stat; do
        f=$(cat "$stat" 2>/dev/null) || continue
        child=${stat#/proc/}
        child=${child%/stat}
        f=${f##*) }
        read -r -a f <<<"$f"
        if [ "${f[1]}" = "$pid" ]; then
            cc_tree_pids "$child"
        fi
    done
    printf '%s\n' "$pid"
}

# cc_kill_tree PID: SIGTERM to PID and its descendants, up to 10 s grace, then SIGKILL. Used on a
# stage still running when deploy/test is interrupted. No `wait` (see cc_stop_pidfile).
cc_kill_tree() {
    local pids p i alive
    pids=$(cc_tree_pids "$1")
    for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
    for ((i = 0; i < 100; i++)); do
        alive=0
        for p in $pids; do
            if cc_proc_starttime "$p" >/dev/null; then alive=1; fi
        done
        [ "$alive" -eq 1 ] || return 0
        sleep 0.1
    done
    for p in $pids; do kill -KILL "$p" 2>/dev/null || true; done
}

# cc_port_in_use PORT: succeeds when anything listens on PORT (any address). With SO_REUSEPORT a
# second listener silently shares a port, so this is checked before every start.
cc_port_in_use() {
    if command -v ss >/dev/null; then
        [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
    fi
}

# cc_port_pids PORT: the pids listening on PORT, when ss can tell.
cc_port_pids() {
    command -v ss >/dev/null || return 0
    ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u | paste -sd' ' -
}

# cc_require_port_free PORT WHAT
cc_require_port_free() {
    local pids
    if cc_port_in_use "$1"; then
        pids=$(cc_port_pids "$1")
        cc_die "port $1 (for $2) is already in use${pids:+ by pid(s) $pids}, by something this script did not start; refusing to start (stop it or choose another port)"
    fi
}

# cc_wait_port_free PORT: waits up to 10 s for PORT to be released.
cc_wait_port_free() {
    local i
    for ((i = 0; i < 100; i++)); do
        cc_port_in_use "$1" || return 0
        sleep 0.1
    done
    return 1
}

# cc_http_status HOST PORT PATH: prints the HTTP status code of GET PATH, fails if no answer.
cc_http_status() {
    (
        local line
        exec 3<>"/dev/tcp/$1/$2" || exit 1
        printf 'GET %s HTTP/1.0\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$3" "$1" "$2" >&3
        IFS= read -r -t 5 line <&3 || exit 1
        line=${line#HTTP/* }
        printf '%s\n' "${line%% *}"
    ) 2>/dev/null
}

# cc_wait_http NAME PORT PATH PIDFILE LOG [WANT]: waits up to 60 s for GET PATH to answer WANT
# (a status code, or "any"); fails early when the process dies.
cc_wait_http() {
    local name=$1 port=$2 path=$3 pidf=$4 log=$5 want=${6:-200} i code
    for ((i = 0; i < 600; i++)); do
        if ! cc_pidfile_alive "$pidf" >/dev/null; then
            cc_log "$name exited during start-up; last lines of $log:"
            tail -n 30 "$log" >&2 || true
            return 1
        fi
        if code=$(cc_http_status 127.0.0.1 "$port" "$path") && [ -n "$code" ]; then
            if [ "$want" = any ] || [ "$code" = "$want" ]; then
                return 0
            fi
        fi
        sleep 0.1
    done
    cc_log "$name did not answer GET $path with $want on port $port within 60 s; last lines of $log:"
    tail -n 30 "$log" >&2 || true
    return 1
}

# cc_start_bg NAME PORT PIDFILE LOG CMD...: starts CMD in its own session, detached from the
# terminal (so it outlives deploy/up and ignores the terminal's Ctrl-C), and records its pid.
# The environment (CC_LISTEN etc.) is the caller's.
cc_start_bg() {
    local name=$1 port=$2 pidf=$3 log=$4
    shift 4
    cc_require_port_free "$port" "$name"
    setsid "$@" >>"$log" 2>&1 </dev/null &
    cc_pidfile_write "$pidf" "$!" "$port" "$1"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL: a private cluster under STATE/pg

# Runs a command as the cluster's OS user: postgres when we are root (initdb refuses root),
# ourselves otherwise. From / so that an unreadable working directory does not matter.
cc_as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

cc_pg_owner() {
    if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

# cc_state_init STATE: creates the state directory, traversable (not readable) by others, so the
# postgres and h2o users can reach their own subdirectories.
cc_state_init() {
    local state=$1
    mkdir -p "$state/log" "$state/run"
    chmod 711 "$state"
    if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$state"; then
        cc_die "the postgres OS user cannot reach $state (a parent directory is not traversable); move the checkout, or set DATABASE_URL and CC_APP_DATABASE_URL to use an existing PostgreSQL"
    fi
}

# cc_pg_running STATE: succeeds when the cluster's postmaster runs; prints its port.
cc_pg_running() {
    local data=$1/pg pid port
    [ -f "$data/postmaster.pid" ] || return 1
    pid=$(sed -n 1p "$data/postmaster.pid")
    port=$(sed -n 4p "$data/postmaster.pid")
    [[ "$pid" =~ ^[0-9]+$ ]] && [ -d "/proc/$pid" ] || return 1
    cc_as_pg "$CC_PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1 || return 1
    printf '%s\n' "$port"
}

# cc_pg_start STATE PORT [test]: creates the cluster if needed and starts it on 127.0.0.1:PORT
# (already running on PORT: left alone; running on another port: restarted). "test" trades
# durability for speed (fsync off) for throwaway clusters.
cc_pg_start() {
    local state=$1 port=$2 mode=${3:-} data=$1/pg sock=$1/pgsock log=$1/log/postgres.log owner running
    owner=$(cc_pg_owner)
    mkdir -p "$data" "$sock"
    touch "$log"
    chown "$owner:" "$data" "$sock" "$log"
    chmod 700 "$data"
    chmod 755 "$sock"
    if [ ! -f "$data/PG_VERSION" ]; then
        cc_log "creating PostgreSQL cluster in $data"
        cc_as_pg "$CC_PGBIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >>"$log" 2>&1 ||
            {
                tail -n 20 "$log" >&2
                cc_die "initdb failed"
            }
        # trust, but on loopback and the private socket only.
        cc_as_pg tee "$data/pg_hba.conf" >/dev/null <<'EOF'
# certcycle private cluster: trust on the unix socket (in the state directory) and loopback only.
local   all             all                                     trust
host    all             all             127.0.0.1/32            trust
host    all             all             ::1/128                 trust
EOF
        printf "\ninclude_if_exists = 'certcycle.conf'\n" | cc_as_pg tee -a "$data/postgresql.conf" >/dev/null
    fi
    if running=$(cc_pg_running "$state"); then
        if [ "$running" = "$port" ]; then
            cc_log "PostgreSQL already running on port $port"
            return 0
        fi
        cc_log "PostgreSQL runs on port $running, restarting it on $port"
        cc_pg_stop "$state"
    fi
    {
        echo "# written by deploy/lib.sh on each start"
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $port"
        echo "unix_socket_directories = '$sock'"
        echo "max_connections = 200"
        echo "log_line_prefix = '%m [%p] %q%u@%d '"
        # deploy/test --sanitize runs its cluster in a far-off zone: the services must not care.
        if [ -n "${CC_PG_TIMEZONE:-}" ]; then
            echo "timezone = '$CC_PG_TIMEZONE'"
        fi
        if [ "$mode" = test ]; then
            echo "fsync = off"
            echo "synchronous_commit = off"
            echo "full_page_writes = off"
        fi
    } | cc_as_pg tee "$data/certcycle.conf" >/dev/null
    cc_require_port_free "$port" "PostgreSQL"
    cc_log "starting PostgreSQL on 127.0.0.1:$port"
    cc_as_pg "$CC_PGBIN/pg_ctl" -D "$data" -l "$log" -w -t 60 -s start || {
        tail -n 20 "$log" >&2
        cc_die "PostgreSQL did not start"
    }
}

# cc_pg_stop STATE: fast shutdown of the cluster under STATE, if it runs.
cc_pg_stop() {
    local state=$1 port
    port=$(cc_pg_running "$state") || return 0
    cc_log "stopping PostgreSQL (port $port)"
    cc_as_pg "$CC_PGBIN/pg_ctl" -D "$state/pg" -m fast -w -t 60 -s stop ||
        cc_as_pg "$CC_PGBIN/pg_ctl" -D "$state/pg" -m immediate -w -t 30 -s stop || true
}

# The SQL that makes the two roles and the database; idempotent. psql variables owner_password
# and app_password, when set, give the roles passwords (docker-compose); the private cluster
# trusts loopback and needs none.
cc_roles_sql() {
    cat <<'EOF'
SELECT 'CREATE ROLE cc_owner LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cc_owner') \gexec
SELECT 'CREATE ROLE cc_app LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cc_app') \gexec
ALTER ROLE cc_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
ALTER ROLE cc_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
\if :{?owner_password}
ALTER ROLE cc_owner PASSWORD :'owner_password';
\endif
\if :{?app_password}
ALTER ROLE cc_app PASSWORD :'app_password';
\endif
SELECT 'CREATE DATABASE certcycle OWNER cc_owner' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'certcycle') \gexec
ALTER DATABASE certcycle OWNER TO cc_owner;
REVOKE ALL ON DATABASE certcycle FROM PUBLIC;
GRANT CONNECT ON DATABASE certcycle TO cc_app;
EOF
}

# cc_pg_bootstrap STATE PORT: roles and database in the private cluster, as superuser postgres.
cc_pg_bootstrap() {
    cc_roles_sql | "$CC_PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$1/pgsock" -p "$2" -U postgres -d postgres >/dev/null
}

# cc_pg_export PORT: the connection variables for the private cluster.
cc_pg_export() {
    export DATABASE_URL="postgresql://cc_owner@127.0.0.1:$1/$CC_DB_NAME"
    export CC_APP_DATABASE_URL="postgresql://cc_app@127.0.0.1:$1/$CC_DB_NAME"
}

# ---------------------------------------------------------------------------------------------
# Keys, CLI steps, services and the gateway

cc_gen_master_key() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }

# cc_keys_ensure BIN_DIR: rotates in a signing key of each purpose (access tokens, attestations) that
# `keys list` shows no active key for.
cc_keys_ensure() {
    local list purpose
    list=$("$1/certcycle" keys list) || return 1
    for purpose in access attestation; do
        if awk -F'\t' -v p="$purpose" '$2 == "active" && $4 == p { found = 1 } END { exit !found }' <<<"$list"; then
            continue
        fi
        cc_log "no active $purpose signing key: certcycle keys rotate --purpose $purpose"
        "$1/certcycle" keys rotate --purpose "$purpose" || return 1
    done
}

# cc_services_start STATE BIN_DIR PORT_OF_FN: starts every service of CC_SERVICES, on the
# port printed by the function PORT_OF_FN NAME DEFAULT_PORT, and waits for its /readyz (the database answers and the users' token state is loaded).
cc_services_start() {
    local state=$1 bindir=$2 portfn=$3 line name def port bin pidf log
    for line in "${CC_SERVICES[@]}"; do
        read -r name def <<<"$line"
        bin=$bindir/certcycle-$name
        pidf=$state/run/$name.pid
        log=$state/log/$name.log
        port=$("$portfn" "$name" "$def")
        cc_stop_pidfile "$pidf" "$name"
        if [ ! -x "$bin" ]; then
            cc_log "error: $bin does not exist (did the build fail?)"
            return 1
        fi
        cc_log "starting $name on 127.0.0.1:$port"
        CC_LISTEN=127.0.0.1:$port cc_start_bg "$name" "$port" "$pidf" "$log" "$bin"
        cc_wait_http "$name" "$port" /readyz "$pidf" "$log" || return 1
    done
}

# cc_services_env_check STATE: proves every CC_* variable of this script's environment reached each
# running service unchanged (CC_LISTEN aside: each service gets its own), by reading the service's
# /proc/PID/environ. Deployment settings such as CC_PUBLIC_RATE are set this way (README "Configuration").
cc_services_env_check() {
    local state=$1 line name pid var bad=0 mine theirs
    mine=$(env | grep -E '^CC_[A-Z0-9_]*=' | grep -v '^CC_LISTEN=' | sort)
    for line in "${CC_SERVICES[@]}"; do
        read -r name _ <<<"$line"
        pid=$(cc_pidfile_alive "$state/run/$name.pid") || {
            cc_log "error: $name is not running"
            return 1
        }
        theirs=$(tr '\0' '\n' <"/proc/$pid/environ" | grep -E '^CC_[A-Z0-9_]*=' | sort)
        while IFS= read -r var; do
            [ -n "$var" ] || continue
            if ! grep -qxF -- "$var" <<<"$theirs"; then
                cc_log "error: $name (pid $pid) lacks ${var%%=*} or has another value"
                bad=1
            fi
        done <<<"$mine"
    done
    return "$bad"
}

# cc_gateway_render STATE GW_PORT PORT_OF_FN [BUILD_DIR]: deploy/h2o.conf -> STATE/h2o.conf with this
# run's ports and paths: the contract from this checkout, the API reference from BUILD_DIR (default
# build/). Root: h2o switches to its `user:` (nobody) before opening its pid file and error log, so
# STATE/h2o belongs to nobody. Not root: no user switch, so the `user:` line goes.
cc_gateway_render() {
    local state=$1 gw=$2 portfn=$3 build=${4:-$CC_ROOT/build} line name def port sedargs=()
    mkdir -p "$state/h2o"
    sedargs+=(-e "s|^\([[:space:]]*port:[[:space:]]*\)$CC_GATEWAY_DEFAULT_PORT\$|\1$gw|")
    sedargs+=(-e "/^[[:space:]]*#/!s|\.state/h2o/|$state/h2o/|g")
    sedargs+=(-e "s|^\([[:space:]]*file\.file:[[:space:]]*\)api/|\1$CC_ROOT/api/|")
    sedargs+=(-e "s|^\([[:space:]]*file\.file:[[:space:]]*\)build/docs/|\1$build/docs/|")
    for line in "${CC_SERVICES[@]}"; do
        read -r name def <<<"$line"
        port=$("$portfn" "$name" "$def")
        sedargs+=(-e "/^[[:space:]]*#/!s,127\.0\.0\.1:$def\([^0-9]\|\$\),127.0.0.1:$port\1,g")
    done
    if [ "$(id -u)" -eq 0 ]; then
        chown nobody: "$state/h2o"
    else
        sedargs+=(-e '/^user:/d')
    fi
    sed "${sedargs[@]}" "$CC_ROOT/deploy/h2o.conf" >"$state/h2o.conf"
    h2o -t -c "$state/h2o.conf" >"$state/log/h2o-configtest.log" 2>&1 || {
        cat "$state/log/h2o-configtest.log" >&2
        cc_die "the rendered $state/h2o.conf does not pass h2o -t"
    }
}

# cc_gateway_start STATE GW_PORT: (re)starts the packaged h2o with STATE/h2o.conf, in one process
# (no -m master: its start_server wrapper would hide the pid), and waits until it answers.
cc_gateway_start() {
    local state=$1 gw=$2 pidf=$1/run/gateway.pid log=$1/log/gateway.log h2o
    h2o=$(command -v h2o) || cc_die "h2o is not installed"
    cc_stop_pidfile "$pidf" gateway
    cc_log "starting the h2o gateway on 127.0.0.1:$gw"
    cc_start_bg gateway "$gw" "$pidf" "$log" "$h2o" -c "$state/h2o.conf"
    cc_wait_http gateway "$gw" /healthz "$pidf" "$log" any
}

# cc_stop_all STATE: stops the gateway, the services and the private cluster under STATE, each by
# its own pid file, and prints the ports they had (for a port check).
cc_stop_all() {
    local state=$1 f name
    [ -d "$state/run" ] || return 0
    if [ -f "$state/run/gateway.pid" ]; then
        cc_pidfile_port "$state/run/gateway.pid" || true
        cc_stop_pidfile "$state/run/gateway.pid" gateway
    fi
    for f in "$state"/run/*.pid; do
        [ -f "$f" ] || continue
        name=$(basename "$f" .pid)
        cc_pidfile_port "$f" || true
        cc_stop_pidfile "$f" "$name"
    done
    if [ -f "$state/pg/postmaster.pid" ]; then
        sed -n 4p "$state/pg/postmaster.pid"
        cc_pg_stop "$state"
    fi
}

# ---------------------------------------------------------------------------------------------
# docker-compose

# cc_compose_migrate: the compose file's one-shot `migrate` job (in the runtime image). As the
# superuser (CC_PG_SUPERUSER_URL) it creates the roles with their passwords (CC_OWNER_PASSWORD,
# CC_APP_PASSWORD) and the database, then runs `certcycle migrate` as cc_owner (DATABASE_URL),
# makes sure a signing key exists (CC_MASTER_KEY), and with CC_SEED_DEMO=1 seeds the demo tenants.
cc_compose_migrate() {
    : "${CC_PG_SUPERUSER_URL:?}" "${CC_OWNER_PASSWORD:?}" "${CC_APP_PASSWORD:?}" "${DATABASE_URL:?}"
    cc_roles_sql | psql -X -q -v ON_ERROR_STOP=1 -v owner_password="$CC_OWNER_PASSWORD" \
        -v app_password="$CC_APP_PASSWORD" "$CC_PG_SUPERUSER_URL" >/dev/null
    certcycle migrate
    cc_keys_ensure "$(dirname "$(command -v certcycle)")"
    if [ "${CC_SEED_DEMO:-0}" = 1 ]; then
        certcycle seed-demo
    fi
}
