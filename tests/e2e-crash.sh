#!/bin/sh
# e2e-crash.sh: kills `arbiter run` with SIGKILL at many moments (50 random
# delays across the run, including report writing) and checks each time
# that the database passes verify, that the lock does not outlive the
# process, and that running the night again succeeds with the same outputs
# as an uninterrupted run.
. "$SRCDIR/tests/lib.sh"

ROUNDS=${CRASH_ROUNDS:-50}

# night D FIRST COUNT: COUNT orders from number FIRST, placed on D, with a
# shipped and a delivered event each and a claim on every tenth.
night() {
    mkdir -p "$WORK/in/$1"
    awk -v d="$1" -v first="$2" -v n="$3" -v dir="$WORK/in/$1" 'BEGIN {
        o = dir "/orders.csv"; t = dir "/tracking.csv"; c = dir "/claims.csv"
        print "order_id,buyer_id,seller_id,placed_at,amount,currency,payment_method,promised_days" > o
        print "order_id,event_at,status" > t
        print "claim_id,order_id,opened_at,reason,amount,seller_response,responded_at" > c
        for (i = first; i < first + n; i++) {
            printf "O%06d,B%d,S%d,%s,%d.%02d,USD,paypal,5\n", i, i % 97, i % 13, d, 10 + i % 90, i % 100 > o
            printf "O%06d,%s,shipped\n", i, d > t
            if (i % 3 == 0) printf "O%06d,%s,delivered\n", i, d > t
            if (i % 10 == 0) printf "C%06d,O%06d,%s,not_as_described,1.00,,\n", i, i, d > c
        }
    }'
}
night 2026-06-01 0 4000
night 2026-06-02 4000 4000
# The second night also answers the first night's claims (all accepted).
awk -F, 'NR > 1 { printf "%s,%s,%s,%s,%s,accepted,2026-06-02\n", $1, $2, $3, $4, $5 }' \
    "$WORK/in/2026-06-01/claims.csv" >>"$WORK/in/2026-06-02/claims.csv"

run_night() {
    "$ARBITER" run --as-of "$1" --in "$WORK/in/$1" --db "$2" --reports "$3" --quiet
}

check_exit 0 "reference night 1" -- run_night 2026-06-01 "$WORK/ref.db" "$WORK/ref"
cp "$WORK/ref.db" "$WORK/night1.db"
start=$(date +%s%N)
check_exit 0 "reference night 2" -- run_night 2026-06-02 "$WORK/ref.db" "$WORK/ref"
span=$((($(date +%s%N) - start) / 1000000))
echo "an uninterrupted night takes ${span} ms; killing within 0..$((span + span / 5)) ms"

round=1
killed_before_commit=0
killed_after_commit=0
while [ "$round" -le "$ROUNDS" ]; do
    rm -rf "$WORK/k.db" "$WORK/k.db-wal" "$WORK/k.db-shm" "$WORK/k.db.lock" "$WORK/k"
    cp "$WORK/night1.db" "$WORK/k.db"
    delay_ms=$(awk -v r="$round" -v s="$span" 'BEGIN { srand(r * 7919); print int(rand() * s * 1.2) }')
    "$ARBITER" run --as-of 2026-06-02 --in "$WORK/in/2026-06-02" --db "$WORK/k.db" \
        --reports "$WORK/k" --quiet 2>/dev/null &
    pid=$! # the arbiter process itself, not a subshell
    sleep "$(awk -v ms="$delay_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    check_exit 0 "round $round (killed at $delay_ms ms): verify" -- \
        "$ARBITER" verify --db "$WORK/k.db" --quiet
    if [ "$(sqlite3 "$WORK/k.db" "SELECT count(*) FROM batch")" = 1 ]; then
        killed_before_commit=$((killed_before_commit + 1))
    else
        killed_after_commit=$((killed_after_commit + 1))
    fi
    check_exit 0 "round $round: the night runs again" -- run_night 2026-06-02 "$WORK/k.db" "$WORK/k"
    for f in decisions refunds releases rejects; do
        CHECKS=$((CHECKS + 1))
        cmp -s "$WORK/k/2026-06-02/r1/$f.csv" "$WORK/ref/2026-06-02/r1/$f.csv" ||
            fail "round $round: $f.csv differs from the uninterrupted run"
    done
    round=$((round + 1))
