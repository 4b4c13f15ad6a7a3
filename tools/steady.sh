#!/bin/sh
# steady.sh: does a night get slower as the database fills up?
#
#   tools/steady.sh [-n N] [-d DAYS] [-a A] [--seed S] [--start D] [--random-ids]
#                                                   (or: make bench-steady)
#
# Generates with tools/gen DAYS consecutive nights of N new orders each,
# the first on D (default 50000, 60 and 2026-03-02: arbiter settles no
# night after today, so the nights are all in the past, and a fixed start
# keeps the data the same from run to run; no backfilled history, so the database starts
# empty and every night's events, claims and settlements come from the
# nights before it), runs them one after another into one database and
# prints the time, the phases and the claims evaluated of the first, the
# middle and the last night, with the mebibytes each wrote into the
# database's log (SQLite's WAL; the checkpoint copies them once more into
# the database file). The disputes team adjudicates A in 1000 of
# the claims left to manual review for good, 1 to 4 nights later (tools/gen
# --adjudicated-per-mille; default 1000, a team that keeps up: with less,
# the manual-review backlog, which every night evaluates again, grows
# without end and there is no steady state to measure; the generator
# leaves some rarer manual reviews, on orders with two claims, to no one).
#
# It compares the last night with the middle one, per input row: what the
# database grew by between them costs a night. The open orders still grow
# at night 30 (it writes half of night 60's log) and are as many at
# nights 60 and 120 (1.58 M at the default 50,000 a night), so with the
# default 60 nights the middle one has fewer to change; -d 120 compares
# two steady nights.
#
# It reruns the last night (`arbiter rerun`, from the same files) on the
# database of all the nights, as the disputes team would; the rerun's
# CSVs must be the night's own, byte for byte.
#
# Then it runs the last night twice more on copies of the database it
# started from: compacted (VACUUM INTO: what fragmentation costs), and
# compacted without the closed orders the night's files do not mention
# (tools/steady-prune.sql: what the history costs, for the same work; the
# night's CSVs must come out byte for byte the same). Each night finds the
# log the night before kept (db_keep_log in src/db.c), and the two copies
# an empty one of its size. Last, it generates
# one self-contained night of about the same number of rows as the last
# one (tools/gen's usual 90 days of history in one file) and runs it on an
# empty database: "the first night of the same size". Scratch space under
# $TMPDIR (about 5 GB for the defaults), freed at the end; about 5 minutes
# on 2 cores.
#
# --random-ids: order IDs whose order does not follow the date placed
# (tools/gen --random-ids), for both the nights and the first night.
#
# Run from the build folder; ARBITER, GEN, SQLITE3 and CONFIG as for
# tools/bench.sh.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
ARBITER=${ARBITER:-src/arbiter}
GEN=${GEN:-tools/gen}
CONFIG=${CONFIG:-$here/../data/arbiter.conf}
SQLITE3=${SQLITE3:-sqlite3}

n=50000 days=60 seed=7 adjudicated=1000 ids= first_night=2026-03-02
while [ $# -gt 0 ]; do
    case $1 in
    -n) n=$2; shift 2 ;;
    -d) days=$2; shift 2 ;;
    -a) adjudicated=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --start) first_night=$2; shift 2 ;;
    --random-ids) ids=--random-ids; shift ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "steady: unknown argument '$1' (see --help)" >&2; exit 64 ;;
    esac
done
for prog in "$ARBITER" "$GEN"; do
    [ -x "$prog" ] || { echo "steady: $prog is not built (make $prog)" >&2; exit 66; }
done
# arbiter refuses a night after today: say so before generating gigabytes
last_night=$(date -u -d "$first_night + $((days - 1)) days" +%F 2>/dev/null) ||
    { echo "steady: --start $first_night is not a date (YYYY-MM-DD)" >&2; exit 64; }
[ "$(echo "$last_night" | tr -d -)" -le "$(date -u +%Y%m%d)" ] ||
    { echo "steady: the last night, $last_night, is after today: give an earlier --start or fewer nights" >&2; exit 64; }
command -v "$SQLITE3" >/dev/null || { echo "steady: no sqlite3 shell (apt-get install sqlite3)" >&2; exit 69; }

