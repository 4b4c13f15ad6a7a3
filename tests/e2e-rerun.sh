#!/bin/sh
# e2e-rerun.sh: reruns end to end. A carrier correction replaces an earlier
# night's tracking file and changes that night and a later one; overrides
# added for a MANUAL_REVIEW claim; a rerun that changes nothing; the
# adjustments, the ledger reversals, refund IDs never in effect twice, and
# verify after every step. Expected outputs computed by hand (SPEC 3-6).
. "$SRCDIR/tests/lib.sh"

OH='order_id,buyer_id,seller_id,placed_at,amount,currency,payment_method,promised_days'
AH='action,kind,id,order_id,amount,currency,batch'
RH='refund_id,order_id,claim_id,buyer_id,payment_method,amount,currency,queued_on,submit_on,expected_earliest,expected_latest,rule'
LH='order_id,seller_id,gross,fee,net,currency,released_on,rule'

# inputs D ORDERS TRACKING CLAIMS: writes an input folder.
inputs() {
    mkdir -p "$WORK/in/$1"
    printf '%s\n%s' "$OH" "$2" >"$WORK/in/$1/orders.csv"
    printf 'order_id,event_at,status\n%s' "$3" >"$WORK/in/$1/tracking.csv"
    printf 'claim_id,order_id,opened_at,reason,amount,seller_response,responded_at\n%s' "$4" \
        >"$WORK/in/$1/claims.csv"
}

# nights D...: runs each night from its input folder.
nights() {
    for d in "$@"; do
        check_exit 0 "night $d" -- arb run --as-of "$d" --in "$WORK/in/$d"
    done
}

# in_effect_twice: refund IDs or release orders with more than one row in effect.
in_effect_twice() {
    sqlite3 "$WORK/arbiter.db" "SELECT refund_id FROM refund WHERE status <> 'cancelled'
        GROUP BY refund_id HAVING count(*) > 1 UNION ALL SELECT order_id FROM release
        WHERE status <> 'cancelled' GROUP BY order_id HAVING count(*) > 1"
}

inputs 2026-05-04 'P1,B1,S1,2026-05-04,100.00,USD,paypal,3
P2,B2,S2,2026-05-04,200.00,EUR,card_credit,3
P3,B3,S3,2026-05-04,50.00,USD,alipay,2
' 'P1,2026-05-04,shipped
' ''
inputs 2026-05-05 '' 'P1,2026-05-05,delivered
P2,2026-05-05,lost
' ''
inputs 2026-05-06 '' '' 'Q1,P1,2026-05-06,not_as_described,30.00,rejected,2026-05-06
'
inputs 2026-05-21 '' '' ''
nights 2026-05-04 2026-05-05 2026-05-06 2026-05-21
check_grep '^RF-P2,P2,,B2,card_credit,200.00,EUR,2026-05-05,' "$WORK/reports/2026-05-05/r1/refunds.csv" "lost order refunded"
check_grep '^Q1,P1,not_as_described,MANUAL_REVIEW,SNAD_SELLER_REJECTED,,USD,$' "$WORK/reports/2026-05-21/r1/decisions.csv" "claim waits for the disputes team"

# A rerun under another configuration than the nights were built with (a
# disputes agent who left out the nightly job's --config) is refused: it
# would release with another fee, or queue refunds for other dates, and
# adjustments.csv would not say why. The database is left as it was.
before=$(db_digest)
printf '[fees]\nfee_bps = 300\n' >"$WORK/fee.conf"
check_exit 65 "rerun under another fee" -- arb rerun --as-of 2026-05-05 --config "$WORK/fee.conf"
check_grep "batch 2026-05-05 was built with another configuration: 'fee_bps = 500', now 'fee_bps = 300' (rerun with the --config it was built with)" \
    "$WORK/err" "the fee that differs named"
printf 'date,name\n2026-05-06,a holiday\n' >"$WORK/holidays.csv"
printf '[calendar]\nholidays = holidays.csv\n' >"$WORK/holidays.conf"
check_exit 65 "rerun under another calendar" -- arb rerun --as-of 2026-05-05 --config "$WORK/holidays.conf"
check_grep "configuration: this holiday calendar has 2026-05-06, the batch's had not (rerun" "$WORK/err" \
    "the holiday named"
[ "$(db_digest)" = "$before" ] || fail "a refused rerun changed the database"

