#!/bin/sh
# e2e-nights.sh: seven nights (with a gap and a weekend) through the rules,
# settlement and the refund queue, against outputs computed by hand from
# SPEC sections 3 and 4 with a holiday calendar (Good Friday 2026-04-03
# and Easter Monday 2026-04-06). verify must hold after every night.
. "$SRCDIR/tests/lib.sh"

printf '[calendar]\nholidays = holidays.csv\n' >"$WORK/arbiter.conf"
printf 'date,name\n2026-04-03,Good Friday\n2026-04-06,Easter Monday\n' >"$WORK/holidays.csv"

OH='order_id,buyer_id,seller_id,placed_at,amount,currency,payment_method,promised_days'
TH='order_id,event_at,status'
CH='claim_id,order_id,opened_at,reason,amount,seller_response,responded_at'
DH='claim_id,order_id,reason,status,rule,refund_amount,currency,decided_on'
RH='refund_id,order_id,claim_id,buyer_id,payment_method,amount,currency,queued_on,submit_on,expected_earliest,expected_latest,rule'
LH='order_id,seller_id,gross,fee,net,currency,released_on,rule'

# night D ORDERS TRACKING CLAIMS [OVERRIDES]: writes the input folder
# (each argument: the data rows, newline-separated) and runs the batch.
night() {
    d=$1
    mkdir -p "$WORK/in/$d"
    printf '%s\n%s' "$OH" "$2" >"$WORK/in/$d/orders.csv"
    printf '%s\n%s' "$TH" "$3" >"$WORK/in/$d/tracking.csv"
    printf '%s\n%s' "$CH" "$4" >"$WORK/in/$d/claims.csv"
    [ -z "${5:-}" ] || printf 'claim_id,outcome,amount,note\n%s' "$5" >"$WORK/in/$d/overrides.csv"
    check_exit 0 "night $d" -- arb run --as-of "$d" --in "$WORK/in/$d" --config "$WORK/arbiter.conf"
    check_exit 0 "verify after $d" -- arb verify
}

# expect D FILE: compares the night's FILE.csv with stdin.
expect() {
    check_file "$WORK/reports/$1/r1/$2.csv" "$2 of $1"
}

# 2026-04-01 (Wed): four orders; A4 was placed a month ago and never shipped.
night 2026-04-01 'A1,B1,S1,2026-04-01,100.00,USD,card_debit,5
A2,B2,S2,2026-04-01,50.00,EUR,paypal,3
A3,B3,S3,2026-04-01,1000,JPY,bank_transfer,2
A4,B4,S4,2026-03-01,10.000,KWD,alipay,1
' 'A2,2026-04-01,shipped
' ''
printf '%s\n' "$DH" | expect 2026-04-01 decisions
printf '%s\n' "$RH" | expect 2026-04-01 refunds

# 2026-04-02 (Thu): A1's claim is too early (promised by 04-06). A4 is past
# promised_by + 30 (04-01): AUTO_REFUND, submitted on Thursday, with Good
# Friday and Easter Monday skipped: alipay 3 -> 04-09, 5 -> 04-13.
night 2026-04-02 '' 'A2,2026-04-02,delivered
A3,2026-04-02,shipped
' 'K1,A1,2026-04-02,not_received,,,
'
expect 2026-04-02 decisions <<CSV
$DH
K1,A1,not_received,REJECTED,INR_TOO_EARLY,,USD,2026-04-02
CSV
expect 2026-04-02 refunds <<CSV
$RH
RF-A4,A4,,B4,alipay,10.000,KWD,2026-04-02,2026-04-02,2026-04-09,2026-04-13,AUTO_REFUND
CSV

# 2026-04-07 (Tue, after a gap): K2 waits for the seller (respond by 04-12);
# K3 comes after K2 on the same order; K4 is within A2's protection window
# and waits; K5 claims an undelivered item not as described.
night 2026-04-07 '' '' 'K2,A1,2026-04-07,not_received,,,
K3,A1,2026-04-07,not_received,,,
K4,A2,2026-04-05,not_as_described,20.00,,
K5,A3,2026-04-07,not_as_described,,,
'
expect 2026-04-07 decisions <<CSV
$DH
K2,A1,not_received,PENDING,INR_AWAITING_SELLER,,USD,
K3,A1,not_received,REJECTED,DUPLICATE_CLAIM,,USD,2026-04-07
K4,A2,not_as_described,PENDING,SNAD_AWAITING_SELLER,,EUR,
K5,A3,not_as_described,REJECTED,SNAD_NOT_DELIVERED,,JPY,2026-04-07
CSV
printf '%s\n' "$RH" | expect 2026-04-07 refunds

