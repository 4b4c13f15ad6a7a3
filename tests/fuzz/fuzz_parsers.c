/* fuzz_parsers.c: libFuzzer harness for the date and amount parsers. The
 * input is split at its first NUL: a currency code, then the text. Checks
 * round trips: a parsed date formats back to a date that parses to the
 * same day; a parsed amount formats to text that parses to the same
 * minor units. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    const char *value = text + strlen(text) + (strlen(text) < size ? 1 : 0);
    if (value > text + size)
        value = text + size;

    day_t d;
    if (date_parse(value, &d)) {
        char buf[DATE_TEXT_SIZE];
        day_t again;
        date_format(d, buf);
        if (!date_parse_plain(buf, &again) || again != d)
            abort();
    }
    date_parse_plain(value, &d);

    int exponent = money_currency_exponent(text);
    if (exponent >= 0) {
        money_t m;
        if (money_parse(value, exponent, &m)) {
            char buf[MONEY_TEXT_SIZE];
            money_t again;
            if (!money_parse(money_format(m, exponent, buf), exponent, &again) || again != m)
                abort();
            (void)money_fee(m, 10000);
        }
    }
    free(text);
    return 0;
}