# The carrier corrects 05-05: P2 was delivered, not lost. Its refund is
# cancelled; on 05-21 (delivered 05-05 + 15 days is over) it is released.
mkdir -p "$WORK/fix"
printf 'order_id,event_at,status\nP1,2026-05-05,delivered\nP2,2026-05-05,delivered\n' >"$WORK/fix/tracking.csv"
check_exit 0 "rerun with a replaced tracking file" -- arb rerun --as-of 2026-05-05 --in "$WORK/fix"
check_file "$WORK/reports/2026-05-05/r2/adjustments.csv" "adjustments of the correction" <<CSV
$AH
cancel,refund,RF-P2,P2,200.00,EUR,2026-05-05
add,release,P2,P2,200.00,EUR,2026-05-21
CSV
printf '%s\n' "$RH" | check_file "$WORK/reports/2026-05-05/r2/refunds.csv" "no refund after the correction"
check_file "$WORK/reports/2026-05-21/r2/releases.csv" "release after the correction" <<CSV
$LH
P2,S2,200.00,10.00,190.00,EUR,2026-05-21,AUTO_RELEASE
CSV
# the workbook agrees with those CSVs, its Summary's adjustment totals
# included: a refund of 200.00 EUR cancelled, a release of 200.00 added
check_workbook "$WORK/reports/2026-05-05/r2" "the correction's workbook"
cmp -s "$WORK/reports/2026-05-06/r1/decisions.csv" "$WORK/reports/2026-05-06/r2/decisions.csv" ||
    fail "unaffected night 05-06 changed"
[ ! -f "$WORK/reports/2026-05-21/r2/adjustments.csv" ] || fail "adjustments written outside batch D"
[ -s "$WORK/reports/2026-05-21/r2/arbiter-2026-05-21-r2.xlsx" ] || fail "no workbook for a new revision"
# its Adjustments sheet sends the analyst to batch D's, not "only a rerun
# changes..." in a revision a rerun made
CHECKS=$((CHECKS + 1))
python3 -c '
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
sys.exit("everything it changed, in the batch it was run for and in every later one" not in xml)' \
    "$WORK/reports/2026-05-21/r2/arbiter-2026-05-21-r2.xlsx" ||
    fail "the later revision's Adjustments sheet does not say where the rerun's adjustments are"
check_exit 0 "verify after the correction" -- arb verify
# a folder of replacements that holds none of the four files (a typo in
# a name) is refused, not a rerun that replaces nothing
mkdir -p "$WORK/misnamed"
printf 'claim_id,order_id,opened_at,reason,amount,seller_response,responded_at\n' \
    >"$WORK/misnamed/claim.csv"
before=$(db_digest)
check_exit 66 "rerun --in a folder of misnamed files" -- arb rerun --as-of 2026-09-10 \
    --in "$WORK/misnamed"
check_grep 'misnamed: holds none of orders.csv, tracking.csv, claims.csv, overrides.csv' \
    "$WORK/err" "the folder's problem named"
[ "$(db_digest)" = "$before" ] || fail "a refused rerun changed the database"
[ -z "$(in_effect_twice)" ] || fail "in effect twice: $(in_effect_twice)"
reversals=$(sqlite3 "$WORK/arbiter.db" "SELECT group_concat(ref) FROM ledger_txn WHERE kind = 'reversal'")
[ "$reversals" = "RF-P2" ] || fail "reversals: got '$reversals', want RF-P2"

# The disputes team refunds Q1: added overrides on 05-06. 30.00 of P1 goes
# back (paypal, Wednesday: 3 -> 05-11, 7 -> 05-15), 70.00 is released with
# fee (7000 * 500 + 5000) / 10000 = 350.
printf 'claim_id,outcome,amount,note\nQ1,refund,,"photos show a torn sleeve"\nQ9,reject,,typo\n' >"$WORK/q1.csv"
check_exit 0 "rerun with added overrides" -- arb rerun --as-of 2026-05-06 --overrides "$WORK/q1.csv"
# the added file's reject is an overrides.csv reject in rejects.csv (SPEC
# §6 allows no other name), and is told from the night's own on the
# workbook's Rejects sheet (tests/workbook_check.py)
check_file "$WORK/reports/2026-05-06/r3/rejects.csv" "the added file's reject named" <<'CSV'
file,row,reason,raw
overrides.csv,3,unknown_claim,"Q9,reject,,typo"
CSV
check_file "$WORK/reports/2026-05-06/r3/adjustments.csv" "adjustments of the adjudication" <<CSV
$AH
add,refund,RF-Q1,P1,30.00,USD,2026-05-06
add,release,P1,P1,70.00,USD,2026-05-06
CSV
check_file "$WORK/reports/2026-05-06/r3/refunds.csv" "the adjudicated refund" <<CSV
$RH
RF-Q1,P1,Q1,B1,paypal,30.00,USD,2026-05-06,2026-05-06,2026-05-11,2026-05-15,MANUAL_REFUND
CSV
check_grep '^P1,S1,70.00,3.50,66.50,USD,2026-05-06,MANUAL_REFUND$' "$WORK/reports/2026-05-06/r3/releases.csv" "rest of P1 released"
check_exit 0 "verify after the adjudication" -- arb verify
# the replaced revision's folder says so (its workbook was right when
# written), and names the revision in effect
check_grep '^Revision 2 of batch 2026-05-06 was replaced by revision 3\. Revision 3, written by a rerun at .*, is in effect now\.$' \
    "$WORK/reports/2026-05-06/r2/REPLACED.txt" "the replaced revision marked"
