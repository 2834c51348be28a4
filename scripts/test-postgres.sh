# Sourced by .ci/run (and usable by hand): a throwaway PostgreSQL server for the test suite.
# start_test_postgres exports COACHAT_TEST_POSTGRES_URL and stops the server when the shell exits.

start_test_postgres() {
    local bin=/usr/lib/postgresql/15/bin
    local port=${COACHAT_TEST_POSTGRES_PORT:-55432}
    PGTEST_DIR=$(mktemp -d /tmp/coachat-pg.XXXXXX)
    chown postgres:postgres "$PGTEST_DIR"
    runuser -u postgres -- "$bin/initdb" -D "$PGTEST_DIR/data" -A trust -U postgres -E UTF8 >/dev/null
    runuser -u postgres -- "$bin/pg_ctl" -D "$PGTEST_DIR/data" -l "$PGTEST_DIR/log" -w \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -k $PGTEST_DIR" \
        start >/dev/null
    trap stop_test_postgres EXIT
    runuser -u postgres -- psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE coachat_test" >/dev/null
    export COACHAT_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/coachat_test"
    echo "PostgreSQL for the tests at $COACHAT_TEST_POSTGRES_URL"
}

stop_test_postgres() {
    if [ -n "${PGTEST_DIR:-}" ] && [ -d "$PGTEST_DIR/data" ]; then
        runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$PGTEST_DIR/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$PGTEST_DIR"
    fi
}