# sql DB SQL: the sqlite3 shell, keeping the log arbiter keeps for the
# next night (the shell would delete it when it closes the database, and
# the next night would write a new one)
sql() {
    "$SQLITE3" -cmd ".output /dev/null" -cmd ".filectrl persist_wal 1" -cmd ".output stdout" "$@"
}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/arbiter-steady.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM

# night DIR DATE DB [rerun]: runs one night (or reruns it, from the same
# files); prints "rows seconds phase=s ...".
night() {
    start=$(date +%s.%N)
    "$ARBITER" "${4:-run}" --as-of "$2" --in "$1" --config "$CONFIG" --db "$3" \
        --reports "$scratch/reports" 2>"$scratch/log" ||
        { echo "steady: night $2 failed:" >&2; tail -3 "$scratch/log" >&2; exit 70; }
    end=$(date +%s.%N)
    rows=$(cat "$1"/*.csv | wc -l)
    files=$(ls "$1"/*.csv | wc -l)
    phases=$(sed -n 's/.*phase \([a-z]*\): .*(\([0-9.]*\) s)$/\1=\2/p' "$scratch/log" | tr '\n' ' ')
    # "phase claims: 3 refund, 2 rejected, 1 manual review, 0 pending (s)"
    claims=$(sed -n 's/.*phase claims: \([0-9]*\) refund, \([0-9]*\) rejected, \([0-9]*\) manual review, \([0-9]*\) pending.*/\1 \2 \3 \4/p' \
        "$scratch/log" | awk '{ print $1 + $2 + $3 + $4 }')
    # "checkpoint: N of M log pages copied ...": the night wrote M pages
    # into the log (and the checkpoint as many again into the database);
    # summed, should a run ever log more than one
    pages=$(sed -n 's/.*checkpoint: [0-9]* of \([0-9]*\) log pages.*/\1/p' "$scratch/log" |
        awk '{ n += $1 } END { if (NR) print n }')
    page_size=$(sql "$3" "PRAGMA page_size")
    awk -v s="$start" -v e="$end" -v r="$((rows - files))" -v p="$phases" -v c="${claims:-?}" \
        -v pages="${pages:-?}" -v ps="$page_size" 'BEGIN {
        log_mb = pages == "?" ? "?" : sprintf("%.0f", pages * ps / 1048576)
        printf "%8d rows %7.2f s   %s  log=%s MiB  claims evaluated=%s\n", r, e - s, p, log_mb, c }'
}

"$GEN" --orders "$n" --days "$days" --start "$first_night" --history 0 --seed "$seed" $ids \
    --adjudicated-per-mille "$adjudicated" --out "$scratch/in" 2>/dev/null
echo "steady state: $days nights of $n new orders into one database, $adjudicated in 1000" \
    "manual reviews adjudicated ($(nproc) CPUs)"
# prepare_last DIR: before the last night, two copies of the database it
# starts from, both compacted (VACUUM INTO): compact.db, and pruned.db
# without the closed orders DIR's files do not mention (steady-prune.sql).
prepare_last() {
    kept_log=$(wc -c <"$scratch/arbiter.db-wal" 2>/dev/null || echo 0)
    sql "$scratch/arbiter.db" "VACUUM INTO '$scratch/compact.db'"
    cp "$scratch/compact.db" "$scratch/prune-work.db"
    {
        echo ".import --csv '$1/orders.csv' o_in"
        echo ".import --csv '$1/tracking.csv' t_in"
        echo ".import --csv '$1/claims.csv' c_in"
        if [ -f "$1/overrides.csv" ]; then
            echo ".import --csv '$1/overrides.csv' v_in"
        else
            echo "CREATE TABLE v_in(claim_id TEXT);"
        fi
        echo ".read '$here/steady-prune.sql'"
        echo "VACUUM INTO '$scratch/pruned.db';"
    } >"$scratch/prune.sql"
    # the files' bad rows draw warnings from .import; they are not kept
    "$SQLITE3" "$scratch/prune-work.db" ".read '$scratch/prune.sql'" 2>/dev/null ||
        { echo "steady: pruning the database failed" >&2; exit 70; }
    rm -f "$scratch/prune-work.db"
}

