#!/bin/sh
# e2e-bench.sh: the benchmark commands work from a build (how fast is not
# asserted: `make check` is no timed test). tools/bench.sh on a tiny night
# and its tenfold prints the three timings, every phase, the ratios of
# issue 7 and the growth, and cleans its scratch space up; tools/steady.sh
# on 20 small nights prints the last night against a first night of the
# same size and against itself on a compacted and a pruned copy of its
# database. Not in the valgrind loop: the programs are the ones the other
# tests check, and the scripts only time them.
. "$SRCDIR/tests/lib.sh"

[ -x /usr/bin/time ] || { echo "SKIP: no GNU time (apt-get install time)"; exit 77; }
build=$(dirname "$(dirname "$ARBITER")")
export ARBITER GEN="$build/tools/gen" CSVPARSE="$build/tools/csvparse" TMPDIR="$WORK"
export CONFIG="$SRCDIR/data/arbiter.conf"

check_exit 0 "bench on 2,000 orders and 20,000" -- sh "$SRCDIR/tools/bench.sh" -n 2000
out=$WORK/out
cp "$out" "$WORK/bench.out"
num='[0-9][0-9.]*'
# once_per_size PATTERN WHAT: two lines of the output match, N's and 10N's.
once_per_size() {
    CHECKS=$((CHECKS + 1))
    [ "$(grep -c -e "$1" "$WORK/bench.out")" = 2 ] ||
        fail "bench: $2, once per size: $(cat "$WORK/bench.out")"
}
for label in '(a) libcsv parse only' '(b) sqlite3 .import --csv' '(c) arbiter run'; do
    once_per_size "^  $label  *$num  *$num  *$num\$" "'$label' with seconds, rows/s and peak MB"
done
for phase in ingest claims orders verify commit workbook; do
    check_grep "^      phase $phase  *$num\$" "$WORK/bench.out" "bench: phase $phase timed"
done
once_per_size "^      beside the workbook, on the second core: checkpoint $num s, CSVs $num s\$" \
    "the second thread's checkpoint and CSVs timed"
once_per_size "^      written into the log $num MiB; left: database $num MB, log kept for the next night $num MB, reports $num MB\$" \
    "what the night wrote and left"
once_per_size "^      CPU seconds: $num in arbiter, $num in the kernel (file writes and reads)\$" \
    "arbiter's and the kernel's CPU seconds"
check_grep "^  c/a = $num   c/b = $num   (ingest+claims+orders)/a = $num\$" "$WORK/bench.out" \
    "bench: the ratios"
check_grep "^N = 20000: " "$WORK/bench.out" "bench: the tenfold night"
check_grep "^growth N -> 10N: arbiter time x$num (linear: x10), peak RSS $num -> $num MB\$" \
    "$WORK/bench.out" "bench: the growth"
check_grep "^  CPU seconds: in arbiter [-x][0-9.]*, in the kernel [-x][0-9.]*\$" "$WORK/bench.out" \
    "bench: the growth of the CPU seconds"
check_grep "^  per phase: ingest [-x][0-9.]* claims [-x][0-9.]* orders [-x]" "$WORK/bench.out" \
    "bench: the growth per phase"
CHECKS=$((CHECKS + 1))
[ -z "$(ls -d "$WORK"/arbiter-bench.* 2>/dev/null)" ] || fail "bench: scratch space left behind"

check_exit 0 "bench with random order IDs" -- sh "$SRCDIR/tools/bench.sh" -n 2000 --no-10x --random-ids
check_grep "^arbiter benchmark: .*, random order IDs\$" "$WORK/out" "bench: says the IDs are random"
check_grep "^  c/a = $num   c/b = $num" "$WORK/out" "bench: random IDs, the ratios"
check_exit 64 "bench refuses an unknown argument" -- sh "$SRCDIR/tools/bench.sh" --fast
check_grep "unknown argument '--fast'" "$WORK/err" "bench names the argument"

# arbiter settles no night after today: steady.sh says so before it generates
today=$(date -u +%F)
check_exit 64 "steady refuses nights after today" -- sh "$SRCDIR/tools/steady.sh" -n 300 -d 2 --start "$today"
check_grep "the last night, .*, is after today: give an earlier --start or fewer nights" "$WORK/err" \
    "steady names the night after today"
check_exit 0 "steady on 20 nights of 300 orders" -- sh "$SRCDIR/tools/steady.sh" -n 300 -d 20
check_grep "^  night 20 (.*   log=[0-9][0-9]* MiB  claims evaluated=[0-9][0-9]*\$" "$WORK/out" \
    "steady: the last night, its log megabytes and its claims"
check_grep "^first night of the same size on an empty database: " "$WORK/out" "steady: the first night"
check_grep "^night 20 / first night = $num (target: at most 1)\$" "$WORK/out" "steady: the ratio"
check_grep "^night 20 / night 10 = $num per row " "$WORK/out" "steady: the ratio to the middle night"
check_grep "^  rerun of night 20 on that database: *[0-9]* rows *$num s .*reconcile=$num verify=$num " \
    "$WORK/out" "steady: the rerun of the last night"
check_grep "^rerun of night 20 / night 20 = $num\$" "$WORK/out" "steady: the rerun's ratio"
check_grep "^night 20 / the same night compacted = $num, without the history = $num\$" "$WORK/out" \
    "steady: the ratios to the same night"
check_grep "runs' decisions, refunds, releases and rejects CSVs are the night's own, byte for byte)\$" \
    "$WORK/out" "steady: the same work without the history"
# the pruned database has lost closed orders, and kept every open one
closed() { sed -n "s/^  $1 (\([0-9]*\) open + \([0-9]*\) closed orders.*/\1 \2/p" "$WORK/out"; }
CHECKS=$((CHECKS + 1))
echo "$(closed 'the same night on its database compacted') $(closed 'and without the closed history')" |
    awk '{ exit !(NF == 4 && $1 == $3 && $4 < $2) }' ||
    fail "steady: pruning must keep every open order and remove closed ones: $(grep ' closed orders' "$WORK/out")"
CHECKS=$((CHECKS + 1))
[ -z "$(ls -d "$WORK"/arbiter-steady.* 2>/dev/null)" ] || fail "steady: scratch space left behind"

finish
