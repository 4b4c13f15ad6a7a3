#!/bin/sh
# e2e-ingest.sh: ingestion end to end on real files: one night with a row
# for every reject reason (expected rejects.csv written by hand from SPEC
# section 2), the duplicate and upsert rules, the reject threshold (exit 65,
# failed/rejects.csv, database unchanged), missing files (exit 66) and
# missing columns (exit 65).
. "$SRCDIR/tests/lib.sh"

night=$WORK/in/2026-03-10
mkdir -p "$night"
printf '[ingest]\nmax_reject_rate = 1\n' >"$WORK/lenient.conf"
long=$(printf 'B%.0s' $(seq 1 1025))

# orders.csv: BOM, CRLF, an extra column, a quoted multi-line field, a blank line.
{
    printf '\357\273\277order_id,buyer_id,seller_id,placed_at,amount,currency,payment_method,promised_days,note\r\n'
    printf 'O-1,B1,S1,2026-03-01,100.00,USD,paypal,10,\r\n'
    printf 'O-2,B2,S2,2026-03-02T23:30:00-05:00,5000,JPY,card_credit,7,"multi\r\nline, note"\r\n'
    printf 'O-3, B3 ,S3,2026-03-05,1.234,KWD,alipay,5,\r\n'
    printf 'O-1,B1,S1,2026-03-01,100.00,USD,paypal,10,again\r\n'
    printf 'O-1,B1,S1,2026-03-01,100.01,USD,paypal,10,\r\n'
    printf 'bad id!,B1,S1,2026-03-01,1.00,USD,paypal,10,\r\n'
    printf 'O-4,B1,S1,2026-02-30,1.00,USD,paypal,10,\r\n'
    printf 'O-5,B1,S1,2026-03-01,12.345,USD,paypal,10,\r\n'
    printf 'O-6,B1,S1,2026-03-01,1.00,usd,paypal,10,\r\n'
    printf 'O-7,B1,S1,2026-03-01,1.00,USD,crypto,10,\r\n'
    printf 'O-8,B1,S1,2026-03-01,1.00,USD,paypal,366,\r\n'
    printf 'O-9,,S1,2026-03-01,1.00,USD,paypal,10,\r\n'
    printf 'O-10,B1,S1,2026-03-10T23:00:00-02:00,1.00,USD,paypal,10,\r\n'
    printf 'O-11,B1,S1,2026-03-01,1.00,USD\r\n'
    printf 'O-12,%s,S1,2026-03-01,1.00,USD,paypal,10,\r\n' "$long"
    printf 'O-13,B\377,S1,2026-03-01,1.00,USD,paypal,10,\r\n'
    printf '\r\n'
    printf 'O-14,B1,S1,2026-03-01,1e3,USD,paypal,10,\r\n'
} >"$night/orders.csv"

cat >"$night/tracking.csv" <<'CSV'
status,order_id,event_at,carrier,tracking_number
shipped,O-1,2026-03-02,DHL,T1
shipped,O-1,2026-03-02,UPS,T1
delivered,O-1,2026-03-09T10:00:00Z,DHL,T1
shipped,NOPE,2026-03-02,DHL,T9
shipped,O-1,2026-02-28,DHL,T1
in_transit,O-1,2026-03-11,DHL,T1
arrived,O-1,2026-03-02,DHL,T1
shipped,O-1,,DHL,T1
shipped,O-1,2026-13-01,DHL,T1
shipped,bad id,2026-03-02,,
shipped,O-2,2026-03-03,,
CSV

cat >"$night/claims.csv" <<'CSV'
claim_id,order_id,opened_at,reason,amount,seller_response,responded_at
C-1,O-1,2026-03-09,not_as_described,20.00,,
C-1,O-1,2026-03-09,not_as_described,20.00,accepted,2026-03-10
C-1,O-1,2026-03-09,not_as_described,20.00,rejected,2026-03-10
C-2,NOPE,2026-03-09,not_received,,,
C-3,O-1,2026-03-09,changed_mind,,,
C-4,O-1,2026-03-09,not_received,,maybe,2026-03-10
C-5,O-1,2026-03-09,not_received,,accepted,
C-6,O-1,2026-03-09,not_as_described,100.01,,
C-7,O-1,2026-02-01,not_received,,,
C-8,O-1,2026-03-11,not_received,,,
C-9,O-3,2026-03-09,not_as_described,1.2345,,
C-10,O-2,2026-03-10,not_received,,,
C-1,O-1,2026-03-09,not_as_described,20.00,accepted,2026-03-10
CSV

