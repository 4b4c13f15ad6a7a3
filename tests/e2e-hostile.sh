#!/bin/sh
# e2e-hostile.sh: files no feed should ever send, and faults of the machine.
# Each must end in rejects or a clear exit code, never a crash, a hang, or
# memory that grows with a bad line; a failed run leaves the database as
# it was and no half-written report.
. "$SRCDIR/tests/lib.sh"

OH='order_id,buyer_id,seller_id,placed_at,amount,currency,payment_method,promised_days'
d=2026-03-10
dir=$WORK/in
mkdir -p "$dir"
printf 'order_id,event_at,status\n' >"$dir/tracking.csv"
printf 'claim_id,order_id,opened_at,reason,amount,seller_response,responded_at\n' >"$dir/claims.csv"
printf '[ingest]\nmax_reject_rate = 1\n' >"$WORK/lenient.conf"

# try NAME WANT: runs the night on a fresh database with the orders.csv in place.
try() {
    rm -rf "$WORK/arbiter.db" "$WORK/arbiter.db-wal" "$WORK/arbiter.db-shm" "$WORK/reports"
    check_exit "$2" "$1" -- arb run --as-of $d --in "$dir" --config "$WORK/lenient.conf"
}

: >"$dir/orders.csv"
try "empty orders.csv" 65
check_grep 'orders.csv: no header row' "$WORK/err" "empty file explained"
printf '%s\n' "$OH" >"$dir/orders.csv"
try "header-only orders.csv" 0
head -c 65536 /dev/urandom >"$dir/orders.csv"
try "binary garbage" 65
{ printf '%s\n' "$OH"; head -c 20000 /dev/urandom | tr '\n' 'x'; printf '\n'; } >"$dir/orders.csv"
try "a line of binary garbage after the header" 0
check_grep '^orders.csv,2,' "$WORK/reports/$d/r1/rejects.csv" "garbage row rejected"

# Every field of trouble in one file; expected reasons by row.
{
    printf '%s,note\n' "$OH"
    printf 'O-1,B\300\257,S1,2026-03-01,1.00,USD,paypal,5,\n'                  # 2 bad_encoding (overlong /)
    printf 'O-2,B2,S2,2026-03-01,1.00,USD,paypal,5,a\000b\n'                   # 3 bad_encoding (NUL)
    printf 'O-3,B3,S3,2026-03-01,%s,USD,paypal,5,\n' "$(printf '9%.0s' $(seq 1 40))" # 4 bad_amount
    printf 'O-4,B4,S4,9999-12-31,1.00,USD,paypal,5,\n'                         # 5 future_date
    printf 'O-5,B5,S5,0000-01-01,1.00,USD,paypal,5,\n'                         # 6 bad_date
    printf "O-6';DROP TABLE orders;--,B6,S6,2026-03-01,1.00,USD,paypal,5,\n"   # 7 bad_id
    printf '=HYPERLINK("http://x"),B7,S7,2026-03-01,1.00,USD,paypal,5,\n'      # 8 bad_row (quotes unquoted)
    printf 'O-8,B8,S8,2026-03-01,1.00,USD,paypal,5,"one\r\ntwo"\n'             # 9 accepted
    printf 'O-9,B9,S9,2026-03-01,1.00,USD,paypal,5,%s\n' "$(head -c 1048576 /dev/zero | tr '\0' 'z')" # 10 field_too_long
    printf 'O-10,B10,S10,2026-03-01,1.00,USD,paypal,5,+1-2\n'                  # 11 accepted
} >"$dir/orders.csv"
try "trouble of every kind" 0
cut -d, -f1-3 "$WORK/reports/$d/r1/rejects.csv" >"$WORK/reasons"
check_file "$WORK/reasons" "reasons of the troubled rows" <<'CSV'
file,row,reason
orders.csv,2,bad_encoding
orders.csv,3,bad_encoding
orders.csv,4,bad_amount
orders.csv,5,future_date
orders.csv,6,bad_date
orders.csv,7,bad_id
orders.csv,8,bad_row
orders.csv,10,field_too_long
CSV
check_exit 0 "orders table intact after the injection attempt" -- arb status
check_grep '^escrow currency=USD open_orders=2 amount=2.00$' "$WORK/out" "two good orders held"

