#!/bin/sh
# bench.sh: how fast is arbiter on one big night, next to two floors.
#
#   tools/bench.sh [-n N] [--no-10x] [--keep] [--seed S] [--random-ids]
#                                                (or: make bench N=...)
#
# Generates with tools/gen a self-contained night of N orders (about 3N
# carrier events and 0.05N claims, the orders spread over the 90 days before
# the night; a few bad rows in every file) into a scratch folder under
# $TMPDIR, never into the source tree, then times on the same files:
#   (a) tools/csvparse: libcsv alone streaming the three files, counting rows:
#       the floor of any CSV ingestion;
#   (b) sqlite3 .import --csv of the three files into an empty WAL database:
#       what a user gets with no validation at all;
#   (c) src/arbiter run, end to end, with the phase times it logs (and
#       the checkpoint and CSVs of the second thread, beside the workbook).
# It prints rows per second, seconds per phase, peak RSS and CPU seconds
# (GNU time; the kernel's apart), what arbiter wrote into its log and left
# on disk (database, reports) and the ratios c/a, c/b and
# (ingest+claims+orders)/a, then the same for 10×N and how the whole run,
# its CPU seconds and each phase grow (skip that with --no-10x). The
# default N = 100000 (and 10×N = 1M) takes under a minute on 2 cores;
# N = 300000 about 2.5 minutes. --random-ids generates order IDs whose
# order does not follow the date placed (tools/gen --random-ids).
# Scratch space: about 1.5 GB per
# million orders (inputs, the import database, arbiter's database), freed
# after each size.
#
# Run from the build folder. Override the programs with ARBITER, GEN,
# CSVPARSE, SQLITE3, the configuration with CONFIG (default: data/arbiter.conf
# beside this script), the scratch parent with TMPDIR.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
ARBITER=${ARBITER:-src/arbiter}
GEN=${GEN:-tools/gen}
CSVPARSE=${CSVPARSE:-tools/csvparse}
SQLITE3=${SQLITE3:-sqlite3}
CONFIG=${CONFIG:-$here/../data/arbiter.conf}
TIME=/usr/bin/time

n=100000 grow=yes keep=no seed=1 ids=
while [ $# -gt 0 ]; do
    case $1 in
    -n) n=$2; shift 2 ;;
    --no-10x) grow=no; shift ;;
    --keep) keep=yes; shift ;;
    --seed) seed=$2; shift 2 ;;
    --random-ids) ids=--random-ids; shift ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown argument '$1' (see --help)" >&2; exit 64 ;;
    esac
done
for prog in "$ARBITER" "$GEN" "$CSVPARSE"; do
    [ -x "$prog" ] || { echo "bench: $prog is not built (make $prog)" >&2; exit 66; }
done
command -v "$SQLITE3" >/dev/null || { echo "bench: no sqlite3 shell (apt-get install sqlite3)" >&2; exit 69; }
[ -x $TIME ] || { echo "bench: no GNU time (apt-get install time)" >&2; exit 69; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/arbiter-bench.XXXXXX")
[ $keep = yes ] || trap 'rm -rf "$scratch"' EXIT INT TERM
night=2026-11-01

# timed LABEL CMD...: runs CMD with GNU time; sets $secs, $rss_mb and the
# CPU seconds $user_secs (in the program) and $sys_secs (in the kernel, for
# it); fails (after showing the end of CMD's stderr) when CMD fails.
timed() {
    label=$1; shift
    status=0
    $TIME -f '%e %M %U %S' -o "$scratch/time.$label" "$@" >"$scratch/out.$label" \
        2>"$scratch/err.$label" || status=$?
    # the figures are the file's last line (a failed CMD's status comes first)
    read -r secs rss_mb user_secs sys_secs <<EOF
$(awk 'END { printf "%s %.1f %s %s\n", $1, $2 / 1024, $3, $4 }' "$scratch/time.$label")
EOF
    if [ $status -ne 0 ]; then
        echo "bench: $label failed (exit $(sed -n 's/.*non-zero status //p' "$scratch/time.$label")):" >&2
        tail -3 "$scratch/err.$label" >&2
        return 1
    fi
}

# line LABEL SECONDS ROWS RSS_MB: one row of the results table.
line() {
    awk -v l="$1" -v s="$2" -v r="$3" -v m="$4" 'BEGIN {
        printf "  %-26s %9.2f %12.0f %10.1f\n", l, s, (s > 0 ? r / s : 0), m }'
}