cat >"$night/overrides.csv" <<'CSV'
claim_id,outcome,amount,note
C-10,refund,,"buyer said ""lost"", ok"
C-10,refund,,"buyer said ""lost"", ok"
C-10,reject,,other
NOCLAIM,refund,,
C-10,maybe,,
CSV

check_exit 0 "night with every reject reason" -- \
    arb run --as-of 2026-03-10 --in "$night" --config "$WORK/lenient.conf"
r=$WORK/reports/2026-03-10/r1
check_file "$r/rejects.csv" "rejects of every reason" <<CSV
file,row,reason,raw
orders.csv,6,duplicate_conflict,"O-1,B1,S1,2026-03-01,100.01,USD,paypal,10,"
orders.csv,7,bad_id,"bad id!,B1,S1,2026-03-01,1.00,USD,paypal,10,"
orders.csv,8,bad_date,"O-4,B1,S1,2026-02-30,1.00,USD,paypal,10,"
orders.csv,9,bad_amount,"O-5,B1,S1,2026-03-01,12.345,USD,paypal,10,"
orders.csv,10,bad_currency,"O-6,B1,S1,2026-03-01,1.00,usd,paypal,10,"
orders.csv,11,bad_payment_method,"O-7,B1,S1,2026-03-01,1.00,USD,crypto,10,"
orders.csv,12,bad_number,"O-8,B1,S1,2026-03-01,1.00,USD,paypal,366,"
orders.csv,13,missing_field,"O-9,,S1,2026-03-01,1.00,USD,paypal,10,"
orders.csv,14,future_date,"O-10,B1,S1,2026-03-10T23:00:00-02:00,1.00,USD,paypal,10,"
orders.csv,15,bad_row,"O-11,B1,S1,2026-03-01,1.00,USD"
orders.csv,16,field_too_long,"O-12,$long,S1,2026-03-01,1.00,USD,paypal,10,"
orders.csv,17,bad_encoding,"O-13,B$(printf '\377'),S1,2026-03-01,1.00,USD,paypal,10,"
orders.csv,18,bad_amount,"O-14,B1,S1,2026-03-01,1e3,USD,paypal,10,"
tracking.csv,5,unknown_order,"shipped,NOPE,2026-03-02,DHL,T9"
tracking.csv,6,before_order,"shipped,O-1,2026-02-28,DHL,T1"
tracking.csv,7,future_date,"in_transit,O-1,2026-03-11,DHL,T1"
tracking.csv,8,bad_status,"arrived,O-1,2026-03-02,DHL,T1"
tracking.csv,9,missing_field,"shipped,O-1,,DHL,T1"
tracking.csv,10,bad_date,"shipped,O-1,2026-13-01,DHL,T1"
tracking.csv,11,bad_id,"shipped,bad id,2026-03-02,,"
claims.csv,4,duplicate_conflict,"C-1,O-1,2026-03-09,not_as_described,20.00,rejected,2026-03-10"
claims.csv,5,unknown_order,"C-2,NOPE,2026-03-09,not_received,,,"
claims.csv,6,bad_reason,"C-3,O-1,2026-03-09,changed_mind,,,"
claims.csv,7,bad_response,"C-4,O-1,2026-03-09,not_received,,maybe,2026-03-10"
claims.csv,8,bad_response,"C-5,O-1,2026-03-09,not_received,,accepted,"
claims.csv,9,bad_amount,"C-6,O-1,2026-03-09,not_as_described,100.01,,"
claims.csv,10,before_order,"C-7,O-1,2026-02-01,not_received,,,"
claims.csv,11,future_date,"C-8,O-1,2026-03-11,not_received,,,"
claims.csv,12,bad_amount,"C-9,O-3,2026-03-09,not_as_described,1.2345,,"
overrides.csv,4,duplicate_conflict,"C-10,reject,,other"
overrides.csv,5,unknown_claim,"NOCLAIM,refund,,"
overrides.csv,6,bad_outcome,"C-10,maybe,,"
CSV