# A quote out of place (text after a closing quote) rejects its own row
# and no other: each following line is a row of its own. (libcsv's lenient
# mode read the lines up to the next quote as one field: O-41 and O-42
# were neither stored nor rejected, their payments never held.)
{
    printf '%s,note\n' "$OH"
    printf 'O-40,B40,S40,2026-03-01,1.00,USD,paypal,5,"Correios" BR\n'
    printf 'O-41,B41,S41,2026-03-01,1.00,USD,paypal,5,\n'
    printf 'O-42,B42,S42,2026-03-01,1.00,USD,paypal,5,"x"\n'
} >"$dir/orders.csv"
try "a quote out of place" 0
check_file "$WORK/reports/$d/r1/rejects.csv" "the malformed row rejected, as it was" <<'CSV'
file,row,reason,raw
orders.csv,2,bad_row,"O-40,B40,S40,2026-03-01,1.00,USD,paypal,5,""Correios"" BR"
CSV
check_exit 0 "the rows after it held" -- arb status
check_grep '^escrow currency=USD open_orders=2 amount=2.00$' "$WORK/out" "O-41 and O-42 held"

# 10,000 columns in a row, and a 100 MB single line: rejects, bounded memory.
{
    printf '%s\n' "$OH"
    awk 'BEGIN { for (i = 0; i < 10000; i++) printf "c%d,", i; print "" }'
    printf 'O-20,B20,S20,2026-03-01,1.00,USD,paypal,5\n'
    head -c 104857600 /dev/zero | tr '\0' 'q'
    printf '\nO-21,B21,S21,2026-03-01,1.00,USD,paypal,5\n'
} >"$dir/orders.csv"
rm -rf "$WORK/arbiter.db" "$WORK/reports"
CHECKS=$((CHECKS + 1))
/usr/bin/time -f '%M' -o "$WORK/rss" "$ARBITER" run --as-of $d --in "$dir" --config "$WORK/lenient.conf" \
    --db "$WORK/arbiter.db" --reports "$WORK/reports" --quiet 2>"$WORK/err" || fail "wide and long rows: exit $?"
rss_kb=$(tail -n 1 "$WORK/rss")
echo "peak memory with a 100 MB line: $rss_kb KB"
# (under valgrind or the sanitizers the figure is mostly theirs: not checked)
[ -n "${ARBITER_BINARY:-}" ] || [ -n "${ARBITER_SANITIZERS:-}" ] || [ "$rss_kb" -lt 204800 ] ||
    fail "memory grew with the bad line: $rss_kb KB"
cut -d, -f1-3 "$WORK/reports/$d/r1/rejects.csv" >"$WORK/reasons"
check_file "$WORK/reasons" "wide and long rows rejected" <<'CSV'
file,row,reason
orders.csv,2,bad_row
orders.csv,4,field_too_long
CSV

