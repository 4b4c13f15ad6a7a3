#!/bin/sh
# e2e-migrate.sh: a schema version 1 database (tests/data/schema-v1.sql,
# made by the arbiter of that version: four nights and a carrier-correction
# rerun, so it holds captures, a release, a refund and its reversal) is
# upgraded on first open (to version 7 through 2, 3, 4, 5 and 6). Every leg survives the
# move into ledger_txn's columns, every carrier event the packing into
# orders.events, verify passes, and the upgraded database takes a rerun that
# reverses postings written before the upgrade, then a new night.
. "$SRCDIR/tests/lib.sh"

db=$WORK/arbiter.db
sqlite3 "$db" <"$SRCDIR/tests/data/schema-v1.sql" || fail "cannot load the version 1 dump"
legs="SELECT txn_id, account, currency, amount FROM ledger_leg WHERE amount <> 0 ORDER BY 1, 2"
sqlite3 "$db" "$legs" >"$WORK/legs-v1"
releases="SELECT * FROM release ORDER BY batch_id, order_id"
sqlite3 "$db" "$releases" >"$WORK/releases-v1"
[ -s "$WORK/releases-v1" ] || fail "fixture: no release"
[ "$(wc -l <"$WORK/legs-v1")" -eq 18 ] || fail "fixture: $(wc -l <"$WORK/legs-v1") legs, want 18"

check_exit 0 "verify upgrades the database" -- arb verify
check_grep '^verify: ok$' "$WORK/out" "verify ok after the upgrade"
[ "$(sqlite3 "$db" 'PRAGMA user_version')" = 7 ] || fail "schema version not 7"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM adjustment WHERE party IS NULL AND payment_method IS NULL
    AND fee IS NULL')" -gt 0 ] || fail "the adjustments of before the upgrade claim a payee"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM batch WHERE config IS NULL')" -gt 0 ] ||
    fail "the upgraded batches claim a configuration"
[ -n "$(sqlite3 "$db" "SELECT name FROM sqlite_schema WHERE name = 'adjustment_batch'")" ] ||
    fail "the adjustments' index by batch is missing"
[ -z "$(sqlite3 "$db" "SELECT name FROM sqlite_schema WHERE name = 'event'")" ] ||
    fail "the event table is still there"
# P1: shipped 2026-05-04 (day 20577) in batch 1, delivered 2026-05-05 in
# batch 5, packed as (date, batch << 3 | status), 4 bytes each, little-endian.
[ "$(sqlite3 "$db" "SELECT hex(events) || ' ' || delivered_on FROM orders WHERE order_id = 'P1'")" = \
    "6150000008000000625000002A000000 20578" ] || fail "P1's events not packed as they were"
[ "$(sqlite3 "$db" "SELECT count(*) || ' ' || sum(length(events)) FROM orders WHERE events IS NOT NULL")" = \
    "3 32" ] || fail "not every order's events packed"
[ "$(sqlite3 "$db" "SELECT type FROM sqlite_schema WHERE name = 'ledger_leg'")" = view ] ||
    fail "ledger_leg is not the view of the legs"
[ -z "$(sqlite3 "$db" "SELECT name FROM sqlite_schema WHERE name = 'ledger_txn_ref'")" ] ||
    fail "the ledger's index by reference is still there"
sqlite3 "$db" "$legs" | check_file "$WORK/legs-v1" "every leg kept by the upgrade"
[ -z "$(sqlite3 "$db" "SELECT name FROM sqlite_schema WHERE name = 'ledger_txn_batch'")" ] ||
    fail "the ledger's index by batch is still there"
sqlite3 "$db" "$releases" | check_file "$WORK/releases-v1" "every release kept by the upgrade"
sqlite3 "$db" "SELECT sql FROM sqlite_schema WHERE name = 'release'" | grep -q 'WITHOUT ROWID' ||
    fail "release is not a table without rowid"
[ -n "$(sqlite3 "$db" "SELECT name FROM sqlite_schema WHERE name = 'release_in_effect'")" ] ||
    fail "the index of the releases in effect is missing"
# each batch's range of ledger ids, from its postings (none: the empty 1..0)
sqlite3 "$db" "SELECT b.id, b.first_txn, b.last_txn,
    (SELECT count(*) FROM ledger_txn t WHERE t.batch_id = b.id) FROM batch b ORDER BY b.id" |
    tr '|' ' ' >"$WORK/ranges"