done
echo "killed before the commit: $killed_before_commit rounds; after it: $killed_after_commit"

# The first run of all, killed while it makes the database: no file is
# left (verify 66), or a whole one (verify 0), never one of no bytes that
# verify calls damaged; the night then runs, removing the left-overs.
first=0
for delay_ms in 0 1 2 3 4 5 6 8 10 12 15 20 25 30; do
    rm -rf "$WORK/f.db" "$WORK/f.db"-* "$WORK/f.db".* "$WORK/f"
    "$ARBITER" run --as-of 2026-06-01 --in "$WORK/in/2026-06-01" --db "$WORK/f.db" \
        --reports "$WORK/f" --quiet 2>/dev/null &
    pid=$!
    sleep "$(awk -v ms="$delay_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    CHECKS=$((CHECKS + 1))
    "$ARBITER" verify --db "$WORK/f.db" --quiet >/dev/null 2>&1
    rc=$?
    case $rc in
    66) first=$((first + 1)) ;;
    0) ;;
    *) fail "first run killed at $delay_ms ms: verify exits $rc ($(ls "$WORK" | grep '^f\.db' | tr '\n' ' '))" ;;
    esac
    check_exit 0 "first run killed at $delay_ms ms: the night runs again" -- \
        run_night 2026-06-01 "$WORK/f.db" "$WORK/f"
    [ ! -e "$WORK/f.db.new" ] || fail "first run killed at $delay_ms ms: f.db.new left behind"
    CHECKS=$((CHECKS + 1))
    cmp -s "$WORK/f/2026-06-01/r1/decisions.csv" "$WORK/ref/2026-06-01/r1/decisions.csv" ||
        fail "first run killed at $delay_ms ms: decisions.csv differs"
done
echo "first runs killed before the database was whole: $first of 14"

# Two real arbiter processes started together on one database: one runs
# the batch, the other exits 75 at once naming it (or, if it starts only
# after the commit, finds identical inputs and succeeds without change).
busy_seen=0
try=1
while [ "$try" -le 10 ] && [ "$busy_seen" -eq 0 ]; do
    rm -rf "$WORK/two.db" "$WORK/two.db-wal" "$WORK/two.db-shm" "$WORK/two"
    cp "$WORK/night1.db" "$WORK/two.db"
    for who in a b; do
        "$ARBITER" run --as-of 2026-06-02 --in "$WORK/in/2026-06-02" --db "$WORK/two.db" \
            --reports "$WORK/two" --quiet 2>"$WORK/two.$who.err" &
        eval "pid_$who=\$!"
    done
    wait "$pid_a"; rc_a=$?
    wait "$pid_b"; rc_b=$?
    CHECKS=$((CHECKS + 1))
    case "$rc_a $rc_b" in
    "0 75" | "75 0") busy_seen=1
        grep -q 'database busy: arbiter pid [0-9]* started at' "$WORK/two.a.err" "$WORK/two.b.err" ||
            fail "the busy process does not name the running one" ;;
    "0 0") ;;
    *) fail "two processes: exits $rc_a and $rc_b" ;;
    esac
    check_exit 0 "verify after two processes" -- "$ARBITER" verify --db "$WORK/two.db" --quiet
    try=$((try + 1))
done
[ "$busy_seen" -eq 1 ] || fail "ten tries and the second process never found the batch running"
[ "$ROUNDS" -lt 10 ] || [ "$killed_before_commit" -gt 0 ] || fail "no round killed a run mid-batch"

finish