# same_csvs LABEL [REVISION]: the same work: the CSVs of the last night run
# again (LABEL; revision r1 unless given) are byte for byte those of its
# own run.
same_csvs() {
    for f in decisions refunds releases rejects; do
        cmp -s "$scratch/last-reports/$f.csv" "$scratch/reports/$last_date/${2:-r1}/$f.csv" ||
            { echo "steady: $1, $f.csv differs from the night's own" >&2; exit 70; }
    done
}

# order_counts DB: the open and closed orders of a database, as "N open + M closed".
order_counts() {
    "$SQLITE3" "$1" "SELECT sum(closed_batch IS NULL) || ' open + ' ||
        sum(closed_batch IS NOT NULL) || ' closed orders' FROM orders"
}

i=0 middle=$(((days + 1) / 2))
for dir in "$scratch"/in/*/; do
    i=$((i + 1))
    d=$(basename "$dir")
    [ $i -lt "$days" ] || prepare_last "$dir"
    out=$(night "$dir" "$d" "$scratch/arbiter.db")
    case $i in 1|"$middle"|"$days") echo "  night $i ($d): $out" ;; esac
    [ $i -ne "$middle" ] || middle_out=$out
    last=$out last_date=$d last_dir=$dir
done
echo "  database: $(du -m "$scratch/arbiter.db" | cut -f1) MB"
# The disputes team's rerun of the last night, from the same files, on the
# database of all the nights: it must cost what it replays, not the history.
rerun=$(night "$last_dir" "$last_date" "$scratch/arbiter.db" rerun)
echo "  rerun of night $days on that database: $rerun"
rm -f "$scratch/arbiter.db"*
mv "$scratch/reports/$last_date/r1" "$scratch/last-reports"
same_csvs "the rerun" r2

# again LABEL DB: the last night once more, on DB (a copy of the database
# it started from), which it then removes; its CSVs must be the night's
# own. Sets again_secs to its seconds.
again() {
    [ -f "$2" ] || { echo "steady: $2, a copy of the last night's database, is missing" >&2; exit 70; }
    echo "  $1 ($(order_counts "$2"), $(du -m "$2" | cut -f1) MB):"
    # a log file of the size the last night found beside its database, zeros,
    # which SQLite reads as an empty log: so the copy's night too writes
    # over a file instead of into a new one (never copy a log beside
    # another database file: one that holds pages is replayed into it)
    head -c "$kept_log" /dev/zero >"$2-wal"
    out=$(night "$last_dir" "$last_date" "$2")
    echo "    $out"
    same_csvs "$1"
    again_secs=$(echo "$out" | awk '{ print $3 }')
    rm -rf "$scratch/reports" "$2"*
}

# The last night twice more, on the copies: what fragmentation costs, then
# what the history costs (the same rows, claims and settlements).
rm -rf "$scratch/reports"
again "the same night on its database compacted" "$scratch/compact.db"
compact=$again_secs
again "and without the closed history" "$scratch/pruned.db"
pruned=$again_secs
echo "    (both runs' decisions, refunds, releases and rejects CSVs are the night's own, byte for byte)"
rm -rf "$scratch/in" "$scratch/last-reports"

# The generator writes about 3.97 rows per order of a self-contained night.
last_rows=$(echo "$last" | awk '{ print $1 }')
orders=$(awk -v r="$last_rows" 'BEGIN { printf "%d", r / 3.97 }')
"$GEN" --orders "$orders" --start "$last_date" --seed "$seed" $ids \
    --adjudicated-per-mille "$adjudicated" --out "$scratch/first" 2>/dev/null
out=$(night "$scratch/first/$last_date" "$last_date" "$scratch/first.db")
echo "first night of the same size on an empty database: $out"
first=$(echo "$out" | awk '{ print $3 }')
echo "$last" | awk -v f="$first" -v c="$compact" -v p="$pruned" -v n="$days" \
    -v r="$(echo "$rerun" | awk '{ print $3 }')" -v m="$middle" -v mid="$middle_out" '{
    split(mid, mf) # the middle night: mf[1] rows, mf[3] seconds
    printf "night %d / first night = %.2f (target: at most 1)\n", n, $3 / f
    printf "night %d / night %d = %.2f per row (what the database grew by between them costs)\n", n, m, ($3 / $1) / (mf[3] / mf[1])
    printf "night %d / the same night compacted = %.2f, without the history = %.2f\n", n, $3 / c, $3 / p
    printf "rerun of night %d / night %d = %.2f\n", n, n, r / $3 }'
