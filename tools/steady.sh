#!/bin/sh
# steady.sh: does a night get slower as the database fills up?
#
#   tools/steady.sh [-n N] [-d DAYS] [-a A] [--seed S]  (or: make bench-steady)
#
# Generates with tools/gen DAYS consecutive nights of N new orders each
# (default 50000 and 60; no backfilled history, so the database starts
# empty and every night's events, claims and settlements come from the
# nights before it), runs them one after another into one database and
# prints the time, the phases and the claims evaluated of the first, the
# middle and the last night. The disputes team adjudicates A in 1000 of
# the claims left to manual review, 1 to 4 nights later (tools/gen
# --adjudicated-per-mille; default 1000, a team that keeps up: with less,
# the manual-review backlog, which every night evaluates again, grows
# without end and there is no steady state to measure). Then it generates
# one self-contained night of about the same number of rows as the last
# one (tools/gen's usual 90 days of history in one file) and runs it on an
# empty database: "the first night of the same size". Scratch space under
# $TMPDIR (about 3 GB for the defaults), freed at the end; about 4 minutes
# on 2 cores.
#
# Run from the build folder; ARBITER, GEN and CONFIG as for tools/bench.sh.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
ARBITER=${ARBITER:-src/arbiter}
GEN=${GEN:-tools/gen}
CONFIG=${CONFIG:-$here/../data/arbiter.conf}

n=50000 days=60 seed=7 adjudicated=1000
while [ $# -gt 0 ]; do
    case $1 in
    -n) n=$2; shift 2 ;;
    -d) days=$2; shift 2 ;;
    -a) adjudicated=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "steady: unknown argument '$1' (see --help)" >&2; exit 64 ;;
    esac
done
for prog in "$ARBITER" "$GEN"; do
    [ -x "$prog" ] || { echo "steady: $prog is not built (make $prog)" >&2; exit 66; }
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/arbiter-steady.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM

# night DIR DATE DB: runs one night; prints "rows seconds phase=s ...".
night() {
    start=$(date +%s.%N)
    "$ARBITER" run --as-of "$2" --in "$1" --config "$CONFIG" --db "$3" \
        --reports "$scratch/reports" 2>"$scratch/log" ||
        { echo "steady: night $2 failed:" >&2; tail -3 "$scratch/log" >&2; exit 70; }
    end=$(date +%s.%N)
    rows=$(cat "$1"/*.csv | wc -l)
    files=$(ls "$1"/*.csv | wc -l)
    phases=$(sed -n 's/.*phase \([a-z]*\): .*(\([0-9.]*\) s)$/\1=\2/p' "$scratch/log" | tr '\n' ' ')
    # "phase claims: 3 refund, 2 rejected, 1 manual review, 0 pending (s)"
    claims=$(sed -n 's/.*phase claims: \([0-9]*\) refund, \([0-9]*\) rejected, \([0-9]*\) manual review, \([0-9]*\) pending.*/\1 \2 \3 \4/p' \
        "$scratch/log" | awk '{ print $1 + $2 + $3 + $4 }')
    awk -v s="$start" -v e="$end" -v r="$((rows - files))" -v p="$phases" -v c="${claims:-?}" \
        'BEGIN { printf "%8d rows %7.2f s   %s  claims evaluated=%s\n", r, e - s, p, c }'
}

"$GEN" --orders "$n" --days "$days" --history 0 --seed "$seed" \
    --adjudicated-per-mille "$adjudicated" --out "$scratch/in" 2>/dev/null
echo "steady state: $days nights of $n new orders into one database, $adjudicated in 1000" \
    "manual reviews adjudicated ($(nproc) CPUs)"
i=0 middle=$(((days + 1) / 2))
for dir in "$scratch"/in/*/; do
    i=$((i + 1))
    d=$(basename "$dir")
    out=$(night "$dir" "$d" "$scratch/arbiter.db")
    case $i in 1|"$middle"|"$days") echo "  night $i ($d): $out" ;; esac
    last=$out last_date=$d
done
echo "  database: $(du -m "$scratch/arbiter.db" | cut -f1) MB"
rm -rf "$scratch/in" "$scratch/reports"

# The generator writes about 3.97 rows per order of a self-contained night.
last_rows=$(echo "$last" | awk '{ print $1 }')
orders=$(awk -v r="$last_rows" 'BEGIN { printf "%d", r / 3.97 }')
"$GEN" --orders "$orders" --start "$last_date" --seed "$seed" \
    --adjudicated-per-mille "$adjudicated" --out "$scratch/first" 2>/dev/null
out=$(night "$scratch/first/$last_date" "$last_date" "$scratch/first.db")
echo "first night of the same size on an empty database: $out"
first=$(echo "$out" | awk '{ print $3 }')
echo "$last" | awk -v f="$first" '{ printf "night %d / first night = %.2f (target: at most 1)\n", '"$days"', $3 / f }'