# O-1: SNAD accepted in time -> refund 20.00, release 80.00 with fee
# (8000 * 500 + 5000) / 10000 = 400. C-10: override refund of the whole
# JPY order. 2026-03-10 is a Tuesday: paypal 3..7 and card_credit 3..10
# business days after it.
check_file "$r/decisions.csv" "decisions of the night" <<'CSV'
claim_id,order_id,reason,status,rule,refund_amount,currency,decided_on
C-1,O-1,not_as_described,REFUND,SNAD_SELLER_ACCEPTED,20.00,USD,2026-03-10
C-10,O-2,not_received,REFUND,MANUAL_REFUND,5000,JPY,2026-03-10
CSV
check_file "$r/refunds.csv" "refunds of the night" <<'CSV'
refund_id,order_id,claim_id,buyer_id,payment_method,amount,currency,queued_on,submit_on,expected_earliest,expected_latest,rule
RF-C-1,O-1,C-1,B1,paypal,20.00,USD,2026-03-10,2026-03-10,2026-03-13,2026-03-19,SNAD_SELLER_ACCEPTED
RF-C-10,O-2,C-10,B2,card_credit,5000,JPY,2026-03-10,2026-03-10,2026-03-13,2026-03-24,MANUAL_REFUND
CSV
check_file "$r/releases.csv" "releases of the night" <<'CSV'
order_id,seller_id,gross,fee,net,currency,released_on,rule
O-1,S1,80.00,4.00,76.00,USD,2026-03-10,SNAD_SELLER_ACCEPTED
CSV
check_exit 0 "row accounting in status" -- arb status
check_grep 'rows=46 accepted=10 duplicates=4 rejected=32' "$WORK/out" "rows = accepted + duplicates + rejected"
check_exit 0 "verify after the night" -- arb verify

# Second night: an override for a claim decided the night before, and a
# response for a decided claim (a duplicate, not a change).
night2=$WORK/in/2026-03-11
mkdir -p "$night2"
printf 'order_id,buyer_id,seller_id,placed_at,amount,currency,payment_method,promised_days\n' >"$night2/orders.csv"
printf 'order_id,event_at,status\n' >"$night2/tracking.csv"
printf 'claim_id,order_id,opened_at,reason,amount,seller_response,responded_at\nC-10,O-2,2026-03-10,not_received,,accepted,2026-03-11\n' >"$night2/claims.csv"
printf 'claim_id,outcome,amount,note\nC-1,reject,,late\n' >"$night2/overrides.csv"
check_exit 0 "second night" -- arb run --as-of 2026-03-11 --in "$night2"
check_file "$WORK/reports/2026-03-11/r1/rejects.csv" "override of a decided claim" <<'CSV'
file,row,reason,raw
overrides.csv,2,claim_decided,"C-1,reject,,late"
CSV
check_exit 0 "status after the second night" -- arb status
check_grep 'as_of=2026-03-11 .* rows=2 accepted=0 duplicates=1 rejected=1' "$WORK/out" "decided claim response counted as duplicate"

