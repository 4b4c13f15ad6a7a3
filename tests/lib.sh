# tests/lib.sh: helpers for the end-to-end tests. Each test script sources
# it, builds input folders in a scratch directory, runs the real binary and
# compares its outputs and exit codes. Environment: ARBITER (the binary),
# SRCDIR (the source tree), KEEP_WORK (set: the scratch directory is left
# for a look at what a failing test saw).
set -u
ARBITER=${ARBITER:-$(pwd)/src/arbiter}
SRCDIR=${SRCDIR:-$(pwd)}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/arbiter-e2e.XXXXXX")
[ -n "${KEEP_WORK:-}" ] || trap 'rm -rf "$WORK"' EXIT
FAILURES=0
CHECKS=0

# Each failure is also a line in $WORK/failures: a check run on the right
# of a pipe (`... | check_file`) runs in a subshell, whose FAILURES the
# script never sees, and finish counts its lines: one per failure, the
# message's own line breaks (a stderr quoted in it) made spaces.
fail() {
    echo "FAIL: $*" >&2
    FAILURES=$((FAILURES + 1))
    printf '%s\n' "$*" | tr '\n' ' ' >>"$WORK/failures"
    echo >>"$WORK/failures"
}

# check_exit WANT DESCRIPTION -- COMMAND...: runs COMMAND, compares its exit code.
check_exit() {
    want=$1 what=$2
    shift 3
    CHECKS=$((CHECKS + 1))
    "$@" >"$WORK/out" 2>"$WORK/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$what: exit $got, want $want; stderr: $(tail -n 3 "$WORK/err")"
        return 1
    fi
    return 0
}

# check_workbook FOLDER WHAT [OPTION...]: the workbook in FOLDER read back
# and checked against the CSVs beside it (tests/workbook_check.py, given
# the options, e.g. --text T); skipped when /usr/bin/python3 has no
# openpyxl (setup.sh installs it).
check_workbook() {
    /usr/bin/python3 -c 'import openpyxl' 2>/dev/null || return 0
    CHECKS=$((CHECKS + 1))
    folder=$1 what=$2
    shift 2
    /usr/bin/python3 "$SRCDIR/tests/workbook_check.py" "$@" "$folder" >"$WORK/wb.out" 2>&1 ||
        fail "$what: $(cat "$WORK/wb.out")"
}

# check_file FILE DESCRIPTION: compares FILE with the text on stdin.
check_file() {
    CHECKS=$((CHECKS + 1))
    if [ ! -f "$1" ]; then
        fail "$2: $1 not written"
        return 1
    fi
    if ! diff -u - "$1" >"$WORK/diff"; then
        fail "$2: $1 differs:"
        cat "$WORK/diff" >&2
        return 1
    fi
}

# check_grep PATTERN FILE DESCRIPTION: FILE has a line matching PATTERN.
check_grep() {
    CHECKS=$((CHECKS + 1))
    grep -q -e "$1" "$2" || fail "$3: no line matching '$1' in $(basename "$2"): $(head -c 300 "$2")"
}

# arb ARGS...: the binary with the scratch database and reports folder.
arb() {
    "$ARBITER" "$@" --db "$WORK/arbiter.db" --reports "$WORK/reports" --quiet
}

# db_digest [DB]: a fingerprint of the contents of DB (the test's database), to show it unchanged.
db_digest() {
    db=${1:-$WORK/arbiter.db}
    if [ -f "$db" ]; then
        sqlite3 "$db" .dump | sha256sum | cut -d' ' -f1
    else
        echo none
    fi
}

# finish: prints the summary line and exits with the test's verdict.
finish() {
    FAILURES=$(cat "$WORK/failures" 2>/dev/null | wc -l)
    echo "$((CHECKS - FAILURES)) passed, $FAILURES failed"
    [ "$FAILURES" -eq 0 ]
    exit $?
}
