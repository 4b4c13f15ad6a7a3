/* money.h: amounts as integer minor units, ISO 4217 currencies and their
 * exponents, and the strict decimal parser and formatter of SPEC §1.
 * No floating point touches an amount here. */
#ifndef ARBITER_MONEY_H
#define ARBITER_MONEY_H

#include <stdbool.h>
#include <stdint.h>

typedef int64_t money_t; /* minor units */

/* The most escrow one currency may hold, in minor units: an order that
 * would take its currency's open orders past it is refused (bad_amount),
 * so that every sum of a currency's money (a night's opening escrow and
 * captures, its refunds and releases, the open orders) fits a money_t
 * with room to spare. Half of INT64_MAX: 4.6e18 minor units, 4.6e16 USD. */
#define MONEY_ESCROW_MAX (INT64_MAX / 2)

/* Longest amount text money_format writes, with its NUL. */
#define MONEY_TEXT_SIZE 32

/* The ISO 4217 exponent of an alpha-3 code, or -1 when the code is not a
 * current ISO 4217 currency (codes are upper case; "usd" is not one). */
int money_currency_exponent(const char *code);

/* Parses a plain decimal of at most 15 integer digits and 1..exponent
 * fraction digits into minor units. Signs, separators and exponents are
 * refused. */
bool money_parse(const char *s, int exponent, money_t *out);

/* Writes an amount with exactly `exponent` fraction digits ("12.30",
 * "1200", "1.234"); returns buf. */
char *money_format(money_t v, int exponent, char buf[MONEY_TEXT_SIZE]);

/* The platform fee on a released amount: (g * fee_bps + 5000) / 10000. */
money_t money_fee(money_t released, int fee_bps);

#endif