# Threshold: 11 bad rows out of 12 fail the batch: exit 65, the database
# unchanged, the rejects in failed/rejects.csv.
bad=$WORK/in/2026-03-12
mkdir -p "$bad"
{
    printf 'order_id,buyer_id,seller_id,placed_at,amount,currency,payment_method,promised_days\n'
    printf 'T-0,B1,S1,2026-03-12,1.00,USD,paypal,10\n'
    for i in 1 2 3 4 5 6 7 8 9 10 11; do printf 'T-%s,B1,S1,2026-03-12,1.00,XXX,paypal,10\n' "$i"; done
} >"$bad/orders.csv"
cp "$night2/tracking.csv" "$night2/claims.csv" "$bad/"
before=$(db_digest)
check_exit 65 "reject threshold fails the batch" -- arb run --as-of 2026-03-12 --in "$bad"
check_grep 'orders.csv: 11 of 12 rows rejected' "$WORK/err" "threshold message names the file"
[ "$(db_digest)" = "$before" ] || fail "threshold: database changed"
check_grep 'orders.csv,12,bad_currency' "$WORK/reports/2026-03-12/failed/rejects.csv" "failed rejects written"
[ ! -d "$WORK/reports/2026-03-12/r1" ] || fail "threshold: r1 reports written for a failed batch"
# the rejects cannot be written (a file where the failed night's folder
# goes): the message does not send the operator to a file that is not there
mkdir -p "$WORK/blocked/2026-03-12"
: >"$WORK/blocked/2026-03-12/failed"
check_exit 65 "reject threshold, rejects not written" -- "$ARBITER" run --as-of 2026-03-12 \
    --in "$bad" --db "$WORK/arbiter.db" --reports "$WORK/blocked" --quiet
check_grep 'batch not committed (the rejects could not be written: see above)$' "$WORK/err" \
    "no rejects file promised"
[ "$(db_digest)" = "$before" ] || fail "threshold, rejects not written: database changed"

# Ten bad rows are never too many, whatever the rate.
sed -i '/T-11,/d' "$bad/orders.csv"
check_exit 0 "ten rejects pass" -- arb run --as-of 2026-03-12 --in "$bad"
# the failed run's rejects stay, and a note beside them says the night
# has been committed since, and where its own rejects are
failed=$WORK/reports/2026-03-12/failed
check_grep 'orders.csv,12,bad_currency' "$failed/rejects.csv" "failed rejects kept"
check_grep '^Batch 2026-03-12 was committed since, as revision 1, at .*: its reports, rejects included, are in ../r1/.$' \
    "$failed/SUPERSEDED.txt" "failed rejects marked superseded by r1"
# a rerun that fails the threshold is the night's latest word: the note goes
cp "$bad/orders.csv" "$WORK/ten-rejects.csv"
printf 'T-11,B1,S1,2026-03-12,1.00,XXX,paypal,10\n' >>"$bad/orders.csv"
check_exit 65 "rerun over the reject threshold" -- arb rerun --as-of 2026-03-12 --in "$bad"
[ ! -e "$failed/SUPERSEDED.txt" ] || fail "a new failure left the note that a commit superseded the failed rejects"
check_grep 'orders.csv,13,bad_currency' "$failed/rejects.csv" "the failed rerun's rejects written"
cp "$WORK/ten-rejects.csv" "$bad/orders.csv"
check_exit 0 "rerun under the reject threshold" -- arb rerun --as-of 2026-03-12 --in "$bad"
check_grep 'as revision 2, at .*are in ../r2/.$' "$failed/SUPERSEDED.txt" \
    "failed rerun's rejects marked superseded by r2"

# Missing files: exit 66 unless --allow-missing; a missing column: exit 65.
empty=$WORK/in/2026-03-13
mkdir -p "$empty"
cp "$night2/orders.csv" "$empty/"
before=$(db_digest)
check_exit 66 "missing tracking.csv" -- arb run --as-of 2026-03-13 --in "$empty"
check_grep 'tracking.csv' "$WORK/err" "missing file named"
check_exit 66 "missing --overrides file" -- arb run --as-of 2026-03-13 --in "$empty" --allow-missing --overrides "$WORK/nope.csv"
printf 'claim_id,order_id,opened_at,reason,amount,seller_response\n' >"$empty/claims.csv"
printf 'order_id,event_at,status\n' >"$empty/tracking.csv"
check_exit 65 "missing column" -- arb run --as-of 2026-03-13 --in "$empty"
check_grep "claims.csv: row 1: missing column 'responded_at'" "$WORK/err" "missing column named"
# a column given twice is refused (which of the two would be read?), and
# the columns arbiter ignores are named in its warning
printf 'claim_id,order_id,opened_at,reason,amount,seller_response,responded_at,note\n' \
    >"$empty/claims.csv"
