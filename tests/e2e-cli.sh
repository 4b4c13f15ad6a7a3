#!/bin/sh
# e2e-cli.sh: the command line end to end: help and version, usage errors
# (64), configuration errors (64/66), idempotent nightly runs, report
# rewrites, the busy database (75), status and verify, and databases that
# are not arbiter's.
. "$SRCDIR/tests/lib.sh"

night=$WORK/in/2026-03-10
mkdir -p "$night"
cat >"$night/orders.csv" <<'CSV'
order_id,buyer_id,seller_id,placed_at,amount,currency,payment_method,promised_days
O-1,B1,S1,2026-03-01,100.00,USD,paypal,10
O-2,B2,S2,2026-03-02,250,JPY,alipay,3
CSV
printf 'order_id,event_at,status\nO-2,2026-03-03,lost\n' >"$night/tracking.csv"
printf 'claim_id,order_id,opened_at,reason,amount,seller_response,responded_at\n' >"$night/claims.csv"

check_exit 0 "--help" -- "$ARBITER" --help
check_grep 'arbiter COMMAND' "$WORK/out" "usage on stdout"
check_exit 0 "run --help" -- "$ARBITER" run --help
check_grep 'as-of' "$WORK/out" "run usage names its options"
check_exit 0 "--version" -- "$ARBITER" --version
check_grep '^arbiter [0-9]' "$WORK/out" "version printed"
# what cannot be written to stdout (a full disk) is an I/O error, not exit 0
if [ -w /dev/full ]; then
    CHECKS=$((CHECKS + 1))
    "$ARBITER" --version >/dev/full 2>"$WORK/err"
    rc=$?
    [ "$rc" -eq 74 ] || fail "--version into a full disk: exit $rc, want 74"
    check_grep 'cannot write to standard output: No space left on device' "$WORK/err" \
        "the failed write said"
fi
check_exit 64 "no command" -- "$ARBITER"
check_exit 64 "unknown command" -- "$ARBITER" frobnicate
check_grep "unknown command 'frobnicate'" "$WORK/err" "unknown command named"
check_exit 64 "unknown option" -- arb run --bogus
check_grep "unknown option '--bogus'" "$WORK/err" "unknown option named"
check_exit 64 "ambiguous option" -- arb run --re x
check_grep "option '--re' is ambiguous: --reports, --revision" "$WORK/err" "ambiguous option named as such"
check_exit 64 "unknown short options" -- arb run -qv
check_grep "unknown option '-q'" "$WORK/err" "the short option named, not the command"
check_exit 64 "a revision with a sign" -- arb report --as-of 2026-03-10 --revision +1
check_exit 64 "a revision with a space" -- arb report --as-of 2026-03-10 --revision ' 2'
check_grep "revision ' 2' is not a revision number" "$WORK/err" "the spaced revision named"
check_exit 64 "malformed --as-of" -- arb run --as-of 2026-02-30 --in "$night"
check_grep "as-of '2026-02-30'" "$WORK/err" "bad date named"
check_exit 64 "option of another command" -- arb status --as-of 2026-03-10
check_exit 64 "report needs --as-of" -- arb report
check_exit 64 "bad --revision" -- arb report --as-of 2026-03-10 --revision x
check_exit 64 "option without value" -- "$ARBITER" run --db
# What an unset variable in a crontab gives: an empty value, or the next
# option taken for the value; and an option given twice, whose second
# value would win unseen. Each is refused, naming the option.
check_exit 64 "an empty --reports" -- arb run --as-of 2026-03-10 --in "$night" --reports ''
check_grep "option --reports needs a value (see" "$WORK/err" "the empty value named"
check_exit 64 "an option taken for --db's value" -- "$ARBITER" run --db --quiet
check_grep "option --db needs a value, not '--quiet'" "$WORK/err" "the option taken for a value named"
check_exit 64 "--as-of twice" -- arb run --as-of 2026-03-10 --as-of 2026-03-11 --in "$night"
check_grep "option --as-of given twice" "$WORK/err" "the repeated option named"
[ ! -e ./--quiet ] || fail "a database named --quiet was made"
# A night ahead of today would release and refund by its windows, and
# every real night after it would be refused.
check_exit 64 "a night in the future" -- arb run --as-of 2062-11-04 --in "$night"
check_grep "error: --as-of 2062-11-04 is in the future (today is $(date -u +%Y-%m-%d), UTC)" \
    "$WORK/err" "the future date named"
[ ! -f "$WORK/arbiter.db" ] || fail "usage errors created a database"