# and so does the folder of the one replaced before it, which named r2
check_grep '^Revision 1 of batch 2026-05-06 was replaced by revision 2\. Revision 3, written by a rerun at .*, is in effect now\.$' \
    "$WORK/reports/2026-05-06/r1/REPLACED.txt" "the first revision points to the one in effect"
check_grep '^those in effect are in \.\./r3/\.$' "$WORK/reports/2026-05-06/r1/REPLACED.txt" \
    "the first revision's folder names r3"
[ ! -e "$WORK/reports/2026-05-06/r3/REPLACED.txt" ] || fail "the revision in effect marked replaced"

# A cron retry of 05-06 with its nightly files, which revisions 1 and 2 were
# committed with, is a no-op: the rerun's added overrides are not undone,
# nor is the carrier's correction of 05-05 by a retry of its first files.
# Files that no revision had are still refused.
before=$(db_digest)
rm "$WORK/reports/2026-05-06/r3/decisions.csv"
check_exit 0 "a retry of a night a rerun replaced" -- "$ARBITER" run --as-of 2026-05-06 \
    --in "$WORK/in/2026-05-06" --db "$WORK/arbiter.db" --reports "$WORK/reports"
check_grep "identical inputs as revision 2; revision 3, of a rerun, is in effect: nothing to do" \
    "$WORK/err" "the retry names the revision in effect"
[ -s "$WORK/reports/2026-05-06/r3/decisions.csv" ] || fail "the retry did not rewrite the missing report"
check_exit 0 "a retry of the corrected night" -- arb run --as-of 2026-05-05 --in "$WORK/in/2026-05-05"
[ "$(db_digest)" = "$before" ] || fail "a retry after a rerun changed the database"
check_exit 65 "new files for a rerun night" -- arb run --as-of 2026-05-05 --in "$WORK/in/2026-05-04"
check_grep "inputs differ (use 'arbiter rerun')" "$WORK/err" "new files sent to rerun"

# Rerunning from 05-05 with nothing new keeps the added overrides and the
# corrected tracking: nothing changes, nothing is paid again.
before=$(sqlite3 "$WORK/arbiter.db" "SELECT count(*) FROM ledger_txn")
check_exit 0 "rerun that changes nothing" -- arb rerun --as-of 2026-05-05
printf '%s\n' "$AH" | check_file "$WORK/reports/2026-05-05/r3/adjustments.csv" "no adjustments"
after=$(sqlite3 "$WORK/arbiter.db" "SELECT count(*) FROM ledger_txn")
[ "$before" = "$after" ] || fail "an unchanged rerun posted to the ledger ($before -> $after)"
check_grep '^Q1,P1,not_as_described,REFUND,MANUAL_REFUND,30.00,USD,2026-05-06$' "$WORK/reports/2026-05-06/r4/decisions.csv" "added overrides kept"
[ -z "$(in_effect_twice)" ] || fail "in effect twice: $(in_effect_twice)"
check_exit 0 "verify after the unchanged rerun" -- arb verify

