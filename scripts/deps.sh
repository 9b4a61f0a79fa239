#!/usr/bin/env bash
# Install every Debian package the build, the tests and the demo need, if any is missing.
# Safe to run repeatedly: it does nothing when everything is present.
set -eu
packages=(
    # build
    gcc make pkg-config libssl-dev
    # fuzzing (libFuzzer comes with clang's runtime)
    clang libclang-rt-14-dev
    # tests: certificates, real daemons whose logs the parsers must read
    openssl ca-certificates procps iproute2 psmisc jq netcat-openbsd
    rsyslog
    squid postfix slapd ldap-utils freeradius freeradius-utils
    clamav clamav-daemon
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# postfix asks questions at install time: answer them for a loopback-only test server
echo "postfix postfix/main_mailer_type select Local only" | $SUDO debconf-set-selections
echo "postfix postfix/mailname string mamori.test" | $SUDO debconf-set-selections
echo "slapd slapd/no_configuration boolean true" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# installing daemons starts them; the tests start their own instances on loopback
for svc in rsyslog squid postfix slapd freeradius clamav-daemon clamav-freshclam syslog-ng; do
    $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || $SUDO service "$svc" stop >/dev/null 2>&1 || true
done