printf 'order_id,event_at,status,order_id\n' >"$empty/tracking.csv"
check_exit 65 "a column given twice" -- arb run --as-of 2026-03-13 --in "$empty"
# a first night that fails leaves no database where there was none
check_exit 65 "a first night that fails" -- "$ARBITER" run --as-of 2026-03-13 --in "$empty" \
    --db "$WORK/first.db" --reports "$WORK/first" --quiet
for f in "$WORK/first.db" "$WORK/first.db-wal" "$WORK/first.db-shm"; do
    [ ! -e "$f" ] || fail "a failed first night left $f"
done
check_grep "tracking.csv: row 1: column 'order_id' given twice (columns 1 and 4)" "$WORK/err" \
    "the column given twice named"
printf 'order_id,event_at,status\n' >"$empty/tracking.csv"
"$ARBITER" run --as-of 2026-03-13 --in "$empty" --db "$WORK/columns.db" \
    --reports "$WORK/columns" --quiet 2>"$WORK/err" >/dev/null
check_grep "claims.csv: 1 unknown column(s) ignored: 'note'" "$WORK/err" "the ignored column named"
# A folder that is not there (a mistyped --in, a feed that never came) is
# not a night of empty files, even with --allow-missing.
check_exit 66 "a missing folder with --allow-missing" -- arb run --as-of 2026-03-13 \
    --in "$WORK/in/2026-03-31" --allow-missing
check_grep "2026-03-31: no such input folder" "$WORK/err" "the missing folder named"
[ "$(db_digest)" = "$before" ] || fail "missing input: database changed"
rm "$empty/claims.csv" "$empty/tracking.csv"
check_exit 0 "--allow-missing counts missing files as empty" -- arb run --as-of 2026-03-13 --in "$empty" --allow-missing
check_exit 0 "verify after all nights" -- arb verify

# One order's events need not come together: interleaved with another
# order's, an event already read is still a duplicate, and the earliest
# delivery wins whichever row comes first.
mix=$WORK/in/mix
mkdir -p "$mix"
printf 'order_id,buyer_id,seller_id,placed_at,amount,currency,payment_method,promised_days\nM-1,B1,S1,2026-04-01,10.00,USD,paypal,10\nM-2,B1,S1,2026-04-01,10.00,USD,paypal,10\n' >"$mix/orders.csv"
cat >"$mix/tracking.csv" <<'CSV'
order_id,event_at,status
M-1,2026-04-02,shipped
M-2,2026-04-02,shipped
M-1,2026-04-02,shipped
M-1,2026-04-06,delivered
M-2,2026-04-02,shipped
M-1,2026-04-05,delivered
M-2,2026-04-03,lost
M-1,2026-04-06,delivered
CSV
printf 'claim_id,order_id,opened_at,reason,amount,seller_response,responded_at\n' >"$mix/claims.csv"
check_exit 0 "interleaved events" -- "$ARBITER" run --as-of 2026-04-07 --in "$mix" \
    --db "$WORK/mix.db" --reports "$WORK/mix-reports" --quiet
[ "$(sqlite3 "$WORK/mix.db" "SELECT accepted || ' ' || duplicates FROM batch_file WHERE file_no = 1")" = "5 3" ] ||
    fail "interleaved events: accepted and duplicates"
[ "$(sqlite3 "$WORK/mix.db" "SELECT group_concat(order_id || ':' || coalesce(delivered_on, '-') || ':' || lost, ' ')
    FROM (SELECT * FROM orders ORDER BY order_id)")" = "M-1:20548:0 M-2:-:1" ] ||
    fail "interleaved events: delivered_on and lost"