# The workbook of a replaced revision, written again by report, shows the
# escrow as it was written: 05-06 r3 (the adjudication) is now replaced by
# r4. Its Summary's escrow rows (currency to closing) must be the ones the
# rerun wrote, not the rerun's own postings against every smaller id.
escrow_rows() {
    python3 -c '
import re, sys, zipfile
xml = zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet1.xml").decode()
for row in re.findall(r"<row [^>]*>(.*?)</row>", xml):
    cells = dict(re.findall(r"<c r=\"([A-G])\d+\"[^>]*>(?:<is><t>|<v>)([^<]*)", row))
    if re.fullmatch("[A-Z]{3}", cells.get("A", "")) and "B" in cells:
        print(",".join(cells.get(k, "") for k in "ABCDEFG"))' "$1"
}
escrow_rows "$WORK/reports/2026-05-06/r3/arbiter-2026-05-06-r3.xlsx" >"$WORK/escrow.written"
[ -s "$WORK/escrow.written" ] || fail "no escrow rows read from the written workbook"
check_exit 0 "report of a replaced revision" -- "$ARBITER" report --as-of 2026-05-06 --revision 3 \
    --db "$WORK/arbiter.db" --reports "$WORK/again" --quiet
escrow_rows "$WORK/again/2026-05-06/r3/arbiter-2026-05-06-r3.xlsx" >"$WORK/escrow.again"
check_file "$WORK/escrow.written" "the replaced revision's escrow as it was written" <"$WORK/escrow.again"

# The next night goes on from the corrected state; reruns need a
# committed batch.
inputs 2026-05-22 '' '' ''
check_exit 0 "the next night after reruns" -- arb run --as-of 2026-05-22 --in "$WORK/in/2026-05-22"
check_exit 65 "rerun of a night never run" -- arb rerun --as-of 2026-05-10
check_exit 66 "rerun with a missing --in folder" -- arb rerun --as-of 2026-05-05 --in "$WORK/nowhere"
check_exit 0 "report of an older revision" -- arb report --as-of 2026-05-05 --revision 1
check_grep '^RF-P2,' "$WORK/reports/2026-05-05/r1/refunds.csv" "revision 1 report keeps its refund"
check_exit 0 "status lists revisions" -- arb status
check_grep '^batch as_of=2026-05-05 revision=3 in_effect=yes' "$WORK/out" "latest revision in effect"
check_grep '^batch as_of=2026-05-05 revision=1 in_effect=no' "$WORK/out" "first revision superseded"

# A rerun that moves a capture to another night: M1 came on 06-01 and again
# (a duplicate) on 06-02; the corrected 06-01 file drops it, so M1 is now
# captured on 06-02. Its 06-01 posting is cancelled and a 06-02 one added,
# and a later rerun from 06-02 finds that posting and pays nothing twice.
mv "$WORK/arbiter.db" "$WORK/first.db"
rm -f "$WORK/arbiter.db-wal" "$WORK/arbiter.db-shm"
inputs 2026-06-01 'M1,B1,S1,2026-06-01,100.00,USD,paypal,3
M2,B2,S2,2026-06-01,10.00,USD,paypal,3
' '' ''
inputs 2026-06-02 'M1,B1,S1,2026-06-01,100.00,USD,paypal,3
' '' ''
nights 2026-06-01 2026-06-02
mkdir -p "$WORK/drop"
printf '%s\nM2,B2,S2,2026-06-01,10.00,USD,paypal,3\n' "$OH" >"$WORK/drop/orders.csv"
# moves D DIR REV LATER LATER_REV: the rerun of D with DIR's files moves a
# capture (D's revision REV lists the adjustments read from stdin); the
# rerun from the LATER night then moves nothing (its revision LATER_REV),
# and the whole database checks out.
moves() {
    check_exit 0 "rerun of $1 that moves a capture" -- arb rerun --as-of "$1" --in "$2" </dev/null
    check_file "$WORK/reports/$1/$3/adjustments.csv" "the capture moves ($1 $3)"
    check_exit 0 "rerun from $4" -- arb rerun --as-of "$4"
    printf '%s\n' "$AH" | check_file "$WORK/reports/$4/$5/adjustments.csv" "nothing moves again ($4 $5)"
    check_exit 0 "verify after the moved capture" -- arb verify
}
moves 2026-06-01 "$WORK/drop" r2 2026-06-02 r3 <<CSV
$AH
cancel,capture,M1,M1,100.00,USD,2026-06-01
add,capture,M1,M1,100.00,USD,2026-06-02
CSV

# A rerun from a night whose capture an earlier rerun cancelled. The
# corrected 06-02 file brings M5 a night early, so the rerun from 06-02
# cancels M5's 06-03 capture by a reversal in its own first batch, of
# 06-02. The rerun from 06-03 then checks its night's postings with that
# reversal, which lies in a batch of an earlier night (verify_rerun).
inputs 2026-06-03 'M5,B5,S5,2026-06-02,40.00,USD,paypal,3
' '' ''
nights 2026-06-03
mkdir -p "$WORK/early"
printf '%s\nM1,B1,S1,2026-06-01,100.00,USD,paypal,3\nM5,B5,S5,2026-06-02,40.00,USD,paypal,3\n' \
    "$OH" >"$WORK/early/orders.csv"