printf '[protection]\nprotection_days = 15\nbogus_key = 3\n' >"$WORK/bad.conf"
check_exit 64 "unknown configuration key" -- arb run --as-of 2026-03-10 --in "$night" --config "$WORK/bad.conf"
check_grep "bad.conf:3: unknown key 'bogus_key'" "$WORK/err" "config error names file and line"
printf '[refund_timeline]\npaypal = 9,3\n' >"$WORK/bad.conf"
check_exit 64 "timeline min > max" -- arb run --as-of 2026-03-10 --in "$night" --config "$WORK/bad.conf"
check_grep "bad.conf:2: bad value" "$WORK/err" "bad value named"
check_exit 66 "missing configuration" -- arb run --as-of 2026-03-10 --in "$night" --config "$WORK/none.conf"
printf '[calendar]\nholidays = hol.csv\n' >"$WORK/hol.conf"
printf 'date,name\n2026-03-11,ok\n2026-13-01,bad\n' >"$WORK/hol.csv"
check_exit 64 "malformed holiday calendar" -- arb run --as-of 2026-03-10 --in "$night" --config "$WORK/hol.conf"
check_grep "hol.csv: row 3: bad date" "$WORK/err" "calendar error names file and row"
rm "$WORK/hol.csv"
check_exit 66 "missing holiday calendar" -- arb run --as-of 2026-03-10 --in "$night" --config "$WORK/hol.conf"
check_grep "$WORK/hol.csv: cannot read holiday calendar: No such file or directory (the \[calendar\] holidays of $WORK/hol.conf)$" \
    "$WORK/err" "the missing calendar's path and the configuration naming it"
[ ! -f "$WORK/arbiter.db" ] || fail "configuration errors created a database"
check_exit 73 "a database in a folder that is not there" -- "$ARBITER" run --as-of 2026-03-10 \
    --in "$night" --db "$WORK/no-such-folder/a.db" --reports "$WORK/reports" --quiet
check_grep "no-such-folder/a.db: cannot create the database: its folder $WORK/no-such-folder does not exist$" \
    "$WORK/err" "the missing folder named, not the lock file"
[ ! -e "$WORK/no-such-folder" ] || fail "the missing database folder was made"

# A night, then the same night again: identical inputs are a no-op that
# rewrites missing reports; different inputs are refused; earlier dates too.
check_exit 0 "first night" -- arb run --as-of 2026-03-10 --in "$night"
# Its log (WAL) is kept for the next night, empty: no committed page in
# it, and the database file alone, as a backup copies it, has the batch.
# (The sqlite3 shell deletes the log when it closes the database, unless
# told to keep it.)
[ -s "$WORK/arbiter.db-wal" ] || fail "the log was not kept for the next night"
[ "$(sqlite3 -cmd ".output /dev/null" -cmd ".filectrl persist_wal 1" -cmd ".output stdout" \
    "$WORK/arbiter.db" 'PRAGMA wal_checkpoint')" = "0|0|0" ] || fail "the kept log holds pages"
[ -s "$WORK/arbiter.db-wal" ] || fail "the kept log was deleted by the shell told to keep it"
mkdir "$WORK/backup" && cp "$WORK/arbiter.db" "$WORK/backup/"
[ "$(sqlite3 "$WORK/backup/arbiter.db" 'SELECT count(*) FROM batch WHERE finished_at IS NOT NULL')" = 1 ] ||
    fail "the database file alone lacks the batch"
