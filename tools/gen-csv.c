/* gen-csv.c: the feed file writer of the generator (see gen-csv.h). */
#include "gen-csv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *const extra_column_names[] = {"internal_note", "source_system", "batch_ref"};
static const char *const extra_column_values[] = {
    "", "", "", "", "vip", "b2b", "gift wrap", "multi\nline, note", "re-sent by \"ops\""};

#define COUNT(a) ((unsigned)(sizeof(a) / sizeof((a)[0])))

/* Decides the file's look for the night: column order and set, BOM, line ends. */
static void choose_header(struct csv_out *out)
{
    const struct csv_layout *l = out->layout;
    out->n_out = 0;
    for (unsigned i = 0; i < l->n_columns; i++)
        if (!(l->optional_mask & (1u << i)) || rng_per_mille(&out->style, 850))
            out->source[out->n_out++] = (int)i;
    if (rng_per_mille(&out->style, 300))
        out->source[out->n_out++] = -1;
    if (rng_per_mille(&out->style, 500))
        for (unsigned i = out->n_out - 1; i > 0; i--) { /* Fisher-Yates */
            unsigned j = rng_below(&out->style, i + 1);
            int t = out->source[i];
            out->source[i] = out->source[j];
            out->source[j] = t;
        }
    out->eol = rng_per_mille(&out->style, 200) ? "\r\n" : "\n";
    out->quote_per_mille = rng_below(&out->style, 60);
    out->pad_per_mille = rng_per_mille(&out->style, 300) ? 10 : 0;
    out->blank_per_mille = rng_per_mille(&out->style, 200) ? 1 : 0;
}

int csv_open(struct csv_out *out, const char *dir, const struct csv_layout *layout,
             struct rng style)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, layout->file_name) >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    out->layout = layout;
    out->style = style;
    out->rows = 0;
    out->f = fopen(path, "w");
    if (!out->f)
        return -1;
    setvbuf(out->f, NULL, _IOFBF, 1 << 20);
    choose_header(out);
    if (rng_per_mille(&out->style, 100))
        fputs("\xEF\xBB\xBF", out->f);
    const char *extra = extra_column_names[rng_below(&out->style, COUNT(extra_column_names))];
    for (unsigned i = 0; i < out->n_out; i++) {
        if (i)
            fputc(',', out->f);
        fputs(out->source[i] < 0 ? extra : layout->columns[out->source[i]], out->f);
    }
    fputs(out->eol, out->f);
    return 0;
}

static void write_field(struct csv_out *out, const char *text)
{
    bool must_quote = strpbrk(text, ",\"\r\n") != NULL;
    if (must_quote || rng_per_mille(&out->style, out->quote_per_mille)) {
        fputc('"', out->f);
        for (const char *p = text; *p; p++) {
            if (*p == '"')
                fputc('"', out->f);
            fputc(*p, out->f);
        }
        fputc('"', out->f);
    } else if (out->pad_per_mille && rng_per_mille(&out->style, out->pad_per_mille)) {
        fprintf(out->f, " %s  ", text);
    } else {
        fputs(text, out->f);
    }
}

void csv_write_row(struct csv_out *out, enum row_shape shape)
{
    if (out->blank_per_mille && rng_per_mille(&out->style, out->blank_per_mille))
        fputs(out->eol, out->f);
    unsigned n = shape == ROW_SHORT ? out->n_out - 1 : out->n_out;
    for (unsigned i = 0; i < n; i++) {
        if (i)
            fputc(',', out->f);
        int src = out->source[i];
        write_field(out,
                    src >= 0
                        ? out->field[src]
                        : extra_column_values[rng_below(&out->style, COUNT(extra_column_values))]);
    }
    if (shape == ROW_LONG)
        fputs(",unexpected", out->f);
    fputs(out->eol, out->f);
    out->rows++;
}

int csv_close(struct csv_out *out)
{
    int bad = ferror(out->f);
    if (fclose(out->f) != 0)
        bad = 1;
    out->f = NULL;
    return bad ? -1 : 0;
}

/* ---- value spellings ---- */

enum when_form { WHEN_DATE, WHEN_UTC, WHEN_UTC_FRACTION, WHEN_OFFSET, WHEN_OFFSET_FRACTION };
static const unsigned when_form_weights[] = {35, 20, 10, 25, 10};
/* UTC offsets of the marketplace's buyers, sellers and carriers, in minutes. */
static const int offsets_minutes[] = {0,   60,  120,  180,  330,  345,  480,  540,
                                      600, 840, -180, -240, -300, -420, -480, -600};

void csv_format_when(struct csv_out *out, char *buf, day_t day, uint32_t second)
{
    enum when_form form = rng_weighted(&out->style, when_form_weights, COUNT(when_form_weights));
    if (form == WHEN_DATE) {
        date_format(day, buf);
        return;
    }
    int offset = 0;
    if (form == WHEN_OFFSET || form == WHEN_OFFSET_FRACTION)
        offset = offsets_minutes[rng_below(&out->style, COUNT(offsets_minutes))];
    /* Local time = UTC + offset, which may fall on the day before or after. */
    int32_t s = (int32_t)second + offset * 60;
    day_t local_day = day;
    if (s < 0) {
        s += 86400;
        local_day--;
    } else if (s >= 86400) {
        s -= 86400;
        local_day++;
    }
    char date[11], fraction[16] = "", zone[16] = "Z";
    date_format(local_day, date);
    if (form == WHEN_UTC_FRACTION || form == WHEN_OFFSET_FRACTION) {
        unsigned digits = 1 + rng_below(&out->style, 9);
        fraction[0] = '.';
        for (unsigned i = 1; i <= digits; i++)
            fraction[i] = (char)('0' + rng_below(&out->style, 10));
        fraction[digits + 1] = '\0';
    }
    if (form == WHEN_OFFSET || form == WHEN_OFFSET_FRACTION) {
        int a = offset < 0 ? -offset : offset;
        snprintf(zone, sizeof zone, "%c%02d:%02d", offset < 0 ? '-' : '+', a / 60, a % 60);
    }
    snprintf(buf, CSV_FIELD_SIZE, "%sT%02d:%02d:%02d%s%s", date, s / 3600, s / 60 % 60, s % 60,
             fraction, zone);
}

void csv_format_amount(struct csv_out *out, char *buf, int64_t minor, int exponent)
{
    int64_t scale = 1;
    for (int i = 0; i < exponent; i++)
        scale *= 10;
    int n = snprintf(buf, CSV_FIELD_SIZE, "%" PRId64, minor / scale);
    if (exponent == 0)
        return;
    n += snprintf(buf + n, (size_t)(CSV_FIELD_SIZE - n), ".%0*" PRId64, exponent, minor % scale);
    /* "12.30" is also "12.3" and "12.00" also "12": both spellings are valid. */
    if (rng_per_mille(&out->style, 200)) {
        while (buf[n - 1] == '0')
            buf[--n] = '\0';
        if (buf[n - 1] == '.')
            buf[--n] = '\0';
    }
}