# One refund ID per refund: a claim's refund is RF-<claim_id>, a lost or
# late order's RF-<order_id> (SPEC section 4). A new claim whose ID is
# another order's, and a new order whose ID is a stored claim's, are
# rejected (duplicate_conflict); without that, X-1's two refunds below
# (the claim's on X-2, the lost order's own) and K-1's (the claim's, then
# the order's) would share an ID, and the night would stop at exit 70.
# A claim with its own order's ID (X-3) is accepted.
ids=$WORK/in/ids-1
mkdir -p "$ids"
cat >"$ids/orders.csv" <<'CSV'
order_id,buyer_id,seller_id,placed_at,amount,currency,payment_method,promised_days
X-1,B1,S1,2026-04-01,10.00,USD,paypal,5
X-2,B2,S2,2026-04-01,20.00,USD,paypal,5
X-3,B3,S3,2026-04-01,30.00,USD,paypal,5
X-4,B4,S4,2026-04-01,40.00,USD,paypal,5
CSV
printf 'order_id,event_at,status\nX-1,2026-04-05,lost\n' >"$ids/tracking.csv"
cat >"$ids/claims.csv" <<'CSV'
claim_id,order_id,opened_at,reason,amount,seller_response,responded_at
X-1,X-2,2026-04-10,not_received,,accepted,2026-04-11
X-3,X-3,2026-04-10,not_received,,accepted,2026-04-11
K-1,X-4,2026-04-10,not_received,,,
CSV
ids_run() {
    check_exit 0 "$1" -- "$ARBITER" run --as-of "$2" --in "$3" --db "$WORK/ids.db" \
        --reports "$WORK/ids-reports" --quiet
}
ids_run "claim with another order's ID" 2026-05-01 "$ids"
check_file "$WORK/ids-reports/2026-05-01/r1/rejects.csv" "claim with another order's ID rejected" <<'CSV'
file,row,reason,raw
claims.csv,2,duplicate_conflict,"X-1,X-2,2026-04-10,not_received,,accepted,2026-04-11"
CSV
cut -d, -f1-3,12 "$WORK/ids-reports/2026-05-01/r1/refunds.csv" >"$WORK/ids-refunds"
check_file "$WORK/ids-refunds" "one refund per ID" <<'CSV'
refund_id,order_id,claim_id,rule
RF-K-1,X-4,K-1,INR_NOT_DELIVERED
RF-X-1,X-1,,LOST_REFUND
RF-X-3,X-3,X-3,INR_SELLER_ACCEPTED
CSV
ids2=$WORK/in/ids-2
mkdir -p "$ids2"
printf 'order_id,buyer_id,seller_id,placed_at,amount,currency,payment_method,promised_days\nK-1,B5,S5,2026-05-01,50.00,USD,paypal,5\nX-5,B5,S5,2026-05-01,50.00,USD,paypal,5\n' >"$ids2/orders.csv"
printf 'order_id,event_at,status\nK-1,2026-05-02,lost\n' >"$ids2/tracking.csv"
printf 'claim_id,order_id,opened_at,reason,amount,seller_response,responded_at\n' >"$ids2/claims.csv"
ids_run "order with a stored claim's ID" 2026-05-02 "$ids2"
check_file "$WORK/ids-reports/2026-05-02/r1/rejects.csv" "order with a stored claim's ID rejected" <<'CSV'
file,row,reason,raw
orders.csv,2,duplicate_conflict,"K-1,B5,S5,2026-05-01,50.00,USD,paypal,5"
tracking.csv,2,unknown_order,"K-1,2026-05-02,lost"
CSV
check_exit 0 "verify after the ID checks" -- "$ARBITER" verify --db "$WORK/ids.db" --quiet