# 2026-04-11 (Sat): K4's seller rejects on 04-11, after respond_by 04-10:
# the response does not count and the window is over: refund 20.00 of
# 50.00, release 30.00 with fee (3000 * 500 + 5000) / 10000 = 150. Queued
# on Saturday, submitted Monday 04-13: paypal 3 -> 04-16, 7 -> 04-22.
# A claim whose evaluation does not change (K2 stays PENDING) is not
# written again; K4 gets its response and its decision.
sqlite3 "$WORK/arbiter.db" "CREATE TABLE claim_write(claim_id TEXT);
    CREATE TRIGGER claim_written AFTER UPDATE ON claim BEGIN
    INSERT INTO claim_write VALUES (NEW.claim_id); END"
night 2026-04-11 '' '' 'K4,A2,2026-04-05,not_as_described,20.00,rejected,2026-04-11
'
written=$(sqlite3 "$WORK/arbiter.db" "SELECT group_concat(DISTINCT claim_id) FROM claim_write")
[ "$written" = K4 ] || fail "claims written on 04-11: '$written', want K4"
sqlite3 "$WORK/arbiter.db" "DROP TRIGGER claim_written; DROP TABLE claim_write"
expect 2026-04-11 decisions <<CSV
$DH
K2,A1,not_received,PENDING,INR_AWAITING_SELLER,,USD,
K4,A2,not_as_described,REFUND,SNAD_NO_RESPONSE,20.00,EUR,2026-04-11
CSV
expect 2026-04-11 refunds <<CSV
$RH
RF-K4,A2,K4,B2,paypal,20.00,EUR,2026-04-11,2026-04-13,2026-04-16,2026-04-22,SNAD_NO_RESPONSE
CSV
expect 2026-04-11 releases <<CSV
$LH
A2,S2,30.00,1.50,28.50,EUR,2026-04-11,SNAD_NO_RESPONSE
CSV

# 2026-04-13 (Mon): K2's window (04-12) is over with no delivery: full
# refund, card_debit 5 -> 04-20, 15 -> 05-04. A5 is delivered the day it
# is placed and its seller rejects K6 in time: manual review.
night 2026-04-13 'A5,B5,S5,2026-04-13,100.00,GBP,card_credit,10
' 'A5,2026-04-13,delivered
' 'K6,A5,2026-04-13,not_as_described,,rejected,2026-04-13
'
expect 2026-04-13 decisions <<CSV
$DH
K2,A1,not_received,REFUND,INR_NOT_DELIVERED,100.00,USD,2026-04-13
K6,A5,not_as_described,MANUAL_REVIEW,SNAD_SELLER_REJECTED,,GBP,
CSV
expect 2026-04-13 refunds <<CSV
$RH
RF-K2,A1,K2,B1,card_debit,100.00,USD,2026-04-13,2026-04-13,2026-04-20,2026-05-04,INR_NOT_DELIVERED
CSV
printf '%s\n' "$LH" | expect 2026-04-13 releases

# 2026-04-29 (Wed): the disputes team rejects K6; A5 was delivered on 04-13
# and its protection ended 04-28: released whole, fee 5.00.
night 2026-04-29 '' '' '' 'K6,reject,,photos show no damage
'
expect 2026-04-29 decisions <<CSV
$DH
K6,A5,not_as_described,REJECTED,MANUAL_REJECT,,GBP,2026-04-29
CSV
expect 2026-04-29 releases <<CSV
$LH
A5,S5,100.00,5.00,95.00,GBP,2026-04-29,AUTO_RELEASE
CSV
printf '%s\n' "$RH" | expect 2026-04-29 refunds

# 2026-05-04 (Mon): A3 (promised 04-03) was never delivered: 04-03 + 30 =
# 05-03 is over: AUTO_REFUND by bank transfer 10 -> 05-18, 20 -> 06-01.
# A claim on the closed order A1 is rejected.
night 2026-05-04 '' '' 'K7,A1,2026-05-04,not_received,,,
'
expect 2026-05-04 decisions <<CSV
$DH
K7,A1,not_received,REJECTED,ORDER_CLOSED,,USD,2026-05-04
CSV
expect 2026-05-04 refunds <<CSV
$RH
RF-A3,A3,,B3,bank_transfer,1000,JPY,2026-05-04,2026-05-04,2026-05-18,2026-06-01,AUTO_REFUND
CSV

check_exit 0 "status after the nights" -- arb status
check_grep '^claims status=REJECTED count=5$' "$WORK/out" "claims by status"
if grep -q '^escrow ' "$WORK/out"; then fail "escrow still held after every order closed"; fi

finish