# bench_size N: generates a night of N orders and runs (a), (b), (c) on it.
bench_size() {
    size=$1 dir=$scratch/n$1
    timed gen "$GEN" --orders "$size" --days 1 --start $night --seed "$seed" --bad-rows 5 $ids --out "$dir" || exit 70
    gen_secs=$secs
    in=$dir/$night
    files="$in/orders.csv $in/tracking.csv $in/claims.csv"
    bytes=$(cat $files | wc -c)

    timed parse "$CSVPARSE" $files || exit 70
    a_secs=$secs a_rss=$rss_mb
    rows=$(awk '/^total:/ { print $2 - 3 }' "$scratch/out.parse")
    counts=$(awk -F'[: ]+' '!/^total/ { n = $1; sub(/.*\//, "", n); printf "%s%s %d", s, n, $2 - 1; s = ", " }' "$scratch/out.parse")

    rm -f "$scratch/import.db"*
    printf 'PRAGMA journal_mode=WAL;\n.import --csv %s orders\n.import --csv %s tracking\n.import --csv %s claims\n' \
        "$in/orders.csv" "$in/tracking.csv" "$in/claims.csv" >"$scratch/import.sql"
    timed import "$SQLITE3" "$scratch/import.db" ".read $scratch/import.sql" || exit 70
    b_secs=$secs b_rss=$rss_mb

    rm -rf "$scratch/arbiter.db"* "$scratch/reports"
    arbiter_ok=yes
    timed arbiter "$ARBITER" run --as-of $night --in "$in" --config "$CONFIG" \
        --db "$scratch/arbiter.db" --reports "$scratch/reports" || arbiter_ok=no failed=yes
    c_secs=$secs c_rss=$rss_mb c_user=$user_secs c_sys=$sys_secs

    echo
    overrides=$(($(wc -l <"$in/overrides.csv" 2>/dev/null || echo 1) - 1))
    echo "N = $size: $rows data rows ($counts), $(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }');" \
        "arbiter also reads ~$overrides overrides; generated in ${gen_secs} s"
    printf '  %-26s %9s %12s %10s\n' "" seconds rows/s "peak MB"
    line "(a) libcsv parse only" "$a_secs" "$rows" "$a_rss"
    line "(b) sqlite3 .import --csv" "$b_secs" "$rows" "$b_rss"
    if [ $arbiter_ok = no ]; then
        printf '  %-26s FAILED after %s s: %s\n' "(c) arbiter run" "$c_secs" \
            "$(grep -v '^Command' "$scratch/err.arbiter" | tail -1 | sed 's/.*error: //')"
        rm -rf "$dir" "$scratch/import.db"* "$scratch/arbiter.db"* "$scratch/reports"
        return
    fi
    line "(c) arbiter run" "$c_secs" "$rows" "$c_rss"
    # arbiter logs "phase NAME: ... (1.234 s)" on stderr when not on a terminal.
    sed -n 's/.*phase \([a-z]*\): .*(\([0-9.]*\) s)$/\1 \2/p' "$scratch/err.arbiter" \
        >"$scratch/phases.$size"
    awk -v total="$c_secs" '{ printf "      phase %-16s %9.2f\n", $1, $2; sum += $2 }
        END { printf "      %-22s %9.2f\n", "outside the phases", total - sum }' "$scratch/phases.$size"
    # the second thread's work, within the workbook phase: "checkpoint: ...
    # (0.473 s)" and "csv: written to DIR beside the workbook (0.495 s)"
    sed -n 's/.* info: checkpoint: .*(\([0-9.]*\) s)$/checkpoint \1/p
        s/.* info: csv: .*(\([0-9.]*\) s)$/CSVs \1/p' "$scratch/err.arbiter" |
        awk '{ printf "%s%s %.2f s", (NR > 1 ? ", " : "      beside the workbook, on the second core: "), $1, $2 }
            END { if (NR) printf "\n" }'
    # two threads at times: the CPU seconds may exceed the elapsed ones
    echo "      CPU seconds: $c_user in arbiter, $c_sys in the kernel (file writes and reads)"
    # what the night wrote: "checkpoint: N of M log pages copied ..." (the
    # checkpoint copies as much again into the database), and what it left
    pages=$(sed -n 's/.* info: checkpoint: [0-9]* of \([0-9]*\) log pages.*/\1/p' \
        "$scratch/err.arbiter" | awk '{ n += $1 } END { print n + 0 }')
    # the log arbiter keeps for the next night, measured first: the sqlite3
    # shell deletes it when it closes the database
    kept=$(wc -c <"$scratch/arbiter.db-wal" 2>/dev/null || echo 0)
    page_size=$("$SQLITE3" "$scratch/arbiter.db" "PRAGMA page_size")
    awk -v p="$pages" -v ps="$page_size" -v db="$(wc -c <"$scratch/arbiter.db")" \
        -v kept="$kept" -v rep="$(du -sk "$scratch/reports" | cut -f1)" 'BEGIN {
        printf "      written into the log %.0f MiB; left: database %.0f MB, log kept for the next night %.0f MB, reports %.0f MB\n",
            p * ps / 1048576, db / 1e6, kept / 1e6, rep * 1024 / 1e6 }'
    awk -v a="$a_secs" -v b="$b_secs" -v c="$c_secs" '
        $1 == "ingest" || $1 == "claims" || $1 == "orders" { decide += $2 }
        END { printf "  c/a = %.1f   c/b = %.1f   (ingest+claims+orders)/a = %.1f\n",
              (a > 0 ? c / a : 0), (b > 0 ? c / b : 0), (a > 0 ? decide / a : 0) }' \
        "$scratch/phases.$size"
    eval "c_secs_$size=$c_secs c_rss_$size=$c_rss c_user_$size=$c_user c_sys_$size=$c_sys"
    rm -rf "$dir" "$scratch/import.db"* "$scratch/arbiter.db"* "$scratch/reports"
}