# Faults: a reports folder that is a file or read-only fails (73) before
# the batch, with no database made; one the night's folder cannot be made
# in (73) leaves the batch committed and `report` rebuilds it; a full disk
# while writing the database (74) leaves it as it was; a database that is
# a folder.
printf '%s\nO-30,B30,S30,2026-03-01,1.00,USD,paypal,5\n' "$OH" >"$dir/orders.csv"
rm -rf "$WORK/arbiter.db" "$WORK/reports"
: >"$WORK/reports"
check_exit 73 "reports folder is a file" -- arb run --as-of $d --in "$dir"
check_grep "reports: cannot create folder: Not a directory" "$WORK/err" "reports error explained"
[ ! -e "$WORK/arbiter.db" ] || fail "reports folder is a file: a database was made"
rm "$WORK/reports"
# a read-only reports folder (root may write anywhere: run as nobody)
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
    as_nobody "$ARBITER" --version >/dev/null 2>&1; then
    ro=$(mktemp -d /tmp/arbiter-ro.XXXXXX)
    mkdir "$ro/reports"
    cp -R "$dir" "$ro/in"
    chown -R 65534:65534 "$ro"
    chmod 555 "$ro/reports"
    check_exit 73 "a read-only reports folder" -- as_nobody "$ARBITER" run --as-of $d \
        --in "$ro/in" --db "$ro/a.db" --reports "$ro/reports" --quiet
    check_grep "reports: cannot write into the folder: Permission denied" "$WORK/err" \
        "read-only reports folder explained"
    [ ! -e "$ro/a.db" ] || fail "read-only reports folder: a database was made"
    # the night's folder read-only: refused before the batch; with its
    # revision's folder there and writable, that is where the reports go
    chmod 755 "$ro/reports"
    mkdir -m 555 "$ro/reports/$d"
    chown 65534:65534 "$ro/reports/$d"
    check_exit 73 "a read-only night's folder" -- as_nobody "$ARBITER" run --as-of $d \
        --in "$ro/in" --db "$ro/a.db" --reports "$ro/reports" --quiet
    check_grep "reports/$d: cannot write into the folder: Permission denied (batch not committed: run the night again once that is fixed)$" \
        "$WORK/err" "read-only night's folder explained"
    [ ! -e "$ro/a.db" ] || fail "read-only night's folder: a database was made"
    chmod 755 "$ro/reports/$d"
    mkdir "$ro/reports/$d/r1"
    chown 65534:65534 "$ro/reports/$d/r1"
    chmod 555 "$ro/reports/$d"
    check_exit 0 "a read-only night's folder with its revision's writable" -- as_nobody \
        "$ARBITER" run --as-of $d --in "$ro/in" --db "$ro/a.db" --reports "$ro/reports" --quiet
    [ -s "$ro/reports/$d/r1/decisions.csv" ] || fail "no reports in the writable revision folder"
    chmod 755 "$ro/reports/$d"
    rm -rf "$ro"
fi
# the night's folder, or its revision's, a file: refused before the batch
# folder_is_file SUB NAME: with a file at reports/SUB, the night fails 73, committing nothing.
folder_is_file() {
    : >"$WORK/reports/$1"
    check_exit 73 "$2" -- arb run --as-of $d --in "$dir"
    check_grep "reports/$1: cannot create folder: Not a directory" "$WORK/err" "$2: explained"
    [ ! -e "$WORK/arbiter.db" ] || fail "$2: the batch was committed"
    rm "$WORK/reports/$1"
}
mkdir -p "$WORK/reports"
folder_is_file "$d" "the night's reports folder is a file"
mkdir "$WORK/reports/$d"
folder_is_file "$d/r1" "the night's revision folder is a file"
ln -s "$WORK/nothing-here" "$WORK/reports/$d/r1"
check_exit 73 "the night's revision folder a link to nothing" -- arb run --as-of $d --in "$dir"
check_grep "reports/$d/r1: cannot create folder: a symbolic link to nothing is there (batch not committed" \
    "$WORK/err" "the link to nothing explained"
[ ! -e "$WORK/arbiter.db" ] || fail "a link to nothing: the batch was committed"
rm "$WORK/reports/$d/r1"
check_exit 0 "the night runs once its folder can be made" -- arb run --as-of $d --in "$dir"
[ -s "$WORK/reports/$d/r1/decisions.csv" ] || fail "the night's reports were not written"
rm -r "$WORK/reports/$d/r1"
: >"$WORK/reports/$d/r1"
check_exit 73 "report into a revision folder that is a file" -- arb report --as-of $d
check_grep "reports/$d/r1: cannot create folder: Not a directory" "$WORK/err" \
    "report's folder error explained"
rm "$WORK/reports/$d/r1"
check_exit 0 "report rebuilds what could not be written" -- arb report --as-of $d
[ -s "$WORK/reports/$d/r1/decisions.csv" ] || fail "report did not rebuild the CSVs"

