-- steady-prune.sql: tools/steady.sh's "same night without the history":
-- removes from a copy of an arbiter database every closed order that none
-- of the next night's four files mentions, with everything that hangs off
-- it (its ledger postings, release, refund, claims, their decisions and
-- overrides), plus the stored input files and rejects of earlier nights.
-- What stays is what the next night reads or changes: its run does the
-- same work (the same rows accepted, claims evaluated, orders settled) on
-- a database without the nights' history. The escrow still equals the
-- open orders: a closed order's postings net to zero in escrow.
--
-- Needs the next night's files imported as tables o_in (orders.csv: an
-- order sent again), t_in (tracking.csv), c_in (claims.csv) and v_in
-- (overrides.csv; may be empty). Test use only: the result has lost the
-- history a rerun or `arbiter verify` needs.
CREATE TEMP TABLE keep(order_id TEXT PRIMARY KEY) WITHOUT ROWID;
-- arbiter trims the blanks around a field: so does the match
INSERT OR IGNORE INTO keep SELECT trim(order_id) FROM o_in WHERE order_id IS NOT NULL;
INSERT OR IGNORE INTO keep SELECT trim(order_id) FROM t_in WHERE order_id IS NOT NULL;
INSERT OR IGNORE INTO keep SELECT trim(order_id) FROM c_in WHERE order_id IS NOT NULL;
INSERT OR IGNORE INTO keep SELECT c.order_id FROM v_in v JOIN claim c ON c.claim_id = trim(v.claim_id);
DELETE FROM orders WHERE closed_batch IS NOT NULL AND order_id NOT IN (SELECT order_id FROM keep);
DELETE FROM ledger_txn WHERE order_id NOT IN (SELECT order_id FROM orders);
DELETE FROM release WHERE order_id NOT IN (SELECT order_id FROM orders);
DELETE FROM refund WHERE order_id NOT IN (SELECT order_id FROM orders);
DELETE FROM claim WHERE order_id NOT IN (SELECT order_id FROM orders);
DELETE FROM decision WHERE claim_id NOT IN (SELECT claim_id FROM claim);
DELETE FROM override WHERE claim_id NOT IN (SELECT claim_id FROM claim);
DELETE FROM batch_file_content;
DELETE FROM reject;
DROP TABLE o_in;
DROP TABLE t_in;
DROP TABLE c_in;
DROP TABLE v_in;