echo "arbiter benchmark: $(nproc 2>/dev/null || echo '?') CPUs, scratch $scratch${ids:+, random order IDs}"
failed=no
bench_size "$n"
if [ $grow = yes ] && [ $failed = no ]; then
    big=$((n * 10))
    bench_size "$big"
    if [ $failed = no ]; then
        eval "t1=\$c_secs_$n t10=\$c_secs_$big m1=\$c_rss_$n m10=\$c_rss_$big"
        eval "u1=\$c_user_$n u10=\$c_user_$big s1=\$c_sys_$n s10=\$c_sys_$big"
        awk -v t1="$t1" -v t10="$t10" -v m1="$m1" -v m10="$m10" \
            -v u1="$u1" -v u10="$u10" -v s1="$s1" -v s10="$s10" 'BEGIN {
            printf "\ngrowth N -> 10N: arbiter time x%.1f (linear: x10), peak RSS %.0f -> %.0f MB\n",
                (t1 > 0 ? t10 / t1 : 0), m1, m10
            # "-": too little CPU at N to divide by
            printf "  CPU seconds: in arbiter %s, in the kernel %s\n",
                (u1 > 0 ? sprintf("x%.1f", u10 / u1) : "-"),
                (s1 > 0 ? sprintf("x%.1f", s10 / s1) : "-") }'
        # per phase, those of the N run and then those only the 10N run has
        # ("-": too short at N to divide by, or not run at one of the sizes)
        awk 'NR == FNR { small[$1] = $2; order[++n] = $1; next }
            { big[$1] = $2; if (!($1 in small)) order[++n] = $1 }
            END { printf "  per phase:"
                  for (i = 1; i <= n; i++) {
                      p = order[i]
                      if (small[p] > 0 && p in big) printf " %s x%.1f", p, big[p] / small[p]
                      else printf " %s -", p
                  }
                  printf "\n" }' "$scratch/phases.$n" "$scratch/phases.$big"
    else
        echo "growth N -> 10N: not measured (arbiter failed on 10N)"
    fi
fi
[ $failed = no ]
