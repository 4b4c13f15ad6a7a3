#!/bin/sh
# e2e-rerun-random.sh: reruns in a sequence no one wrote by hand. Fourteen
# generated nights (tools/gen), then twelve reruns from nights drawn from a
# fixed seed, each of one kind: unchanged, a carrier correction (a quarter
# of the night's events gone), orders withdrawn (every tenth), or manual
# reviews adjudicated (overrides added). Every rerun must commit, which
# means its own check of the dates it replayed (verify_rerun) holds, and
# then `arbiter verify` must hold over the whole database: the rerun's
# check never lets through what the whole check would refuse, and never
# refuses a sound rerun. Last, the next night runs on the result.
. "$SRCDIR/tests/lib.sh"

GEN=$(dirname "$(dirname "$ARBITER")")/tools/gen
[ -x "$GEN" ] || { echo "SKIP: $GEN is not built"; exit 77; }
# withdrawn orders turn later rows that name them into rejects
sed 's/^max_reject_rate = .*/max_reject_rate = 1/; s|^holidays = .*|holidays = '"$SRCDIR"'/data/holidays.csv|' \
    "$SRCDIR/data/arbiter.conf" >"$WORK/arbiter.conf"

"$GEN" --orders 120 --days 15 --history 60 --seed 23 --claims-per-mille 250 \
    --adjudicated-per-mille 500 --out "$WORK/in" 2>/dev/null || fail "tools/gen"
set -- $(ls "$WORK/in")
nights=$(($# - 1))
dates=$*

# night_date K: the K-th night's date (1-based).
night_date() {
    echo "$dates" | tr ' ' '\n' | sed -n "${1}p"
}

# run ARGS...: arbiter with the scratch database, reports and configuration.
run() {
    "$ARBITER" "$@" --db "$WORK/arbiter.db" --reports "$WORK/reports" --config "$WORK/arbiter.conf" \
        --quiet
}

for k in $(seq 1 "$nights"); do
    d=$(night_date "$k")
    check_exit 0 "night $d" -- run run --as-of "$d" --in "$WORK/in/$d"
done

# adjudications D: overrides for the manual reviews of D's latest revision,
# refund and reject in turn.
adjudications() {
    latest=$WORK/reports/$1/r$(ls "$WORK/reports/$1" | sed -n 's/^r//p' | sort -n | tail -n 1)
    echo 'claim_id,outcome,amount,note'
    awk -F, 'NR > 1 && $4 == "MANUAL_REVIEW" {
        print $1 "," (n++ % 2 ? "reject" : "refund") ",,random adjudication" }' "$latest/decisions.csv"
}

awk 'BEGIN { srand(5); for (i = 0; i < 12; i++) print 1 + int(rand() * 14), i % 4 }' >"$WORK/plan"
[ "$nights" -eq 14 ] || fail "tools/gen wrote $nights nights, not 14 and the one after"
step=0
while read -r k kind; do
    step=$((step + 1))
    d=$(night_date "$k")
    fix=$WORK/fix$step
    mkdir -p "$fix"
    case $kind in
    0) set -- rerun --as-of "$d"; change=unchanged ;;
    1) awk 'NR == 1 || NR % 4' "$WORK/in/$d/tracking.csv" >"$fix/tracking.csv"
       set -- rerun --as-of "$d" --in "$fix"; change="carrier correction" ;;
    2) awk 'NR == 1 || NR % 10' "$WORK/in/$d/orders.csv" >"$fix/orders.csv"
       set -- rerun --as-of "$d" --in "$fix"; change="orders withdrawn" ;;
    3) adjudications "$d" >"$fix/overrides.csv"
       set -- rerun --as-of "$d" --overrides "$fix/overrides.csv"; change=adjudicated ;;
    esac
    check_exit 0 "rerun $step from $d ($change)" -- run "$@"
    check_exit 0 "verify after rerun $step from $d ($change)" -- run verify
done <"$WORK/plan"
[ "$step" -eq 12 ] || fail "the plan held $step reruns, not 12"
# the sequence must have moved money, or it tested little
moved=$(cat "$WORK"/reports/*/r*/adjustments.csv | cut -d, -f1,2 | sort -u)
for a in add,refund cancel,refund cancel,release cancel,capture; do
    CHECKS=$((CHECKS + 1))
    echo "$moved" | grep -qx "$a" || fail "no rerun made a $a adjustment"
done

last=$(night_date $((nights + 1)))
check_exit 0 "the night after the reruns" -- run run --as-of "$last" --in "$WORK/in/$last"
check_exit 0 "verify after it" -- run verify
finish
