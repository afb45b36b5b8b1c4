#!/usr/bin/env bash
# Bring up what the test suite talks to, as CI has it: PostgreSQL (127.0.0.1:5432, trust for
# loopback) and Redis (127.0.0.1:6379) running, Debian's Chromium for the browser tests, and
# nginx, openssl and systemd-analyze for tests/deploy.
# As root, whatever is missing is installed from Debian's packages and started. Otherwise
# anything missing stops the run with one line saying what it is and how to get it: `make test`
# never passes by skipping a service.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

missing() {
  echo "make test needs $1: $2" >&2
  exit 1
}

is_root() { [ "$(id -u)" = 0 ]; }

apt_updated=""
# Install Debian packages as root; as anyone else, stop and say so ($1: what it is, for people).
apt_install() {
  local what="$1"
  shift
  if ! is_root || ! command -v apt-get >/dev/null; then
    missing "$what" "install it with 'sudo apt-get install -y $*' (or run make test as root, which does)"
  fi
  if [ -z "$apt_updated" ]; then
    apt-get update -qq || missing "$what" "apt-get update failed (see above)"
    apt_updated=1
  fi
  apt-get install -y -qq "$@" >/dev/null || missing "$what" "apt-get install $* failed (see above)"
}

# Whether something answers on 127.0.0.1:$1 (bash's /dev/tcp: no client program needed, so a
# service run elsewhere, in a container say, counts too).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Wait up to 30 s for "$@" to succeed.
wait_for() {
  for _ in $(seq 1 30); do "$@" && return 0; sleep 1; done
  return 1
}

# The cluster Debian made (the newest one when there are several); empty when there is none.
postgres_cluster() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1; }

ensure_postgres() {
  port_open 5432 && return 0
  local version
  version="$(postgres_cluster)"
  if [ -z "$version" ]; then
    apt_install "PostgreSQL" postgresql
    version="$(postgres_cluster)"
    # A fresh cluster asks loopback clients for a password; the suite connects as postgres
    # without one, as on the CI machine.
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' \
      "/etc/postgresql/$version/main/pg_hba.conf"
    # Installing may have started it already, with the old rules.
    if port_open 5432; then pg_ctlcluster --skip-systemctl-redirect "$version" main reload; fi
  fi
  if ! port_open 5432; then
    is_root || missing "PostgreSQL running on 127.0.0.1:5432" \
      "start it with 'sudo pg_ctlcluster $version main start' (or run make test as root, which does)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
      missing "PostgreSQL running on 127.0.0.1:5432" "pg_ctlcluster $version main start failed (see above)"
  fi
  wait_for port_open 5432 ||
    missing "PostgreSQL running on 127.0.0.1:5432" "it did not start: see /var/log/postgresql"
}

redis_answers() {
  local reply
  (
    exec 3<>/dev/tcp/127.0.0.1/6379 || exit 1
    printf 'PING\r\n' >&3
    read -r -t 2 reply <&3 && [ "${reply%$'\r'}" = "+PONG" ]
  ) 2>/dev/null
}

ensure_redis() {
  redis_answers && return 0
  command -v redis-server >/dev/null || apt_install "Redis" redis-server
  # Any user may start it: a throwaway in-memory server on loopback, which is all the suite needs.
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null ||
    missing "Redis running on 127.0.0.1:6379" "redis-server did not start: run it by hand to see why"
  wait_for redis_answers ||
    missing "Redis running on 127.0.0.1:6379" "redis-server did not start: run it by hand to see why"
}

ensure_chromium() {
  # The browser tests drive Debian's Chromium; Playwright never downloads a browser.
  [ -x /usr/bin/chromium ] || apt_install "Chromium (/usr/bin/chromium)" chromium
}

ensure_deploy_tools() {
  # tests/deploy runs deploy/nginx/bulletin.conf under Debian's nginx with a self-signed
  # certificate made by openssl, and checks the systemd unit with systemd-analyze verify.
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt_install "nginx" nginx-light
  command -v openssl >/dev/null || apt_install "openssl" openssl
  command -v systemd-analyze >/dev/null || apt_install "systemd-analyze" systemd
}

ensure_cluster_tools() {
  # tests/cluster builds a cluster in network namespaces (root only) and drops packets with
  # nftables (the kernel may have no netem); iproute2's ip makes the namespaces.
  is_root || return 0
  command -v ip >/dev/null || apt_install "ip (iproute2)" iproute2
  command -v nft >/dev/null || apt_install "nft (nftables)" nftables
}

ensure_postgres
ensure_redis
ensure_chromium
ensure_deploy_tools
ensure_cluster_tools
echo "services ready: PostgreSQL, Redis, Chromium, nginx, openssl, systemd-analyze"
