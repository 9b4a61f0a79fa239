#!/usr/bin/env bash
# Install the Debian packages a task needs, if any is missing. Safe to run repeatedly: it does
# nothing when everything is present.
#   scripts/deps.sh           build and `make check` (the default)
#   scripts/deps.sh bench     also what the benchmarks use beyond the tests (perf)
#   scripts/deps.sh capture   also the daemons whose real logs the parser fixtures were made from
#                             (Squid, Postfix, slapd, FreeRADIUS, ClamAV), to regenerate them
set -eu
packages=(
    # build
    gcc make pkg-config libssl-dev libc-bin libzstd-dev libyaml-dev libpcre2-dev libvectorscan-dev
    # the server: HTTPS, JSON, Argon2id, metadata in SQLite or PostgreSQL
    libmicrohttpd-dev libjansson-dev libargon2-dev libsqlite3-dev libpq-dev
    # tests: a real PostgreSQL on loopback, a real browser (playwright-core from npm drives it)
    postgresql chromium
    # the store benchmark's baseline (zstd, zstdgrep)
    zstd
    # fuzzing (libFuzzer comes with clang's runtime)
    clang libclang-rt-14-dev
    # tests: certificates, JSON checks, loopback clients, the Windows regression check
    openssl ca-certificates procps iproute2 psmisc jq netcat-openbsd python3 curl
    # a real relay forwarding to the sensor (TCP octet-counted, TLS, UDP), and the benchmark peer
    rsyslog rsyslog-openssl
)
for group in "$@"; do
    case $group in
    bench) packages+=(linux-perf bc apache2-utils) ;;
    capture) packages+=(squid postfix slapd ldap-utils freeradius freeradius-utils clamav clamav-daemon) ;;
    *) echo "scripts/deps.sh: unknown group '$group' (bench, capture)" >&2; exit 2 ;;
    esac
done
missing=()
# node and npm drive the browser tests; a machine may have them from elsewhere (NodeSource ships npm
# inside its nodejs), so Debian's packages are asked for only when the commands are absent
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# daemons ask questions at install time: answer them for loopback-only test instances
echo "postfix postfix/main_mailer_type select Local only" | $SUDO debconf-set-selections
echo "postfix postfix/mailname string mamori.test" | $SUDO debconf-set-selections
echo "slapd slapd/no_configuration boolean true" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# installing a daemon starts it; the tests and benchmarks start their own instances on loopback
for svc in rsyslog squid postfix slapd freeradius clamav-daemon clamav-freshclam postgresql; do
    if dpkg-query -W "$svc" >/dev/null 2>&1; then
        $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 ||
            $SUDO service "$svc" stop >/dev/null 2>&1 || true
    fi
done