big=$WORK/big
mkdir -p "$big"
cp "$dir/tracking.csv" "$dir/claims.csv" "$big/"
awk -v h="$OH" 'BEGIN { print h; for (i = 0; i < 60000; i++)
    printf "Q%06d,B%d,S%d,2026-03-01,%d.00,USD,paypal,5\n", i, i, i, 1 + i % 50 }' >"$big/orders.csv"
before=$(db_digest)
check_exit 74 "disk full while writing the database" -- \
    sh -c 'ulimit -f 2048; exec "$0" "$@"' "$ARBITER" run --as-of 2026-03-11 --in "$big" \
    --db "$WORK/arbiter.db" --reports "$WORK/reports" --quiet
check_grep "$(realpath "$WORK/arbiter.db"): disk I/O error" "$WORK/err" \
    "disk full explained, naming the database"
[ "$(db_digest)" = "$before" ] || fail "disk full: database changed"
check_exit 0 "verify after the disk filled" -- arb verify
[ ! -d "$WORK/reports/2026-03-11" ] || fail "disk full: reports written for an uncommitted batch"
check_exit 0 "the night runs once there is room" -- arb run --as-of 2026-03-11 --in "$big"
# a workbook whose sheets do not fit in libxlsxwriter's temporary files
# (a file size limit: 3,000 open claims make a Claims sheet of 1.2 MB
# there, the CSVs under 250 KB) is refused, naming the part cut short,
# not renamed into place cut (libxlsxwriter itself reports success)
wide=$WORK/wide
mkdir -p "$wide"
awk -v h="$OH" 'BEGIN { print h; for (i = 0; i < 3000; i++)
    printf "W%05d,B%d,S%d,2026-03-01,%d.00,USD,paypal,5\n", i, i, i % 40, 1 + i % 50 }' >"$wide/orders.csv"
awk 'BEGIN { print "order_id,event_at,status"; for (i = 0; i < 3000; i++)
    printf "W%05d,2026-03-04,delivered\n", i }' >"$wide/tracking.csv"
awk 'BEGIN { print "claim_id,order_id,opened_at,reason,amount,seller_response,responded_at"
    for (i = 0; i < 3000; i++) printf "C%05d,W%05d,2026-03-09,not_as_described,,,\n", i, i }' \
    >"$wide/claims.csv"
check_exit 0 "a night of 3,000 open claims" -- "$ARBITER" run --as-of $d --in "$wide" \
    --db "$WORK/wide.db" --reports "$WORK/wide-reports" --quiet
check_exit 74 "a workbook whose temporary files hit a size limit" -- \
    sh -c 'ulimit -f 250; exec "$0" "$@"' "$ARBITER" report --as-of $d \
    --db "$WORK/wide.db" --reports "$WORK/limited" --quiet
check_grep 'xlsx.tmp: cannot write workbook: its part xl/worksheets/sheet[0-9]*.xml came out cut short: .* (File too large)' \
    "$WORK/err" "the cut part named with the system's reason"
[ ! -e "$WORK/limited/$d/r1/arbiter-$d-r1.xlsx" ] || fail "a cut workbook was put in place"
# a link at a report's temporary name is replaced, not written through
mkdir -p "$WORK/linked/$d/r1"
: >"$WORK/victim"
ln -s "$WORK/victim" "$WORK/linked/$d/r1/refunds.csv.tmp"
ln -s "$WORK/victim" "$WORK/linked/$d/r1/arbiter-$d-r1.xlsx.tmp"
check_exit 0 "reports over links at their temporary names" -- "$ARBITER" report --as-of $d \
    --db "$WORK/wide.db" --reports "$WORK/linked" --quiet
[ ! -s "$WORK/victim" ] || fail "a report was written through a link at its temporary name"
[ -s "$WORK/linked/$d/r1/arbiter-$d-r1.xlsx" ] || fail "no workbook beside the links"

# A batch that would break an invariant is refused (70), names it, and
# leaves the database as it was: each trigger planted in a copy breaks one
# thing. S-1 is released, S-2 (lost) refunded.
night=$WORK/settle
mkdir -p "$night"
printf '%s\nS-1,B1,S1,2026-02-01,10.00,USD,paypal,5\nS-2,B2,S1,2026-02-01,20.00,USD,paypal,5\n' \
    "$OH" >"$night/orders.csv"