moves 2026-06-02 "$WORK/early" r4 2026-06-03 r3 <<CSV
$AH
add,capture,M5,M5,40.00,USD,2026-06-02
cancel,capture,M5,M5,40.00,USD,2026-06-03
CSV

# A database written before schema version 3 can hold an order whose
# capture a rerun kept on the night it left (here M1's, moved by hand
# from 06-12 to 06-11 with its batch's range and ledger_day). A rerun from
# the order's own night cannot find it by key: it says so, checks the
# whole database and refuses, as reruns always did, rather than leave the
# order behind.
# The rerun from the capture's night moves the capture home, and then
# the order's night reruns again.
inputs 2026-06-11 'M2,B2,S2,2026-06-01,10.00,USD,paypal,3
' '' ''
inputs 2026-06-12 'M1,B1,S1,2026-06-01,100.00,USD,paypal,3
' '' ''
rm -f "$WORK/arbiter.db" "$WORK/arbiter.db-wal" "$WORK/arbiter.db-shm"
nights 2026-06-11 2026-06-12
sqlite3 "$WORK/arbiter.db" "
    UPDATE ledger_txn SET batch_id = 1 WHERE kind = 'capture' AND ref = 'M1';
    UPDATE batch SET last_txn = (SELECT last_txn FROM batch WHERE id = 2) WHERE id = 1;
    INSERT INTO ledger_day(as_of, currency, kind, account, amount)
    SELECT b.as_of, 'USD', 'capture', a.account, a.amount FROM batch b,
        (SELECT 'escrow' AS account, 10000 AS amount UNION ALL SELECT 'buyer_funds', -10000) a
    WHERE b.id = 1 ON CONFLICT DO UPDATE SET amount = amount + excluded.amount;
    UPDATE ledger_day SET amount = amount - CASE account WHEN 'escrow' THEN 10000 ELSE -10000 END
    WHERE as_of = (SELECT as_of FROM batch WHERE id = 2) AND kind = 'capture'
    AND account IN ('escrow', 'buyer_funds');"
check_exit 0 "the old database checks out" -- arb verify
before=$(db_digest)
check_exit 70 "rerun of the order's night on the old database" -- arb rerun --as-of 2026-06-12
check_grep 'captured on another night than their own' "$WORK/err" "the old capture explained"
[ "$(db_digest)" = "$before" ] || fail "refused rerun changed the old database"
check_exit 0 "rerun of the capture's night" -- arb rerun --as-of 2026-06-11
check_exit 0 "then of the order's night" -- arb rerun --as-of 2026-06-12
check_exit 0 "verify after the capture went home" -- arb verify

# A correction that changes who is paid, not how much: a claim moved to
# another order, and a release's seller (OC's capture, from the same
# buyer by the same payment method, stays). The posting in effect keeps its
# ID and amount, yet it is not the same money movement: adjustments.csv
# cancels the old one and adds the new, and the ledger books each refund
# against its own order. Before, both looked unchanged; the first
# buyer's refund stayed booked against the first order, which a later
# night refunded again (rule 19), and verify found nothing.
inputs 2026-10-20 'OA,BA,S1,2026-10-01,100.00,USD,card_credit,5
OB,BB,S2,2026-10-01,100.00,USD,card_credit,5
OC,BC,S3,2026-10-01,70.00,USD,paypal,5
' 'OA,2026-10-02,shipped
OB,2026-10-02,shipped
OC,2026-10-02,delivered
' 'C1,OA,2026-10-10,not_received,,accepted,2026-10-11
'
inputs 2026-11-06 '' '' ''
rm -f "$WORK/arbiter.db" "$WORK/arbiter.db-wal" "$WORK/arbiter.db-shm"
nights 2026-10-20
mkdir -p "$WORK/payee"
sed 's/^C1,OA,/C1,OB,/' "$WORK/in/2026-10-20/claims.csv" >"$WORK/payee/claims.csv"
sed 's/^OC,BC,S3,/OC,BC,S9,/' "$WORK/in/2026-10-20/orders.csv" >"$WORK/payee/orders.csv"
check_exit 0 "rerun that changes who is paid" -- arb rerun --as-of 2026-10-20 --in "$WORK/payee"
check_file "$WORK/reports/2026-10-20/r2/adjustments.csv" "the payees change" <<CSV
$AH
add,refund,RF-C1,OB,100.00,USD,2026-10-20
cancel,refund,RF-C1,OA,100.00,USD,2026-10-20
add,release,OC,OC,70.00,USD,2026-10-20
cancel,release,OC,OC,70.00,USD,2026-10-20
CSV
check_exit 0 "verify after the payees changed" -- arb verify
nights 2026-11-06
check_grep '^RF-OA,OA,,BA,card_credit,100.00,USD,' "$WORK/reports/2026-11-06/r1/refunds.csv" \
    "the first order, no longer refunded, is refunded by rule 19"