rm -r "$WORK/backup"
r=$WORK/reports/2026-03-10/r1
cp "$r/refunds.csv" "$WORK/refunds.first"
before=$(db_digest)
rm "$r/refunds.csv"
check_exit 0 "same night, identical inputs" -- arb run --as-of 2026-03-10 --in "$night"
[ "$(db_digest)" = "$before" ] || fail "identical rerun changed the database"
cmp -s "$r/refunds.csv" "$WORK/refunds.first" || fail "missing report not rewritten identically"
# A re-sent file that cannot be read is an I/O error (74), as on a new
# night, not inputs that differ (65): /proc/self/mem is a regular file
# whose first read fails.
mkdir "$WORK/in/unreadable" && cp "$night"/*.csv "$WORK/in/unreadable/"
ln -sf /proc/self/mem "$WORK/in/unreadable/tracking.csv"
check_exit 74 "same night, a file that cannot be read" -- arb run --as-of 2026-03-10 \
    --in "$WORK/in/unreadable"
check_grep 'tracking.csv: read error: Input/output error$' "$WORK/err" "the unreadable file named"
printf 'O-3,B3,S3,2026-03-05,1.00,USD,paypal,5\n' >>"$night/orders.csv"
check_exit 65 "same night, different inputs" -- arb run --as-of 2026-03-10 --in "$night"
check_grep "not after the latest committed batch 2026-03-10" "$WORK/err" "refusal explained"
check_exit 65 "an earlier night" -- arb run --as-of 2026-03-09 --in "$night"
[ "$(db_digest)" = "$before" ] || fail "refused runs changed the database"

# report rewrites the CSVs byte for byte and the workbook.
for f in decisions refunds releases rejects; do cp "$r/$f.csv" "$WORK/$f.kept"; done
rm -r "$r"
check_exit 0 "report rebuilds a batch" -- arb report --as-of 2026-03-10
for f in decisions refunds releases rejects; do
    cmp -s "$r/$f.csv" "$WORK/$f.kept" || fail "report: $f.csv differs from the run's"
done
[ -s "$r/arbiter-2026-03-10-r1.xlsx" ] || fail "report: workbook not written"
check_exit 65 "report of an unknown batch" -- arb report --as-of 2026-01-01
check_exit 65 "report of an unknown revision" -- arb report --as-of 2026-03-10 --revision 7

# The lost JPY order is refunded by rule 18 on a Tuesday: alipay 3..5 days.
check_grep '^RF-O-2,O-2,,B2,alipay,250,JPY,2026-03-10,2026-03-10,2026-03-13,2026-03-17,LOST_REFUND$' \
    "$r/refunds.csv" "lost order refunded"

# A new database has 64 KiB pages.
[ "$(sqlite3 "$WORK/arbiter.db" 'PRAGMA page_size')" = 65536 ] || fail "new database page size"

# --config is common to all commands: the ones that do not use it still
# check it, so that a typo in the crontab line shows on the first night.
for cmd in status verify "report --as-of 2026-03-10"; do
    # shellcheck disable=SC2086 # the command and its options, split
    check_exit 66 "$cmd, missing configuration" -- arb $cmd --config "$WORK/none.conf"
    check_grep "none.conf" "$WORK/err" "$cmd names the missing configuration"
    # shellcheck disable=SC2086
    check_exit 64 "$cmd, bad configuration" -- arb $cmd --config "$WORK/bad.conf"
    check_grep "bad.conf:2: bad value" "$WORK/err" "$cmd names the bad line"
done
check_exit 0 "status" -- arb status
check_grep '^batch as_of=2026-03-10 revision=1 in_effect=yes' "$WORK/out" "status lists the batch"
check_grep '^escrow currency=USD open_orders=1 amount=100.00$' "$WORK/out" "status shows escrow held"
check_grep '^refunds payment_method=alipay currency=JPY count=1 amount=250$' "$WORK/out" "status shows refunds"
[ -w /dev/full ] && check_exit 74 "status into a full disk" -- sh -c '"$@" >/dev/full' sh \
    "$ARBITER" status --db "$WORK/arbiter.db" --quiet
check_exit 0 "verify" -- arb verify
check_grep '^verify: ok$' "$WORK/out" "verify ok"

# A ledger that no longer balances is reported with the order, exit 1.
cp "$WORK/arbiter.db" "$WORK/broken.db"
sqlite3 "$WORK/broken.db" "UPDATE ledger_txn SET escrow = escrow + 1 WHERE escrow = 10000"
check_exit 1 "verify finds a broken ledger" -- "$ARBITER" verify --db "$WORK/broken.db"
check_grep 'BROKEN transaction legs do not sum to zero: O-1' "$WORK/out" "broken posting named"
check_grep 'BROKEN escrow balance differs from the open orders: USD' "$WORK/out" "escrow mismatch named"

# The summary tables the workbook reads are checked against the ledger and
# the orders they summarise.
cp "$WORK/arbiter.db" "$WORK/broken.db"
sqlite3 "$WORK/broken.db" "UPDATE ledger_day SET amount = amount + 1 WHERE currency = 'USD'
    AND kind = 'capture' AND account = 'escrow'; UPDATE open_book SET orders = orders + 1"
check_exit 1 "verify finds stale summaries" -- "$ARBITER" verify --db "$WORK/broken.db"
check_grep '^BROKEN ledger_day differs from the ledger: USD capture escrow: day ' "$WORK/out" \
    "stale ledger_day named"
check_grep '^BROKEN open_book differs from the open orders: ' "$WORK/out" "stale open_book named"

# A batch's postings are found by its range of ledger ids: one outside it
# would be missed by the batch's own checks and a rerun's snapshot.
cp "$WORK/arbiter.db" "$WORK/broken.db"
sqlite3 "$WORK/broken.db" "UPDATE batch SET last_txn = last_txn - 1"
check_exit 1 "verify finds a posting outside its batch's range" -- \
    "$ARBITER" verify --db "$WORK/broken.db"
check_grep "^BROKEN a posting lies outside its batch's range of ids: .*: transaction [0-9]* of batch 1 outside 1\.\.[0-9]*$" \
    "$WORK/out" "the posting outside the range named"

# A damaged page (a backup restored beside another database's log, a bad
# disk) is found by SQLite's own check of the file before the ledger is
# read: the header of the orders table's first page zeroed.
# damage_table TABLE: a copy of the database in broken.db, with the header
# of TABLE's first page zeroed; its page number in $root.
damage_table() {
    cp "$WORK/arbiter.db" "$WORK/broken.db"
    root=$(sqlite3 "$WORK/broken.db" "SELECT rootpage FROM sqlite_schema WHERE name = '$1'")
    dd if=/dev/zero of="$WORK/broken.db" bs=1 count=12 seek=$(((root - 1) * 65536)) \
        conv=notrunc status=none
}
damage_table orders
check_exit 1 "verify finds a damaged page" -- "$ARBITER" verify --db "$WORK/broken.db"
check_grep "^BROKEN database file: Page $root: btreeInitPage" "$WORK/out" "the damaged page named"
check_grep '^verify: [1-9][0-9]* problem(s)$' "$WORK/out" "and counted"
grep -q '^BROKEN database file: \*\*\*' "$WORK/out" && fail "quick_check's heading is no problem"
check_exit 1 "verify leaves the damage as it found it" -- "$ARBITER" verify --db "$WORK/broken.db"
check_grep "^BROKEN database file: Page $root: btreeInitPage" "$WORK/out" "the same page named again"

# Every other command stops at that damage with exit 74, the file's fault
# (70, arbiter's own, would send the operator to a bug report), says what
# to do next, changes nothing and leaves no half-written report behind.
hint='malformed (run `arbiter verify` on this database: it lists the damage; then restore'
cp "$WORK/broken.db" "$WORK/broken.kept"
on_broken() {
    "$ARBITER" "$@" --db "$WORK/broken.db" --reports "$WORK/broken-reports" --quiet
}
check_exit 74 "a night on a damaged page" -- on_broken run --as-of 2026-03-12 --in "$night"
check_grep "database error: .*$hint" "$WORK/err" "the night tells what to do next"
check_exit 74 "status on a damaged page" -- on_broken status
check_grep "database error while reading status: .*$hint" "$WORK/err" "status tells it too"
check_exit 74 "rerun on a damaged page" -- on_broken rerun --as-of 2026-03-10
check_grep "$hint" "$WORK/err" "rerun tells it too"
cmp -s "$WORK/broken.db" "$WORK/broken.kept" || fail "the commands changed the damaged file"
# report reads no order: the refunds' first page instead, read for
# refunds.csv once decisions.csv is written
damage_table refund
check_exit 74 "report on a damaged page" -- on_broken report --as-of 2026-03-10
check_grep "refunds.csv: query error: .*$hint" "$WORK/err" "report tells it too"
[ -f "$WORK/broken-reports/2026-03-10/r1/decisions.csv" ] || fail "report: decisions.csv not written"
[ -z "$(find "$WORK/broken-reports" -name '*.tmp')" ] || fail "report left a half-written file"
# The batches' own table: not "no committed batch" (65), the damage.
damage_table batch
check_exit 74 "report on a damaged batch table" -- on_broken report --as-of 2026-03-10
check_grep "cannot read the batches: .*$hint" "$WORK/err" "report names the damage, not a missing batch"
check_exit 74 "rerun on a damaged batch table" -- on_broken rerun --as-of 2026-03-10
check_grep "$hint" "$WORK/err" "rerun names the damage, not a missing batch"
check_exit 74 "a night on a damaged batch table" -- on_broken run --as-of 2026-03-12 --in "$night"
check_grep "cannot read the batches: .*$hint" "$WORK/err" "the night stops at reading the batches"
# The overrides are first read when a claim is decided: the damage is
# found after ingest, and the failed read's reset hides it from SQLite.
damage_table override
mkdir -p "$WORK/in/claim"
cp "$night/orders.csv" "$night/tracking.csv" "$WORK/in/claim/"
printf 'claim_id,order_id,opened_at,reason,amount,seller_response,responded_at\nC-1,O-1,2026-03-11,not_received,,,\n' \
    >"$WORK/in/claim/claims.csv"
check_exit 74 "a night on a damaged page found when deciding" -- \
    on_broken run --as-of 2026-03-12 --in "$WORK/in/claim"
check_grep "deciding batch: database error: .*$hint" "$WORK/err" "the decide phase names the damage"

# So is damage to the first page, which arbiter cannot even open (exit 74
# for any other command), and a file of no bytes, which SQLite reads as an
# empty database and arbiter would fill with a new schema: no ledger to
# call sound.
cp "$WORK/arbiter.db" "$WORK/broken.db"
dd if=/dev/zero of="$WORK/broken.db" bs=1 count=12 seek=100 conv=notrunc status=none
check_exit 74 "status on a damaged first page" -- "$ARBITER" status --db "$WORK/broken.db"
check_grep "$hint" "$WORK/err" "the operator told what to do next"
check_exit 1 "verify finds a damaged first page" -- "$ARBITER" verify --db "$WORK/broken.db"
check_grep '^BROKEN database file: .*malformed' "$WORK/out" "the damaged first page named"
: >"$WORK/empty.db"
check_exit 1 "verify finds an empty file" -- "$ARBITER" verify --db "$WORK/empty.db"
check_grep '^BROKEN database file: no arbiter schema ' "$WORK/out" "the empty file named"
[ -s "$WORK/empty.db" ] && fail "verify wrote a schema into the empty file"

# A second process while a batch holds the lock: exit 75 at once, naming it.
mkdir -p "$WORK/in/2026-03-11"
cp "$night/tracking.csv" "$night/claims.csv" "$WORK/in/2026-03-11/"
head -1 "$night/orders.csv" >"$WORK/in/2026-03-11/orders.csv"
# hold SCRIPT FILE READY: runs the Python SCRIPT on FILE in the background
# ($holder), which takes its lock, then makes READY and holds it 5 s;
# returns once READY exists.
hold() {
    python3 -c "$1
open(sys.argv[2], 'w').close()
time.sleep(5)" "$2" "$3" &
    holder=$!
    i=0
    while [ ! -f "$3" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
hold '
import fcntl, sys, time
f = open(sys.argv[1], "a+")
fcntl.lockf(f, fcntl.LOCK_EX)
f.truncate(0); f.write("arbiter pid 4242 started at 2026-03-11T03:00:00Z\n"); f.flush()' \
    "$(realpath "$WORK/arbiter.db").lock" "$WORK/locked"
before=$(db_digest)
check_exit 75 "database busy" -- arb run --as-of 2026-03-11 --in "$WORK/in/2026-03-11"
check_grep 'database busy: arbiter pid 4242 started at 2026-03-11T03:00:00Z' "$WORK/err" "busy names the running process"
# The lock is the file's, not the path's: through a symbolic link too.
ln -s "$WORK/arbiter.db" "$WORK/link.db"
check_exit 75 "database busy through a link" -- "$ARBITER" report --as-of 2026-03-10 \
    --db "$WORK/link.db" --reports "$WORK/link-reports" --quiet
check_grep 'link.db: database busy: arbiter pid 4242' "$WORK/err" "the link finds the running process"
[ "$(db_digest)" = "$before" ] || fail "busy run changed the database"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
check_exit 0 "the next run after the holder is gone" -- arb run --as-of 2026-03-11 --in "$WORK/in/2026-03-11"

# SQLite's own lock, held by another program (a backup tool): verify too
# says retry later (75), not an I/O error.
cp "$WORK/arbiter.db" "$WORK/held.db"
hold '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA locking_mode=EXCLUSIVE")
c.execute("BEGIN EXCLUSIVE")' "$WORK/held.db" "$WORK/held"
check_exit 75 "verify while another program holds the database" -- \
    "$ARBITER" verify --db "$WORK/held.db"
check_grep 'held.db: cannot check the database file: database is locked' "$WORK/err" \
    "the lock explained"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# Files that are not arbiter databases.
printf 'this is not a database, just text that goes on for a while....\n%.0s' $(seq 1 200) >"$WORK/text.db"
check_exit 65 "not a database" -- "$ARBITER" status --db "$WORK/text.db"
check_grep 'not an arbiter database' "$WORK/err" "not-a-database message"
cp "$WORK/arbiter.db" "$WORK/future.db"
sqlite3 "$WORK/future.db" "PRAGMA user_version = 99"
check_exit 65 "newer schema" -- "$ARBITER" status --db "$WORK/future.db"
check_grep 'schema version 99 is newer' "$WORK/err" "newer schema message"
check_exit 66 "status without a database" -- "$ARBITER" status --db "$WORK/none.db"
[ ! -f "$WORK/none.db" ] || fail "status created a database"
check_exit 66 "report without a database" -- "$ARBITER" report --as-of 2026-03-10 \
    --db "$WORK/none.db" --reports "$WORK/none-reports"
[ ! -e "$WORK/none.db.lock" ] || fail "report left a lock file beside no database"
# Root on another user's database (an operator's report by hand) runs as
# that user: the lock file and the reports it makes are theirs, or their
# cron job would meet 73, and links the owner planted in their folders
# reach nothing of root's.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    owned=$(mktemp -d /tmp/arbiter-owned.XXXXXX)
    chmod 755 "$owned"
    cp "$WORK/arbiter.db" "$owned/a.db"
    chown -R 65534:65534 "$owned"
    check_exit 0 "report by root on another user's database" -- "$ARBITER" report \
        --as-of 2026-03-10 --db "$owned/a.db" --reports "$owned/reports"
    check_grep "a.db belongs to .* (uid 65534): running as them, not as root" "$WORK/err" \
        "the identity taken is logged"
    [ "$(stat -c %u:%g "$owned/a.db.lock")" = 65534:65534 ] ||
        fail "the lock file is $(stat -c %u:%g "$owned/a.db.lock"), not the database's owner's"
    [ -s "$owned/reports/2026-03-10/r1/refunds.csv" ] || fail "root's report wrote no reports"
    [ -z "$(find "$owned" ! -user 65534)" ] ||
        fail "files not the owner's: $(find "$owned" ! -user 65534 | tr '\n' ' ')"
    # a lock "file" or a report's temporary name the owner made a link to
    # one of root's files: not written, not given away
    : >"$WORK/root-only"
    chmod 644 "$WORK/root-only"
    rm "$owned/a.db.lock"
    ln -s "$WORK/root-only" "$owned/a.db.lock"
    check_exit 73 "a lock file that is a symbolic link" -- "$ARBITER" report \
        --as-of 2026-03-10 --db "$owned/a.db" --reports "$owned/reports" --quiet
    rm "$owned/a.db.lock"
    ln "$WORK/root-only" "$owned/a.db.lock"
    check_exit 73 "a lock file that is a hard link to root's file" -- "$ARBITER" report \
        --as-of 2026-03-10 --db "$owned/a.db" --reports "$owned/reports" --quiet
    rm "$owned/a.db.lock"
    ln -s "$WORK/root-only" "$owned/reports/2026-03-10/r1/refunds.csv.tmp"
    check_exit 0 "a report's temporary name linked to root's file" -- "$ARBITER" report \
        --as-of 2026-03-10 --db "$owned/a.db" --reports "$owned/reports" --quiet
    [ "$(stat -c %u:%g:%s "$WORK/root-only")" = 0:0:0 ] || fail "root's file was written or given away"
    # what root can read and the owner cannot is not read: an input, an
    # input the owner linked to root's file, a configuration
    printf 'claim_id,outcome,amount,note\nSECRET-1,refund,,root only\n' >"$WORK/root-secret.csv"
    chmod 600 "$WORK/root-secret.csv"
    sqlite3 "$owned/a.db" "SELECT count(*) FROM batch" >"$WORK/batches-before"
    check_exit 66 "root's rerun with an input only root can read" -- "$ARBITER" rerun \
        --as-of 2026-03-10 --db "$owned/a.db" --reports "$owned/reports" --quiet \
        --overrides "$WORK/root-secret.csv"
    check_grep 'root-secret.csv.*Permission denied' "$WORK/err" "the unreadable input named"
    mkdir -p "$owned/in"
    cp -r "$night" "$owned/in/2026-03-20"
    ln -s "$WORK/root-secret.csv" "$owned/in/2026-03-20/overrides.csv"
    chown -R 65534:65534 "$owned/in"
    check_exit 66 "root's run with an input the owner linked to root's file" -- "$ARBITER" \
        run --as-of 2026-03-20 --in "$owned/in/2026-03-20" --db "$owned/a.db" \
        --reports "$owned/reports" --quiet
    cp "$SRCDIR/data/arbiter.conf" "$WORK/root-only.conf"
    chmod 600 "$WORK/root-only.conf"
    check_exit 66 "root's report with a configuration only root can read" -- "$ARBITER" \
        report --as-of 2026-03-10 --db "$owned/a.db" --reports "$owned/reports" --quiet \
        --config "$WORK/root-only.conf"
    sqlite3 "$owned/a.db" "SELECT count(*) FROM batch" | cmp -s - "$WORK/batches-before" ||
        fail "a batch was committed from what only root could read"
    ! grep -rq SECRET "$owned" || fail "root's file was copied into the owner's folder"
    check_exit 66 "root's first run in another user's folder, an input only root can read" -- \
        "$ARBITER" run --as-of 2026-03-20 --in "$owned/in/2026-03-20" --db "$owned/new.db" \
        --reports "$owned/new-reports" --quiet
    check_grep "Permission denied (run by root as .*, uid 65534, the owner of the database's folder)$" \
        "$WORK/err" "the identity of a first night's folder named"
    [ ! -e "$owned/new.db" ] || fail "a first night refused for its input made a database"
    # a database made by root in a folder another user owns is theirs
    rm "$owned/in/2026-03-20/overrides.csv"
    check_exit 0 "root's first run in another user's folder" -- "$ARBITER" run \
        --as-of 2026-03-20 --in "$owned/in/2026-03-20" --db "$owned/new.db" \
        --reports "$owned/new-reports"
    check_grep "arbiter-owned.* (the database's folder) belongs to .* (uid 65534)" "$WORK/err" \
        "the identity taken for a new database is logged"
    [ -z "$(find "$owned" ! -user 65534)" ] ||
        fail "files not the owner's: $(find "$owned" ! -user 65534 | tr '\n' ' ')"
    # a lock file, a log or a shared memory file root left beside the
    # owner's database (a run before it was given to them): the error says
    # whose rights failed, even under --quiet, and what to give back.
    # refused_for_roots WANT NAME ERROR FILE: the report fails WANT, the
    # ERROR line naming the identity, a warning naming FILE and its chown.
    refused_for_roots() {
        check_exit "$1" "$2" -- "$ARBITER" report --as-of 2026-03-20 --db "$owned/new.db" \
            --reports "$owned/new-reports" --quiet
        check_grep "$3 (run by root as .*, uid 65534, the database's owner)\$" "$WORK/err" \
            "$2: the identity named"
        check_grep "warning: .*/$4 belongs to root, .*(\`chown .* .*/$4\`)" "$WORK/err" \
            "$2: the file to give back named"
    }
    rm -f "$owned/new.db.lock"
    : >"$owned/new.db.lock"
    refused_for_roots 73 "root's run on a lock file root left" \
        "new.db.lock: cannot create lock file: Permission denied" new.db.lock
    chown 65534:65534 "$owned/new.db.lock"
    python3 -c 'import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE left_open (x)")
db.commit()
os._exit(0)  # no close: the log and shared memory stay' "$owned/new.db"
    chown 0:0 "$owned/new.db-wal" "$owned/new.db-shm"
    refused_for_roots 74 "root's run on a log root left" "new.db: unable to open database file" \
        new.db-wal
    check_grep "warning: .*/new.db-shm belongs to root" "$WORK/err" "the shared memory to give back named"
    # the database's own lock, log and shared memory, root's as the
    # database is, are not another user's to give back: a run as someone
    # else that cannot open them is told nothing of a chown
    roots=$(mktemp -d /tmp/arbiter-roots.XXXXXX)
    chmod 755 "$roots"
    cp "$owned/new.db" "$roots/r.db"
    chmod 644 "$roots/r.db"
    : >"$roots/r.db.lock"
    mkdir "$roots/reports"
    chown 65534:65534 "$roots/reports"
    check_exit 73 "another user's run on root's database" -- setpriv --reuid=65534 \
        --regid=65534 --clear-groups "$ARBITER" report --as-of 2026-03-20 --db "$roots/r.db" \
        --reports "$roots/reports" --quiet
    check_grep "r.db.lock: cannot create lock file: Permission denied$" "$WORK/err" \
        "the lock refused to another user"
    ! grep -q chown "$WORK/err" || fail "a chown of the database's own files advised: $(cat "$WORK/err")"
    rm -rf "$roots"
    chown 65534:65534 "$owned/new.db-wal" "$owned/new.db-shm"
    check_exit 0 "the report once they are given back" -- "$ARBITER" report \
        --as-of 2026-03-20 --db "$owned/new.db" --reports "$owned/new-reports" --quiet
    rm -rf "$owned"
fi
# A file of no bytes is made a database only by run; status, report and
# rerun refuse it without writing into it. No command writes arbiter's
# tables into another program's database.
: >"$WORK/empty.db"
for cmd in status "report --as-of 2026-03-10" "rerun --as-of 2026-03-10"; do
    # shellcheck disable=SC2086 # the command and its options, split
    check_exit 65 "$cmd on a file of no bytes" -- "$ARBITER" $cmd --db "$WORK/empty.db" \
        --reports "$WORK/empty-reports" --quiet
    check_grep 'empty.db: not an arbiter database (an empty file: run a batch first)$' \
        "$WORK/err" "$cmd names the empty file"
    [ -s "$WORK/empty.db" ] && fail "$cmd wrote a schema into the empty file"
done
sqlite3 "$WORK/other.db" "CREATE TABLE inventory(sku TEXT)"
cp "$WORK/other.db" "$WORK/other.kept"
check_exit 65 "a night on another program's database" -- "$ARBITER" run --as-of 2026-03-10 \
    --in "$night" --db "$WORK/other.db" --reports "$WORK/other-reports" --quiet
check_grep "other.db: not an arbiter database (another program's tables)\$" "$WORK/err" \
    "the other program's database named"
cmp -s "$WORK/other.db" "$WORK/other.kept" || fail "the night wrote into another program's database"
# Nor one whose table has arbiter's name but not its schema version, nor
# one of a schema version no arbiter writes.
sqlite3 "$WORK/other.db" "CREATE TABLE batch(x)"
cp "$WORK/other.db" "$WORK/other.kept"
check_exit 65 "status on another program's batch table" -- "$ARBITER" status --db "$WORK/other.db"
check_grep "other.db: not an arbiter database (another program's tables)\$" "$WORK/err" \
    "the table of the same name is not taken for arbiter's"
cmp -s "$WORK/other.db" "$WORK/other.kept" || fail "status wrote into another program's database"
sqlite3 "$WORK/other.db" "PRAGMA user_version = -7"
cp "$WORK/other.db" "$WORK/other.kept"
check_exit 65 "a night on a negative schema version" -- "$ARBITER" run --as-of 2026-03-10 \
    --in "$night" --db "$WORK/other.db" --reports "$WORK/other-reports" --quiet
check_grep "other.db: schema version -7 is not this arbiter's" "$WORK/err" "the version named"
cmp -s "$WORK/other.db" "$WORK/other.kept" || fail "a refused file was written to"
# Another program's database in WAL mode, with a log its writer left
# uncopied (it died before closing): the refusal must not copy the log
# into the file on its way out, as closing SQLite's last connection does.
python3 -c '
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA journal_mode=WAL")
c.execute("PRAGMA wal_autocheckpoint=0")
c.execute("CREATE TABLE inventory(sku TEXT)")
c.execute("INSERT INTO inventory VALUES (\"a\")")
os._exit(0)' "$WORK/other-wal.db" || fail "python3: the WAL database"
[ -s "$WORK/other-wal.db-wal" ] || fail "the other program left no log"
cp "$WORK/other-wal.db" "$WORK/other-wal.kept"
check_exit 65 "status on another program's database with its log" -- \
    "$ARBITER" status --db "$WORK/other-wal.db"
cmp -s "$WORK/other-wal.db" "$WORK/other-wal.kept" || fail "the refusal checkpointed another program's log"
[ -s "$WORK/other-wal.db-wal" ] || fail "the refusal removed another program's log"
# Nor one its program holds locked: retry later (75), not written to.
cp "$WORK/other.kept" "$WORK/other.db"
hold '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA locking_mode=EXCLUSIVE")
c.execute("BEGIN EXCLUSIVE")' "$WORK/other.db" "$WORK/other.held"
check_exit 75 "a night on another program's database it holds locked" -- "$ARBITER" run \
    --as-of 2026-03-10 --in "$night" --db "$WORK/other.db" --reports "$WORK/other-reports" --quiet
check_grep 'other.db: database is locked$' "$WORK/err" "the lock named"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
cmp -s "$WORK/other.db" "$WORK/other.kept" || fail "a locked foreign file was written to"
check_exit 0 "a night makes a database of a file of no bytes" -- "$ARBITER" run --as-of 2026-03-10 \
    --in "$night" --db "$WORK/empty.db" --reports "$WORK/empty-reports" --quiet
check_exit 0 "which then checks out" -- "$ARBITER" verify --db "$WORK/empty.db"

finish