printf 'order_id,event_at,status\nS-1,2026-02-02,delivered\nS-2,2026-02-03,lost\n' \
    >"$night/tracking.csv"
cp "$dir/claims.csv" "$night/"
# refuses DB TRIGGER PATTERN COMMAND...: the arbiter COMMAND on a copy of DB
# with TRIGGER planted is refused, naming PATTERN, and changes nothing.
refuses() {
    cp "$1" "$WORK/tampered.db"
    sqlite3 "$WORK/tampered.db" "$2"
    pattern=$3
    shift 3
    before=$(sqlite3 "$WORK/tampered.db" .dump | sha256sum)
    check_exit 70 "$1 breaking an invariant is refused" -- "$ARBITER" "$@" \
        --db "$WORK/tampered.db" --reports "$WORK/tampered" --quiet
    check_grep "$pattern" "$WORK/err" "the broken invariant is named"
    [ "$(sqlite3 "$WORK/tampered.db" .dump | sha256sum)" = "$before" ] || fail "refused $1 changed the database"
}
# refused TRIGGER PATTERN: the night on a tampered copy is refused, naming PATTERN.
refused() {
    refuses "$WORK/arbiter.db" "$1" "$2" run --as-of 2026-03-12 --in "$night"
}
refused "CREATE TRIGGER skim AFTER INSERT ON ledger_txn WHEN NEW.fee_revenue <> 0 BEGIN
    UPDATE ledger_txn SET fee_revenue = fee_revenue + 1 WHERE id = NEW.id; END" \
    '^BROKEN transaction legs do not sum to zero: S-1: transaction [0-9]* USD sums to 1$'
refused "CREATE TRIGGER half_cent AFTER INSERT ON ledger_txn WHEN NEW.fee_revenue <> 0 BEGIN
    UPDATE ledger_txn SET fee_revenue = fee_revenue + 0.5 WHERE id = NEW.id; END" \
    '^BROKEN transaction legs do not sum to zero: S-1: transaction [0-9]* USD sums to 0.5$'
refused "CREATE TRIGGER keep_open AFTER UPDATE OF closed_batch ON orders
    WHEN NEW.closed_batch IS NOT NULL AND NEW.order_id = 'S-1'
    BEGIN UPDATE orders SET closed_batch = NULL WHERE order_id = NEW.order_id; END" \
    '^BROKEN an order settled by the batch is not closed in full: S-1: amount 1000, refunded 0, released 1000, closed by batch -$'
refused "CREATE TRIGGER short_refund AFTER INSERT ON refund BEGIN
    UPDATE refund SET amount = amount - 1 WHERE rowid = NEW.rowid; END" \
    '^BROKEN an order settled by the batch is not closed in full: S-2: amount 2000, refunded 1999, released 0, closed by batch [0-9]*$'
# a database that fails a write mid-night: the failure itself is named
refused "CREATE TRIGGER planted AFTER INSERT ON refund BEGIN SELECT RAISE(ABORT, 'planted failure'); END" \
    'deciding batch: database error: planted failure$'
# the last one balances its legs but posts less than the release row says
refused "CREATE TRIGGER shave AFTER INSERT ON ledger_txn WHEN NEW.kind = 'release' BEGIN
    UPDATE ledger_txn SET escrow = escrow + 1, seller_payable = seller_payable - 1
    WHERE id = NEW.id; END" \
    "^BROKEN ledger postings differ from the batch's captures, refunds and releases: release USD: in effect 1000, posted 999, 0 more postings than rows$"

# An accepted order without its capture posting is refused: a night
# smaller than the database counts one capture per order accepted; a
# night larger than the database (a first night: here after one empty
# night) checks its captures against the orders it accepted, read in one
# pass over the table, and counts them too.
NO_CAPTURE="CREATE TRIGGER no_capture AFTER INSERT ON ledger_txn
    WHEN NEW.kind = 'capture' AND NEW.ref = 'S-2' BEGIN DELETE FROM ledger_txn WHERE id = NEW.id; END"
