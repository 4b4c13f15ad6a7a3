#!/bin/sh
# e2e-sample.sh: the shipped sample nights in order, as `make sample` runs
# them: every night exits 0, its rejects are exactly the rows the generator
# made bad (data/incoming/<D>/expected-rejects.csv, written independently
# of arbiter), verify holds, and the rerun with the sample adjudications
# refunds one claim, rejects the other, and lists its adjustments.
. "$SRCDIR/tests/lib.sh"

data=$SRCDIR/data
for night in "$data"/incoming/*/; do
    d=$(basename "$night")
    check_exit 0 "sample night $d" -- arb run --as-of "$d" --in "$night" --config "$data/arbiter.conf"
    python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8", errors="replace")))
print("".join(",".join(r[:3]) + "\n" for r in rows[1:]), end="")' \
        "$WORK/reports/$d/r1/rejects.csv" >"$WORK/got"
    tail -n +2 "$night/expected-rejects.csv" | check_file "$WORK/got" "rejects of $d"
done
check_exit 0 "verify after the sample nights" -- arb verify

claims=$data/adjudications/2026-11-04.csv
check_exit 0 "rerun with the adjudications" -- \
    arb rerun --as-of 2026-11-04 --overrides "$claims" --config "$data/arbiter.conf"
r2=$WORK/reports/2026-11-04/r2
check_grep '^C20260922-0e22696b-0,.*,REFUND,MANUAL_REFUND,' "$r2/decisions.csv" "adjudicated refund"
check_grep '^C20260923-53d8c4c7-0,.*,REJECTED,MANUAL_REJECT,' "$r2/decisions.csv" "adjudicated rejection"
check_grep '^add,refund,RF-C20260922-0e22696b-0,' "$r2/adjustments.csv" "refund added"
check_exit 0 "verify after the rerun" -- arb verify

finish