[ "$(sqlite3 "$WORK/arbiter.db" "SELECT group_concat(order_id || ' ' || s, ', ') FROM
    (SELECT order_id, sum(-escrow) AS s FROM ledger_txn WHERE kind <> 'capture'
     AND ref LIKE 'RF-%' GROUP BY order_id ORDER BY order_id)")" = \
    "OA 10000, OB 10000" ] || fail "each order refunded once in the ledger"
check_exit 0 "verify after the next night" -- arb verify
# and verify finds a refund booked against another order than its own
cp "$WORK/arbiter.db" "$WORK/moved.db"
sqlite3 "$WORK/moved.db" "UPDATE ledger_txn SET order_id = 'OA' WHERE kind = 'refund'
    AND ref = 'RF-C1' AND order_id = 'OB'"
check_exit 1 "verify of a refund booked against another order" -- \
    "$ARBITER" verify --db "$WORK/moved.db" --quiet
check_grep 'RF-C1: refund of order OA in effect 0, posted 10000' "$WORK/out" \
    "the order the refund is booked against named"

# A rerun whose reports cannot all be written once it is committed (a
# folder where a report's temporary file goes: a file where a revision's
# folder goes is found before the commit, e2e-hostile.sh) still writes
# every other revision's, and names the report command of the one that
# failed: 73, the rerun committed.
mkdir -p "$WORK/reports/2026-10-20/r3/decisions.csv.tmp"
check_exit 73 "rerun with one report folder in the way" -- arb rerun --as-of 2026-10-20
check_grep "arbiter report --as-of 2026-10-20 --revision 3" "$WORK/err" "the failed revision's command"
[ -f "$WORK/reports/2026-11-06/r2/refunds.csv" ] || fail "the later revision has no reports"
rmdir "$WORK/reports/2026-10-20/r3/decisions.csv.tmp"
check_exit 0 "the failed revision's reports" -- arb report --as-of 2026-10-20 --revision 3
check_exit 0 "verify after the reports" -- arb verify
# a cron retry of that night writes again a missing adjustments.csv of
# the revision in effect, as it does the other reports
rm "$WORK/reports/2026-10-20/r3/adjustments.csv"
check_exit 0 "retry of the rerun night" -- arb run --as-of 2026-10-20 --in "$WORK/in/2026-10-20"
[ -f "$WORK/reports/2026-10-20/r3/adjustments.csv" ] || fail "the retry left adjustments.csv missing"

# A mistaken adjudication corrected by a later rerun: the file that rerun
# adds is the disputes team's later word on the claim and replaces the
# earlier file's override (before, it was a duplicate_conflict and the
# mistake stood); two rows of that one file that disagree are still a
# conflict, the first standing.
inputs 2026-09-10 'V1,B1,S1,2026-09-01,100.00,USD,paypal,5
' 'V1,2026-09-03,delivered
' 'W1,V1,2026-09-05,not_as_described,30.00,rejected,2026-09-06
'
rm -f "$WORK/arbiter.db" "$WORK/arbiter.db-wal" "$WORK/arbiter.db-shm"
nights 2026-09-10
printf 'claim_id,outcome,amount,note\nW1,refund,,first look\n' >"$WORK/first.csv"
printf 'claim_id,outcome,amount,note\nW1,reject,,photos staged\nW1,refund,10.00,no\n' \
    >"$WORK/second.csv"
check_exit 0 "rerun with the first adjudication" -- arb rerun --as-of 2026-09-10 \
    --overrides "$WORK/first.csv"
check_grep '^W1,V1,not_as_described,REFUND,MANUAL_REFUND,30.00,USD,2026-09-10$' \
    "$WORK/reports/2026-09-10/r2/decisions.csv" "the first adjudication refunds"
check_exit 0 "rerun with its correction" -- arb rerun --as-of 2026-09-10 \
    --overrides "$WORK/second.csv"
