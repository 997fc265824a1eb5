#!/usr/bin/env bash
# `npm test`: finds or sets up what the suites need, then runs every check on SQLite and
# PostgreSQL. Needs Debian's Chromium, Dovecot and a PostgreSQL server on 127.0.0.1:5432.
# As root it installs what is missing from Debian's packages and starts a stopped cluster;
# otherwise it stops at once and prints the command to run. With TEST_DATABASE_URL already set
# it uses that database as it is; without, it makes a fresh database for the run and drops it
# afterwards. The steps themselves are `npm run test:steps` in package.json.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }
loud() {
  local line="=============================================================================="
  printf '\n%s\n%s\n%s\n\n' "$line" "$*" "$line"
}
stop() {
  printf '\nnpm test cannot run yet: %s\n  %s\n\n' "$1" "$2" >&2
  exit 1
}
root() { [ "$(id -u)" = 0 ]; }

if [ ! -x node_modules/.bin/vitest ]; then stop "the npm packages are not installed." "npm install"; fi

# --- Debian packages: Chromium for the browser tests, Dovecot for the IMAP tests, PostgreSQL.
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[ -x "$chromium" ] || missing+=(chromium)
[ -x /usr/sbin/dovecot ] || [ -x /usr/bin/dovecot ] || missing+=(dovecot-imapd)
# the server programs too, even with TEST_DATABASE_URL given: a durability test runs its own.
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  install="apt-get update && apt-get install -y ${missing[*]}"
  root || stop "missing Debian packages: ${missing[*]}." "sudo sh -c '$install'"
  say "installing ${missing[*]} from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- PostgreSQL: the given TEST_DATABASE_URL, or a fresh database on the local server.
made_db=""
admin_url=""
drop_db() {
  if [ -n "$made_db" ]; then psql "$admin_url" -qc "drop database if exists ${made_db}" >/dev/null 2>&1 || true; fi
}
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    cluster="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)"
    [ -n "$cluster" ] || stop "PostgreSQL is installed but has no cluster." "sudo pg_createcluster --start 15 main"
    root || stop "PostgreSQL is not running on 127.0.0.1:5432." "sudo pg_ctlcluster $cluster main start"
    say "starting PostgreSQL $cluster"
    pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  pg_isready -h 127.0.0.1 -p 5432 -q || stop "PostgreSQL does not answer on 127.0.0.1:5432." "sudo pg_lsclusters"
  admin_url="postgres://postgres@127.0.0.1:5432/postgres"
  if ! PGCONNECT_TIMEOUT=5 psql -w "$admin_url" -qAtc "select 1" >/dev/null 2>&1; then
    # Debian's default asks for a password over TCP and the tests connect over TCP. As root, make
    # a role of the tests' own that may create databases, with a fresh random password each run:
    # never a known password, and never on the superuser.
    root || stop "cannot sign in to PostgreSQL as postgres on 127.0.0.1 without a password." \
      "set TEST_DATABASE_URL=postgres://USER:PASSWORD@127.0.0.1:5432/DB (a role that may create databases)"
    secret="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
    runuser -u postgres -- psql -qc "do \$\$ begin
      if not exists (select from pg_roles where rolname = 'tessera_test') then create role tessera_test login createdb; end if;
      end \$\$; alter role tessera_test password '${secret}'" >/dev/null
    admin_url="postgres://tessera_test:${secret}@127.0.0.1:5432/postgres"
  fi
  made_db="tessera_test_$$"
  psql -w "$admin_url" -qc "create database ${made_db}"
  trap drop_db EXIT
  export TEST_DATABASE_URL="${admin_url%/postgres}/${made_db}"
fi
PGCONNECT_TIMEOUT=5 psql -w "$TEST_DATABASE_URL" -qAtc "select 1" >/dev/null ||
  stop "cannot connect to TEST_DATABASE_URL ($TEST_DATABASE_URL)." "unset TEST_DATABASE_URL to use a fresh database on 127.0.0.1:5432"

shown_url="$(printf '%s' "$TEST_DATABASE_URL" | sed -E 's#//([^:/@]+):[^@]*@#//\1:***@#')"
databases="SQLite and PostgreSQL at ${shown_url}"
loud "TESTING ON: ${databases}
Chromium: $("$chromium" --version 2>/dev/null || echo "$chromium")"

status=0
npm run --silent test:steps || status=$?
if [ "$status" = 0 ]; then
  loud "ALL TESTS PASSED ON: ${databases}"
else
  loud "TESTS FAILED (exit ${status}) ON: ${databases}"
fi
exit "$status"