COUNTED="^BROKEN ledger postings differ from the batch's captures, refunds and releases: capture: orders accepted from orders.csv 2, capture postings 1$"
refused "$NO_CAPTURE" "$COUNTED"
empty=$WORK/empty-night
mkdir -p "$empty"
printf '%s\n' "$OH" >"$empty/orders.csv"
cp "$dir/tracking.csv" "$dir/claims.csv" "$empty/"
rm -f "$WORK/first.db"*
check_exit 0 "an empty first night" -- "$ARBITER" run --as-of 2026-03-11 --in "$empty" \
    --db "$WORK/first.db" --reports "$WORK/first" --quiet
export ARBITER_REBUILD_MIN_ORDERS=1
refuses "$WORK/first.db" "$NO_CAPTURE" \
    "^BROKEN ledger postings differ from the batch's captures, refunds and releases: capture USD: in effect 3000, posted 1000, -1 more postings than rows$" \
    run --as-of 2026-03-12 --in "$night"
check_grep "$COUNTED" "$WORK/err" "the missing capture is counted on a first night too"
unset ARBITER_REBUILD_MIN_ORDERS

# A rerun checks only what it replayed (verify_rerun), so each trigger
# below breaks an invariant inside what the rerun of 2026-03-12 changes:
# with S-2 delivered after all, its refund is cancelled (a reversal) and
# it is released instead. A refused rerun leaves the database as it was.
cp "$WORK/arbiter.db" "$WORK/settled.db"
check_exit 0 "the night to rerun commits" -- "$ARBITER" run --as-of 2026-03-12 --in "$night" \
    --db "$WORK/settled.db" --reports "$WORK/settled" --quiet
delivered=$WORK/delivered
mkdir -p "$delivered"
cp "$night/orders.csv" "$night/claims.csv" "$delivered/"
printf 'order_id,event_at,status\nS-1,2026-02-02,delivered\nS-2,2026-02-03,delivered\n' \
    >"$delivered/tracking.csv"
# refused_rerun TRIGGER PATTERN: that rerun on a tampered copy is refused, naming PATTERN.
refused_rerun() {
    refuses "$WORK/settled.db" "$1" "$2" rerun --as-of 2026-03-12 --in "$delivered"
}
cp "$WORK/settled.db" "$WORK/tampered.db"
check_exit 0 "the rerun itself is sound" -- "$ARBITER" rerun --as-of 2026-03-12 --in "$delivered" \
    --db "$WORK/tampered.db" --reports "$WORK/tampered" --quiet
check_exit 0 "and the whole database checks out after it" -- "$ARBITER" verify --db "$WORK/tampered.db"
# a rerun whose new revision's folder is a file is refused before its commit
cp "$WORK/settled.db" "$WORK/blocked.db"
mkdir -p "$WORK/blocked/2026-03-12"
: >"$WORK/blocked/2026-03-12/r2"
before=$(db_digest "$WORK/blocked.db")
check_exit 73 "a rerun whose revision folder is a file" -- "$ARBITER" rerun --as-of 2026-03-12 \
    --in "$delivered" --db "$WORK/blocked.db" --reports "$WORK/blocked" --quiet
check_grep "blocked/2026-03-12/r2: cannot create folder: Not a directory (nothing committed: rerun once that is fixed)$" "$WORK/err" \
    "the rerun's folder error explained"
[ "$(db_digest "$WORK/blocked.db")" = "$before" ] || fail "refused rerun changed the database"
refused_rerun "CREATE TRIGGER skim AFTER INSERT ON ledger_txn WHEN NEW.kind = 'reversal' BEGIN
    UPDATE ledger_txn SET fee_revenue = fee_revenue + 1 WHERE id = NEW.id; END" \
    '^BROKEN transaction legs do not sum to zero: RF-S-2: transaction [0-9]* USD sums to 1$'
