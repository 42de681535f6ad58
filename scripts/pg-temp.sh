# Sourced by the desk benchmarks: a work folder `work` (removed on exit) and a throw-away
# PostgreSQL cluster in "$work/pg" listening on a Unix socket in "$work" only (as `nobody` when
# run as root). `pg_temp_start` starts it; `$as`, `$pgbin` are set for the caller.
#   source scripts/pg-temp.sh PREFIX      (the work folder: /tmp/PREFIX.XXXXXX)
work=$(mktemp -d "/tmp/$1.XXXXXX")
chmod 755 "$work"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as=""; [ "$(id -u)" -eq 0 ] && { chown nobody "$work"; as="runuser -u nobody --"; }
stop() { $as "$pgbin/pg_ctl" -D "$work/pg" -m fast stop > /dev/null 2>&1 || true; rm -rf "$work"; }
trap stop EXIT
pg_temp_start() {
  $as "$pgbin/initdb" -D "$work/pg" -U dorsale -A trust > /dev/null
  $as "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -o "-c listen_addresses='' -k $work" start > /dev/null
}