check_grep '^W1,V1,not_as_described,REJECTED,MANUAL_REJECT,,USD,2026-09-10$' \
    "$WORK/reports/2026-09-10/r3/decisions.csv" "the correction stands"
check_grep 'warning: overrides.csv (added by a rerun): 1 adjudication(s) rejected, not applied' \
    "$WORK/err" "the rejected adjudication told, even with --quiet"
check_file "$WORK/reports/2026-09-10/r3/adjustments.csv" "the mistaken refund cancelled" <<CSV
$AH
cancel,refund,RF-W1,V1,30.00,USD,2026-09-10
cancel,release,V1,V1,70.00,USD,2026-09-10
CSV
check_file "$WORK/reports/2026-09-10/r3/rejects.csv" "a conflict inside one file" <<'CSV'
file,row,reason,raw
overrides.csv,3,duplicate_conflict,"W1,refund,10.00,no"
CSV
check_exit 0 "rerun once more: the correction still stands" -- arb rerun --as-of 2026-09-10
check_grep '^W1,V1,not_as_described,REJECTED,MANUAL_REJECT,,USD,2026-09-10$' \
    "$WORK/reports/2026-09-10/r4/decisions.csv" "the correction replayed"
printf '%s\n' "$AH" | check_file "$WORK/reports/2026-09-10/r4/adjustments.csv" "nothing moves again"
# a file that repeats the override in effect makes it its own word: its
# later row that disagrees is a conflict, not a replacement
printf 'claim_id,outcome,amount,note\nZZ9,reject,,unknown\nW1,reject,,photos staged\nW1,refund,5.00,no\n' \
    >"$WORK/third.csv"
check_exit 0 "rerun with a repeated adjudication" -- arb rerun --as-of 2026-09-10 \
    --overrides "$WORK/third.csv"
check_grep '^W1,V1,not_as_described,REJECTED,MANUAL_REJECT,,USD,2026-09-10$' \
    "$WORK/reports/2026-09-10/r5/decisions.csv" "the repeated adjudication stands"
# The Summary names each added file by the revision (the folder) whose
# rerun added it; r4's rerun added none.
if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
    /usr/bin/python3 - "$WORK/reports/2026-09-10/r5/arbiter-2026-09-10-r5.xlsx" >"$WORK/labels" <<'PY'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1], read_only=True)["Summary"]
for row in ws.iter_rows(values_only=True):
    if row and isinstance(row[0], str) and row[0].startswith("overrides.csv"):
        print(row[0])
PY
    check_file "$WORK/labels" "the added files named by their revisions" <<'CSV'
overrides.csv
overrides.csv added by revision 2
overrides.csv added by revision 3
overrides.csv added by revision 5
CSV
fi
# a replaced overrides.csv (--in) is still the night's first file: the
# added files win for their claims, and the rerun warns so; rejects.csv
# lists the files' rejects by row, each file's name overrides.csv
mkdir -p "$WORK/fixin"
printf 'claim_id,outcome,amount,note\nW1,refund,10.00,final word\nZZ,reject,,unknown\n' \
    >"$WORK/fixin/overrides.csv"
check_exit 0 "rerun with a replaced overrides.csv" -- arb rerun --as-of 2026-09-10 \
    --in "$WORK/fixin"
check_grep 'warning: batch 2026-09-10: the 3 overrides file(s) earlier reruns added still apply' \
    "$WORK/err" "the replaced overrides.csv's place told"
check_grep '^W1,V1,not_as_described,REJECTED,MANUAL_REJECT,,USD,2026-09-10$' \
    "$WORK/reports/2026-09-10/r6/decisions.csv" "the added files' word stands"
check_file "$WORK/reports/2026-09-10/r6/rejects.csv" "the rejects by file, then row" <<'CSV'
file,row,reason,raw
overrides.csv,2,unknown_claim,"ZZ9,reject,,unknown"
overrides.csv,3,unknown_claim,"ZZ,reject,,unknown"
overrides.csv,3,duplicate_conflict,"W1,refund,10.00,no"
overrides.csv,4,duplicate_conflict,"W1,refund,5.00,no"
CSV
check_exit 0 "verify after the correction" -- arb verify
# A partial refund agreed at last, then its amount corrected: the refund
# and V1's release change under the same IDs, and adjustments.csv's order
# (SPEC section 6) puts each add before its cancel. The workbook says, on
# both rows, to apply the cancel first (tests/workbook_check.py checks it).
printf 'claim_id,outcome,amount,note\nW1,refund,10.00,partial refund agreed\n' >"$WORK/partial.csv"
check_exit 0 "rerun with a partial refund" -- arb rerun --as-of 2026-09-10 \
    --overrides "$WORK/partial.csv"
