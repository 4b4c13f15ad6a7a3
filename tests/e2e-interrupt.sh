#!/bin/sh
# e2e-interrupt.sh: SIGTERM and SIGHUP (a cron timeout, a closed
# terminal; SIGINT, a Ctrl-C, is handled alike) end `arbiter run` by the
# signal, as before, with one line on stderr that says where the batch
# stands, and leave no report under its temporary name: interrupted
# before the commit, the database holds no batch and the night runs
# again; interrupted while the reports are written, the batch is
# committed and the command the line names writes them. A signal the
# caller ignores stays ignored.
. "$SRCDIR/tests/lib.sh"

ORDERS=${INTERRUPT_ORDERS:-60000}
D=2026-06-01
mkdir -p "$WORK/in/$D"
awk -v d="$D" -v n="$ORDERS" -v dir="$WORK/in/$D" 'BEGIN {
    o = dir "/orders.csv"; t = dir "/tracking.csv"; c = dir "/claims.csv"
    print "order_id,buyer_id,seller_id,placed_at,amount,currency,payment_method,promised_days" > o
    print "order_id,event_at,status" > t
    print "claim_id,order_id,opened_at,reason,amount,seller_response,responded_at" > c
    for (i = 0; i < n; i++) {
        printf "O%06d,B%d,S%d,2026-05-01,%d.%02d,USD,paypal,5\n", i, i % 97, i % 13, 10 + i % 90, i % 100 > o
        printf "O%06d,2026-05-02,shipped\n", i > t
        if (i % 2 == 0) printf "O%06d,2026-05-03,delivered\n", i > t
        if (i % 10 == 1) printf "C%06d,O%06d,2026-05-20,not_received,,,\n", i, i > c
    }
}'

# interrupt SIGNAL LINE [IGNORED]: runs the night into a fresh database,
# with the signal IGNORED ignored when given, and sends SIGNAL once the
# log shows LINE; the exit code in $got, stderr in err.
interrupt() {
    # err emptied here: the job truncates it only once it starts, and the
    # wait below would find the line in the previous run's log
    rm -rf "$WORK/db"* "$WORK/reports" "$WORK/err"
    (
        if [ -n "${3:-}" ]; then trap '' "$3"; fi
        exec "$ARBITER" run --as-of "$D" --in "$WORK/in/$D" --db "$WORK/db" \
            --reports "$WORK/reports" 2>"$WORK/err"
    ) &
    pid=$!
    tries=0
    while ! grep -q "$2" "$WORK/err" 2>/dev/null && [ "$tries" -lt 3000 ]; do
        sleep 0.01
        tries=$((tries + 1))
    done
    kill -s "$1" "$pid" 2>/dev/null
    wait "$pid"
    got=$?
}

# Before the commit: no batch, nothing else; the night then runs whole.
# (SIGINT is not sent here: a background job of a script ignores it, as
# arbiter then does, below)
for sig in TERM HUP; do
    CHECKS=$((CHECKS + 1))
    interrupt "$sig" 'orders.csv: .* rows'
    case $sig in TERM) want=143 ;; HUP) want=129 ;; esac
    [ "$got" -eq "$want" ] || fail "SIG$sig while reading: exit $got, want $want"
    check_grep "^arbiter: interrupted by SIG$sig: the batch was not committed" "$WORK/err" \
        "SIG$sig while reading: said"
    [ "$(sqlite3 "$WORK/db" 'SELECT count(*) FROM batch' 2>/dev/null || echo 0)" = 0 ] ||
        fail "SIG$sig while reading: a batch is in the database"
    check_exit 0 "the night after SIG$sig" -- "$ARBITER" run --as-of "$D" --in "$WORK/in/$D" \
        --db "$WORK/db" --reports "$WORK/reports" --quiet
done

# A signal the caller ignores (nohup, `trap '' HUP`, SIGINT in a
# script's background job) stays ignored: the night runs on and commits.
CHECKS=$((CHECKS + 1))
interrupt HUP 'orders.csv: .* rows' HUP
[ "$got" -eq 0 ] || fail "an ignored SIGHUP: exit $got, want 0"
[ "$(sqlite3 "$WORK/db" 'SELECT count(*) FROM batch')" = 1 ] || fail "an ignored SIGHUP: no batch"

# While the reports are written: committed, no temporary file left, and
# the command named writes the reports.
CHECKS=$((CHECKS + 1))
interrupt TERM 'phase commit'
[ "$got" -eq 143 ] || fail "SIGTERM while reporting: exit $got, want 143 (the run took too little time?)"
check_grep "^arbiter: interrupted by SIGTERM: batch $D revision 1 is committed, its reports are not complete: 'arbiter report --as-of $D --revision 1' writes them$" \
    "$WORK/err" "SIGTERM while reporting: said"
[ -z "$(find "$WORK/reports" -name '*.tmp')" ] || fail "SIGTERM left $(find "$WORK/reports" -name '*.tmp')"
check_exit 0 "report after SIGTERM" -- "$ARBITER" report --as-of "$D" --db "$WORK/db" \
    --reports "$WORK/reports" --quiet
for f in decisions.csv refunds.csv releases.csv rejects.csv "arbiter-$D-r1.xlsx"; do
    [ -s "$WORK/reports/$D/r1/$f" ] || fail "report after SIGTERM: no $f"
done
check_exit 0 "verify after SIGTERM" -- "$ARBITER" verify --db "$WORK/db" --quiet

# A signal the moment a CSV's temporary file is made (gdb stops the
# thread that writes the CSVs in its fdopen and sends SIGTERM there): the
# file was made before the handler knew of it, and stayed.
CHECKS=$((CHECKS + 1))
rm -rf "$WORK/db"* "$WORK/reports"
cat >"$WORK/at-fdopen.gdb" <<'EOF2'
set pagination off
set confirm off
handle SIGTERM nostop noprint pass
break fdopen if $_caller_is("report_open_file")
run
delete
signal SIGTERM
EOF2
# the binary itself, not valgrind's wrapper; no leak check in a traced process
ASAN_OPTIONS=detect_leaks=0 gdb -q -batch -x "$WORK/at-fdopen.gdb" --args \
    "${ARBITER_BINARY:-$ARBITER}" run --as-of "$D" --in "$WORK/in/$D" --db "$WORK/db" \
    --reports "$WORK/reports" >"$WORK/gdb-out" 2>&1 </dev/null
check_grep 'terminated with signal SIGTERM' "$WORK/gdb-out" "SIGTERM as a CSV is made: gdb saw"
check_grep "^arbiter: interrupted by SIGTERM: batch $D revision 1 is committed" "$WORK/gdb-out" \
    "SIGTERM as a CSV is made: said"
[ -z "$(find "$WORK/reports" -name '*.tmp')" ] ||
    fail "SIGTERM as a CSV is made left $(find "$WORK/reports" -name '*.tmp')"

finish