sqlite3 "$db" "SELECT b.id, coalesce(min(t.id), 1), coalesce(max(t.id), 0), count(t.id)
    FROM batch b LEFT JOIN ledger_txn t ON t.batch_id = b.id GROUP BY b.id ORDER BY b.id" |
    tr '|' ' ' | check_file "$WORK/ranges" "each batch's range of postings"
grep -q ' 1 0 0$' "$WORK/ranges" || fail "fixture: no batch without postings"
[ "$(sqlite3 "$db" "SELECT count(*) FROM batch WHERE first_txn IS NOT NULL")" -ge 4 ] ||
    fail "fewer than 4 batches with postings"
check_exit 0 "status after the upgrade" -- arb status
check_grep '^escrow currency=USD open_orders=2 amount=150.00$' "$WORK/out" "escrow held unchanged"
# The rerun made before the upgrade kept no payee, method or fee: its
# Adjustments rows say so, where a blank fee looked like one left out.
check_exit 0 "report of the rerun made before the upgrade" -- arb report --as-of 2026-05-05
check_workbook "$WORK/reports/2026-05-05/r2" "workbook of the rerun made before the upgrade" \
    --text "not kept: listed by an older arbiter"

# Undo the correction: P2 was lost after all. The release posted before the
# upgrade is reversed and the refund comes back.
mkdir -p "$WORK/lost"
printf 'order_id,event_at,status\nP1,2026-05-05,delivered\nP2,2026-05-05,lost\n' >"$WORK/lost/tracking.csv"
check_exit 0 "rerun on the upgraded database" -- arb rerun --as-of 2026-05-05 --in "$WORK/lost"
check_grep 'warning: rerun: batches of an earlier arbiter kept no configuration' "$WORK/err" \
    "the batches without a configuration named"
check_file "$WORK/reports/2026-05-05/r3/adjustments.csv" "adjustments across the upgrade" <<CSV
action,kind,id,order_id,amount,currency,batch
add,refund,RF-P2,P2,200.00,EUR,2026-05-05
cancel,release,P2,P2,200.00,EUR,2026-05-21
CSV
[ "$(sqlite3 "$db" "SELECT seller_payable || ' ' || fee_revenue || ' ' || escrow FROM ledger_txn
    WHERE kind = 'reversal' AND ref = 'P2'")" = "-19000 -1000 20000" ] ||
    fail "the reversal of the release does not negate its legs"
# who is paid and how, as they were: the buyer and method of the refund,
# the seller and fee of the release posted before the upgrade
[ "$(sqlite3 "$db" "SELECT group_concat(action || ' ' || kind || ' ' || coalesce(party, '-') || ' '
    || coalesce(payment_method, '-') || ' ' || coalesce(fee, '-'), ', ') FROM (SELECT * FROM adjustment
    WHERE batch_id = (SELECT max(id) FROM batch WHERE rerun_start = 1) ORDER BY kind)")" = \
    "$(sqlite3 "$db" "SELECT 'add refund ' || buyer_id || ' ' || payment_method || ' -, cancel release '
    || seller_id || ' - 1000' FROM orders WHERE order_id = 'P2'")" ] ||
    fail "the adjustments do not keep who is paid, how, and the fee"
check_exit 0 "verify after the rerun" -- arb verify

mkdir -p "$WORK/in"
printf 'order_id,buyer_id,seller_id,placed_at,amount,currency,payment_method,promised_days\n' \
    >"$WORK/in/orders.csv"
printf 'order_id,event_at,status\nP1,2026-05-05,delivered\n' >"$WORK/in/tracking.csv"
printf 'claim_id,order_id,opened_at,reason,amount,seller_response,responded_at\n' \
    >"$WORK/in/claims.csv"
check_exit 0 "a new night on the upgraded database" -- arb run --as-of 2026-05-22 --in "$WORK/in"
[ "$(sqlite3 "$db" "SELECT rows || ' ' || accepted || ' ' || duplicates FROM batch_file
    WHERE file_no = 1 AND batch_id = (SELECT max(id) FROM batch)")" = "1 0 1" ] ||
    fail "an event packed by the upgrade is not a duplicate"
check_exit 0 "verify after the new night" -- arb verify

sqlite3 "$db" 'PRAGMA user_version = 8'
check_exit 65 "a newer schema is refused" -- arb verify
check_grep 'schema version 8 is newer' "$WORK/err" "the newer schema is named"
finish