printf 'claim_id,outcome,amount,note\nW1,refund,20.00,partial refund corrected\n' >"$WORK/partial.csv"
check_exit 0 "rerun with its amount corrected" -- arb rerun --as-of 2026-09-10 \
    --overrides "$WORK/partial.csv"
check_file "$WORK/reports/2026-09-10/r8/adjustments.csv" "changed under their IDs" <<CSV
$AH
add,refund,RF-W1,V1,20.00,USD,2026-09-10
cancel,refund,RF-W1,V1,10.00,USD,2026-09-10
add,release,V1,V1,80.00,USD,2026-09-10
cancel,release,V1,V1,90.00,USD,2026-09-10
CSV
check_workbook "$WORK/reports/2026-09-10/r8" "workbook of the corrected refund"
check_exit 0 "verify after the corrected refund" -- arb verify
# The night's orders.csv replaced by one that corrects V1's payment method
# and seller: the capture, refund and release keep their IDs and amounts
# but take from or pay someone else, so each is cancelled and added, and
# the Adjustments sheet says who and how on each row, as it was.
mkdir -p "$WORK/method"
printf '%s\nV1,B1,S2,2026-09-01,100.00,USD,card_credit,5\n' "$OH" >"$WORK/method/orders.csv"
check_exit 0 "rerun with V1's payment method and seller corrected" -- arb rerun \
    --as-of 2026-09-10 --in "$WORK/method"
check_file "$WORK/reports/2026-09-10/r9/adjustments.csv" "the payee changes listed" <<CSV
$AH
add,capture,V1,V1,100.00,USD,2026-09-10
cancel,capture,V1,V1,100.00,USD,2026-09-10
add,refund,RF-W1,V1,20.00,USD,2026-09-10
cancel,refund,RF-W1,V1,20.00,USD,2026-09-10
add,release,V1,V1,80.00,USD,2026-09-10
cancel,release,V1,V1,80.00,USD,2026-09-10
CSV
check_workbook "$WORK/reports/2026-09-10/r9" "workbook of the payee correction"
if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
    /usr/bin/python3 - "$WORK/reports/2026-09-10/r9/arbiter-2026-09-10-r9.xlsx" >"$WORK/payees" <<'PY'
import sys, openpyxl
rows = list(openpyxl.load_workbook(sys.argv[1], read_only=True)["Adjustments"].iter_rows(values_only=True))
col = {h: i for i, h in enumerate(rows[0])}
for r in rows[1:]:
    print(",".join("" if r[col[h]] is None else str(r[col[h]]) for h in
                   ("Kind", "Action", "Amount", "Fee", "Net to seller", "Buyer or seller", "Payment method")))
PY
    check_file "$WORK/payees" "who is paid and how, before and after" <<'CSV'
capture,add,100,,,B1,card_credit
capture,cancel,100,,,B1,paypal
refund,add,20,,,B1,card_credit
refund,cancel,20,,,B1,paypal
release,add,80,4,76,S2,
release,cancel,80,4,76,S1,
CSV
fi
check_exit 0 "verify after the payee correction" -- arb verify

# Seventy currencies in one night, each on ten dates placed (700 open-book
# entries): every leg and every order reaches the summaries, so the whole
# check holds, and a rerun of the next night, which checks its escrow
# against them, commits.
grep -o '"[A-Z][A-Z][A-Z]"' "$SRCDIR/src/money.c" | tr -d '"' | head -n 70 |
    awk -v h="$OH" 'BEGIN { print h } { for (d = 1; d <= 10; d++)
        printf "W-%s-%d,B1,S1,2026-07-%02d,1,%s,paypal,30\n", $1, d, d, $1 }' >"$WORK/many.csv"
[ "$(($(wc -l <"$WORK/many.csv") - 1))" -eq 700 ] || fail "the seventy-currency night has $(wc -l <"$WORK/many.csv") lines"
inputs 2026-07-20 "$(tail -n +2 "$WORK/many.csv")
" '' ''
inputs 2026-07-21 '' '' ''
rm -f "$WORK/arbiter.db" "$WORK/arbiter.db-wal" "$WORK/arbiter.db-shm"
nights 2026-07-20 2026-07-21
check_exit 0 "verify after seventy currencies" -- arb verify
check_exit 0 "rerun after seventy currencies" -- arb rerun --as-of 2026-07-21
check_exit 0 "verify after that rerun" -- arb verify

finish
