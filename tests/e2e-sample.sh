#!/bin/sh
# e2e-sample.sh: the shipped sample nights in order, as `make sample` runs
# them: every night exits 0, its rejects are exactly the rows the generator
# made bad (data/incoming/<D>/expected-rejects.csv, written independently
# of arbiter), verify holds, and the rerun with the sample adjudications
# refunds one claim, rejects the other, and lists its adjustments. The
# same nights and reruns again with the rule indexes rebuilt after
# ingestion (the path of a night larger than the database) give the same
# reports.
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
# and a rerun of the first night, which changes nothing: every night
# replayed, no adjustment
check_exit 0 "rerun of the first night" -- arb rerun --as-of 2026-11-01 --config "$data/arbiter.conf"
[ "$(wc -l <"$WORK/reports/2026-11-01/r2/adjustments.csv")" -eq 1 ] ||
    fail "a rerun that changes nothing lists adjustments"
check_exit 0 "verify after the rerun of the first night" -- arb verify

# the checkpoint of a committed batch copies every page of the log (none
# is held back by a reader of the reports). On failure it quotes the
# checkpoint's own line, which the head of the log does not reach.
check_whole_log_copied() {
    CHECKS=$((CHECKS + 1))
    grep -q 'checkpoint: \([1-9][0-9]*\) of \1 log pages copied' "$WORK/err" ||
        fail "$1: the whole log copied beside the workbook: $(grep checkpoint "$WORK/err")"
}

# bulk ARGS...: arbiter on a second database, rebuilding the rule indexes
# for every night that brings more orders than it holds.
bulk() {
    ARBITER_REBUILD_MIN_ORDERS=1 "$ARBITER" "$@" --db "$WORK/bulk.db" --reports "$WORK/bulk" \
        --config "$data/arbiter.conf"
}
for night in "$data"/incoming/*/; do
    d=$(basename "$night")
    check_exit 0 "sample night $d, indexes rebuilt" -- bulk run --as-of "$d" --in "$night"
    [ "$d" != 2026-11-01 ] || check_grep 'phase index: rule indexes built' "$WORK/err" \
        "the first night rebuilds the rule indexes"
    check_whole_log_copied "night $d"
done
check_exit 0 "rerun, indexes rebuilt" -- bulk rerun --as-of 2026-11-04 --overrides "$claims"
check_whole_log_copied rerun
# the first night replayed is larger than what its rollback left: its
# stored orders.csv is counted, and the indexes are rebuilt as in a night
check_exit 0 "rerun of the first night, indexes rebuilt" -- bulk rerun --as-of 2026-11-01
check_grep 'phase index: rule indexes built' "$WORK/err" \
    "the rerun of the first night rebuilds the rule indexes"
check_whole_log_copied "rerun of the first night"
check_exit 0 "verify, indexes rebuilt" -- bulk verify
for f in $(cd "$WORK/reports" && ls */r*/*.csv); do
    check_file "$WORK/bulk/$f" "$f with the indexes rebuilt" <"$WORK/reports/$f"
done
schema="SELECT type, name, sql FROM sqlite_schema ORDER BY name"
sqlite3 "$WORK/arbiter.db" "$schema" >"$WORK/schema"
sqlite3 "$WORK/bulk.db" "$schema" | check_file "$WORK/schema" "schema after the rebuilds"

finish
