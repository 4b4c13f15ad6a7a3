/* csvpack.c: CSV rows packed into one run of bytes (csvpack.h). Every
 * read of the head and the lengths is a memcpy, so a packed row needs no
 * alignment. */
#include "csvpack.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"

struct pack_head {
    long row_no;
    size_t n_fields;
    size_t text_len; /* the fields' bytes, NULs included */
    size_t raw_len;
    bool too_long, bad_encoding, overlong;
};

static struct pack_head head_of(const struct csv_row *row)
{
    struct pack_head h = {.row_no = row->row_no,
                          .n_fields = row->n_fields,
                          .raw_len = strlen(row->raw ? row->raw : ""),
                          .too_long = row->too_long,
                          .bad_encoding = row->bad_encoding,
                          .overlong = row->overlong};
    for (size_t i = 0; i < row->n_fields; i++)
        h.text_len += row->lengths[i] + 1;
    return h;
}

static size_t packed_size(const struct pack_head *h)
{
    return sizeof *h + h->n_fields * sizeof(size_t) + h->text_len + h->raw_len + 1;
}

size_t csvpack_size(const struct csv_row *row)
{
    struct pack_head h = head_of(row);
    return packed_size(&h);
}

void csvpack_write(unsigned char *dst, const struct csv_row *row)
{
    struct pack_head h = head_of(row);
    memcpy(dst, &h, sizeof h);
    dst += sizeof h;
    if (h.n_fields) /* an overlong row has no lengths at all */
        memcpy(dst, row->lengths, h.n_fields * sizeof(size_t));
    dst += h.n_fields * sizeof(size_t);
    for (size_t i = 0; i < h.n_fields; i++) {
        memcpy(dst, row->fields[i], row->lengths[i] + 1);
        dst += row->lengths[i] + 1;
    }
    memcpy(dst, row->raw ? row->raw : "", h.raw_len + 1);
}

const char *csvpack_field(const unsigned char *src, size_t i, size_t *len)
{
    struct pack_head h;
    memcpy(&h, src, sizeof h);
    const unsigned char *lengths = src + sizeof h;
    const char *text = (const char *)(lengths + h.n_fields * sizeof(size_t));
    *len = 0;
    if (i >= h.n_fields)
        return text;
    for (size_t j = 0; j < i; j++) {
        size_t n;
        memcpy(&n, lengths + j * sizeof n, sizeof n);
        text += n + 1;
    }
    memcpy(len, lengths + i * sizeof *len, sizeof *len);
    return text;
}

size_t csvpack_read(struct csvpack_reader *r, unsigned char *src, struct csv_row *row)
{
    struct pack_head h;
    memcpy(&h, src, sizeof h);
    char **f = buffer_grow(r->fields, &r->cap_fields, h.n_fields + 1, sizeof *f);
    if (f)
        r->fields = f;
    size_t *l = buffer_grow(r->lengths, &r->cap_lengths, h.n_fields + 1, sizeof *l);
    if (l)
        r->lengths = l;
    if (!f || !l)
        return 0;
    memcpy(r->lengths, src + sizeof h, h.n_fields * sizeof *r->lengths);
    char *text = (char *)(src + sizeof h + h.n_fields * sizeof(size_t));
    for (size_t i = 0; i < h.n_fields; i++) {
        r->fields[i] = text;
        text += r->lengths[i] + 1;
    }
    r->fields[h.n_fields] = NULL;
    *row = (struct csv_row){.row_no = h.row_no,
                            .n_fields = h.n_fields,
                            .fields = r->fields,
                            .lengths = r->lengths,
                            .too_long = h.too_long,
                            .bad_encoding = h.bad_encoding,
                            .overlong = h.overlong,
                            .raw = text};
    return packed_size(&h);
}

void csvpack_reader_free(struct csvpack_reader *r)
{
    free(r->fields);
    free(r->lengths);
    *r = (struct csvpack_reader){0};
}