# Row order does not matter: ingestion reads orders.csv and tracking.csv
# in the orders' key order (src/rowsort.c), and every row rule depends
# only on the rows of the same key, kept in file order. Three generated
# nights (order IDs not in date order: tools/gen --random-ids), then the
# same nights with the data rows of every file in reverse order: the same
# accounting, decisions, refunds, releases, rejects (reasons) and orders.
GEN=$(dirname "$(dirname "$ARBITER")")/tools/gen
if [ -x "$GEN" ]; then
    "$GEN" --orders 300 --days 3 --history 30 --seed 5 --random-ids --out "$WORK/gen" 2>/dev/null ||
        fail "tools/gen"
    for d in $(ls "$WORK/gen"); do
        mkdir -p "$WORK/rev/$d"
        for f in "$WORK/gen/$d"/*.csv; do
            python3 -c 'import csv, sys
rows = [r for r in csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")) if r]
w = csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline=""), lineterminator="\n")
w.writerow(rows[0]); w.writerows(rows[:0:-1])' "$f" "$WORK/rev/$d/$(basename "$f")"
        done
    done
    for set in gen rev; do
        for d in $(ls "$WORK/gen"); do
            check_exit 0 "$set night $d" -- "$ARBITER" run --as-of "$d" --in "$WORK/$set/$d" \
                --db "$WORK/$set.db" --reports "$WORK/$set-reports" --quiet
            cut -d, -f3 "$WORK/$set-reports/$d/r1/rejects.csv" | sort >"$WORK/$set-reports/$d/r1/reasons"
        done
        sqlite3 "$WORK/$set.db" "SELECT b.as_of, f.file_no, f.rows, f.accepted, f.duplicates, f.rejected
            FROM batch_file f JOIN batch b ON b.id = f.batch_id ORDER BY 1, 2;
            SELECT order_id, delivered_on, lost, closed_batch, hex(events) FROM orders ORDER BY 1" \
            >"$WORK/$set.state"
    done
    cmp -s "$WORK/gen.state" "$WORK/rev.state" || fail "reversed rows: accounting or orders differ"
    for d in $(ls "$WORK/gen"); do
        for f in decisions.csv refunds.csv releases.csv reasons; do
            cmp -s "$WORK/gen-reports/$d/r1/$f" "$WORK/rev-reports/$d/r1/$f" ||
                fail "reversed rows: $d $f differs"
        done
    done
    [ "$(wc -l <"$WORK/gen.state")" -gt 900 ] || fail "reversed rows: too few orders to compare"
fi

# A currency's escrow stays within MONEY_ESCROW_MAX (4611686018427387903
# minor units): past it the totals would wrap round (the Summary showed
# a negative escrow and status failed). Four orders of the largest KWD
# amount fit (4e18 minor units), the fifth is refused as bad_amount, a
# repeat of a stored one is still a duplicate; a later night fills the
# room to the minor unit, and the totals read back exact.
big=$WORK/in/big
mkdir -p "$big"
max=999999999999999.999
{
    echo order_id,buyer_id,seller_id,placed_at,amount,currency,payment_method,promised_days
    for i in 1 2 3 4 5 1; do echo "K-$i,B1,S1,2026-06-01,$max,KWD,paypal,5"; done
    echo "U-1,B1,S1,2026-06-01,5.00,USD,paypal,5"
} >"$big/orders.csv"
printf 'order_id,event_at,status\n' >"$big/tracking.csv"
printf 'claim_id,order_id,opened_at,reason,amount,seller_response,responded_at\n' >"$big/claims.csv"
big_run() {
    check_exit 0 "$1" -- "$ARBITER" run --as-of "$2" --in "$big" --db "$WORK/big.db" \
        --reports "$WORK/big-reports"
}
big_run "orders past the escrow ceiling" 2026-06-01
check_grep "row 6: the KWD escrow would pass 4611686018427387903 minor units" "$WORK/err" \
    "the ceiling explained in the log"
check_file "$WORK/big-reports/2026-06-01/r1/rejects.csv" "the order past the ceiling rejected" <<CSV
file,row,reason,raw
orders.csv,6,bad_amount,"K-5,B1,S1,2026-06-01,$max,KWD,paypal,5"
CSV
# the room left, 611686018427387.907 KWD: one minor unit more is refused,
# the room itself fits
sed -i '2,$d' "$big/orders.csv"
echo "K-6,B1,S1,2026-06-01,611686018427387.908,KWD,paypal,5" >>"$big/orders.csv"
echo "K-7,B1,S1,2026-06-01,611686018427387.907,KWD,paypal,5" >>"$big/orders.csv"
big_run "a later night up to the ceiling" 2026-06-02
check_file "$WORK/big-reports/2026-06-02/r1/rejects.csv" "one minor unit past it rejected" <<CSV
file,row,reason,raw
orders.csv,2,bad_amount,"K-6,B1,S1,2026-06-01,611686018427387.908,KWD,paypal,5"
CSV
check_exit 0 "status with the most escrow" -- "$ARBITER" status --db "$WORK/big.db"
check_grep "4611686018427387.903" "$WORK/out" "the KWD escrow shown exact, at the ceiling"
check_exit 0 "verify with the most escrow" -- "$ARBITER" verify --db "$WORK/big.db" --quiet

finish