refused_rerun "CREATE TRIGGER keep_refund AFTER UPDATE OF status ON refund
    WHEN NEW.status = 'cancelled' BEGIN UPDATE refund SET status = 'queued' WHERE rowid = NEW.rowid; END" \
    '^BROKEN refunded + released differs from the order amount: S-2: amount 2000, refunded 2000, released 2000 (closed)$'
refused_rerun "CREATE TRIGGER shave AFTER INSERT ON ledger_txn WHEN NEW.kind = 'release' AND NEW.ref = 'S-2'
    BEGIN UPDATE ledger_txn SET escrow = escrow + 1, seller_payable = seller_payable - 1
    WHERE id = NEW.id; END" \
    '^BROKEN ledger postings differ from the captures, refunds and releases in effect: S-2: release in effect 2000, posted 1999$'
refused_rerun "CREATE TRIGGER drift AFTER INSERT ON ledger_day WHEN NEW.account = 'escrow' BEGIN
    UPDATE ledger_day SET amount = amount + 1 WHERE as_of = NEW.as_of AND currency = NEW.currency
    AND kind = NEW.kind AND account = NEW.account; END" \
    '^BROKEN escrow balance differs from the open orders: USD: escrow [0-9]* <> open orders [0-9]* (minor units)$'
refused_rerun "CREATE TRIGGER stray AFTER INSERT ON ledger_txn WHEN NEW.kind = 'reversal' BEGIN
    UPDATE ledger_txn SET batch_id = (SELECT min(id) FROM batch) WHERE id = NEW.id; END" \
    "^BROKEN a posting lies outside its batch's range of ids: RF-S-2: transaction [0-9]* of batch 1 outside "

# A database file with a second name (a hard link) has a log and a lock
# file beside each name: a run under either name is refused (73) before it
# takes a lock or writes; status under the other name only warns.
[ -f "$WORK/arbiter.db" ] || fail "hard links: the scratch database is missing"
ln "$WORK/arbiter.db" "$WORK/linked.db"
before=$(db_digest)
check_exit 73 "a database with a second name" -- "$ARBITER" run --as-of $d --in "$dir" \
    --db "$WORK/linked.db" --reports "$WORK/r2"
check_grep "linked.db: the database file has 2 names (hard links): .*; remove the other names" \
    "$WORK/err" "the hard link named"
check_exit 73 "the same database under its first name" -- arb run --as-of $d --in "$dir"
[ "$(db_digest)" = "$before" ] || fail "hard links: the database changed"
CHECKS=$((CHECKS + 1))
[ ! -e "$WORK/linked.db.lock" ] || fail "hard links: a lock file made beside the second name"
check_exit 0 "status on a database with a second name" -- "$ARBITER" status --db "$WORK/linked.db"
check_grep "warning: .*linked.db: the database file has 2 names" "$WORK/err" "status warns of the hard link"
rm -f "$WORK/linked.db"

mkdir -p "$WORK/folder.db"
check_exit 73 "database path is a folder" -- "$ARBITER" run --as-of $d --in "$dir" --db "$WORK/folder.db" --reports "$WORK/r2"

# A FIFO given as the configuration or as an input waited for a writer
# forever, a night hung in cron: it is refused at once, like any file that
# is not a regular one (66). (timeout turns a hang into exit 124.)
mkfifo "$WORK/fifo.conf"
check_exit 66 "a FIFO as the configuration" -- timeout 20 "$ARBITER" run --as-of $d --in "$dir" \
    --config "$WORK/fifo.conf" --db "$WORK/fifo.db" --reports "$WORK/r2"
check_grep "fifo.conf: cannot read configuration: not a regular file" "$WORK/err" "the FIFO named"
mkdir -p "$WORK/fifo-in" && cp "$dir/orders.csv" "$dir/claims.csv" "$WORK/fifo-in/"
mkfifo "$WORK/fifo-in/tracking.csv"
check_exit 66 "a FIFO as an input" -- timeout 20 "$ARBITER" run --as-of $d --in "$WORK/fifo-in" \
    --db "$WORK/fifo.db" --reports "$WORK/r2"
check_grep "tracking.csv: cannot read input: not a regular file" "$WORK/err" "the FIFO input named"

finish
