/*
 * write.c - record writers: JSON Lines, CSV (RFC 4180), TSV and aligned
 * tables.  Fields are pushed one at a time (begin, str/int/json..., end),
 * so a tool never builds a json_t just to print it; output is buffered
 * until the tool says it may go out (after a commit, for csm-ingest).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

#define TABLE_MAXW 48	/* widest table cell, in columns */

struct csm_writer {
	FILE		 *fp;
	enum csm_fmt	  fmt;
	const char *const *cols;
	size_t		  ncols;
	unsigned	  flags;
	int		  started;	/* header or BOM written */
	int		  nfield;	/* fields in the current JSONL record */
	struct csm_buf	  out;		/* formatted, not yet written */

	/* CSV, TSV, table: the current row, one slot a column. */
	struct csm_buf	  row;
	size_t		 *off, *len;
	char		 *set;
	size_t		  hint;		/* next column expected */

	/* Table: every row, kept until the end. */
	char		**cells;
	size_t		  ncells, cellcap;
};

static const char hex[] = "0123456789abcdef";

/*
 * Appends s as a quoted, escaped JSON string.  s must be valid UTF-8 (the
 * readers guarantee it); non-ASCII is written as is.
 */
int
csm_buf_json_str(struct csm_buf *b, const char *s, size_t len)
{
	size_t i, run = 0;
	char esc[6];

	if (csm_buf_addc(b, '"') < 0)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t elen = 2;

		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F)
			continue;
		if (csm_buf_add(b, s + run, i - run) < 0)
			return -1;
		esc[0] = '\\';
		switch (c) {
		case '"':
		case '\\':
			esc[1] = (char)c;
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\t':
			esc[1] = 't';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
		}
		if (csm_buf_add(b, esc, elen) < 0)
			return -1;
		run = i + 1;
	}
	if (csm_buf_add(b, s + run, len - run) < 0)
		return -1;
	return csm_buf_addc(b, '"');
}

/*
 * The shortest text that reads back as d (363.99, not the %.17g
 * 363.99000000000001), with ".0" when it would otherwise read as an
 * integer.
 */
static void
real_text(double d, char *buf, size_t n)
{
	int prec;

	for (prec = 15; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (strpbrk(buf, ".eEn") == NULL && strlen(buf) + 3 <= n)
		memcpy(buf + strlen(buf), ".0", 3);
}

/* Appends any JSON value compactly; keys keep their order. */
static int
buf_json(struct csm_buf *b, const json_t *v)
{
	char num[64];
	size_t i;
	const char *k;
	json_t *x;
	int first = 1;

	if (v == NULL)	/* an absent value is written as null */
		return csm_buf_add(b, "null", 4);
	switch (json_typeof(v)) {
	case JSON_STRING:
		return csm_buf_json_str(b, json_string_value(v),
		    json_string_length(v));
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return csm_buf_add(b, num, strlen(num));
	case JSON_REAL:
		real_text(json_real_value(v), num, sizeof(num));
		return csm_buf_add(b, num, strlen(num));
	case JSON_TRUE:
		return csm_buf_add(b, "true", 4);
	case JSON_FALSE:
		return csm_buf_add(b, "false", 5);
	case JSON_NULL:
		return csm_buf_add(b, "null", 4);
	case JSON_ARRAY:
		if (csm_buf_addc(b, '[') < 0)
			return -1;
		for (i = 0; i < json_array_size(v); i++)
			if ((i > 0 && csm_buf_addc(b, ',') < 0) ||
			    buf_json(b, json_array_get(v, i)) < 0)
				return -1;
		return csm_buf_addc(b, ']');
	case JSON_OBJECT:
		if (csm_buf_addc(b, '{') < 0)
			return -1;
		json_object_foreach((json_t *)(uintptr_t)v, k, x) {
			if ((!first && csm_buf_addc(b, ',') < 0) ||
			    csm_buf_json_str(b, k, strlen(k)) < 0 ||
			    csm_buf_addc(b, ':') < 0 || buf_json(b, x) < 0)
				return -1;
			first = 0;
		}
		return csm_buf_addc(b, '}');
	}
	return -1;
}

/*
 * Any JSON value as compact text, keys in their order, reals as short as
 * they can be.  Returns new, or NULL when out of memory.
 */
char *
csm_json_text(const json_t *v)
{
	struct csm_buf b = {0};

	if (buf_json(&b, v) < 0 || csm_buf_addc(&b, '\0') < 0) {
		csm_buf_free(&b);
		return NULL;
	}
	return b.p;
}

/* A JSON value for a one-line message (see csm.h). */
char *
csm_escape_json(const json_t *v, char *buf, size_t n)
{
	struct csm_buf b = {0};

	if (n < 16) {
		if (n > 0)
			buf[0] = '\0';
		return buf;
	}
	if (json_is_string(v)) {
		buf[0] = '"';
		csm_escape(json_string_value(v), json_string_length(v), buf + 1,
		    n - 2);
		memcpy(buf + strlen(buf), "\"", 2);
		return buf;
	}
	if (buf_json(&b, v) < 0 || b.p == NULL) {
		csm_buf_free(&b);
		snprintf(buf, n, "(a JSON value)");
		return buf;
	}
	csm_escape_controls(b.p, b.len, buf, n);
	csm_buf_free(&b);
	return buf;
}

/*
 * A writer for fmt on fp; cols fixes the columns of CSV, TSV and tables.
 * Returns new, or NULL when out of memory.
 */
struct csm_writer *
csm_writer_new(FILE *fp, enum csm_fmt fmt, const char *const *cols,
    unsigned flags)
{
	struct csm_writer *w;

	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	w->fp = fp;
	w->fmt = fmt == CSM_FMT_AUTO ? CSM_FMT_JSONL : fmt;
	w->cols = cols;
	w->flags = flags;
	if (cols != NULL)
		while (cols[w->ncols] != NULL)
			w->ncols++;
	if (w->fmt != CSM_FMT_JSONL) {
		w->off = calloc(w->ncols + 1, sizeof(*w->off));
		w->len = calloc(w->ncols + 1, sizeof(*w->len));
		w->set = calloc(w->ncols + 1, 1);
		if (w->off == NULL || w->len == NULL || w->set == NULL) {
			csm_writer_free(w);
			return NULL;
		}
	}
	return w;
}

/* Frees w (not its FILE); NULL is a no-op. */
void
csm_writer_free(struct csm_writer *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->ncells; i++)
		free(w->cells[i]);
	free(w->cells);
	free(w->off);
	free(w->len);
	free(w->set);
	csm_buf_free(&w->out);
	csm_buf_free(&w->row);
	free(w);
}

/* Starts a record. */
void
csm_writer_begin(struct csm_writer *w)
{
	w->nfield = 0;
	w->hint = 0;
	if (w->fmt == CSM_FMT_JSONL)
		csm_buf_addc(&w->out, '{');
	else {
		w->row.len = 0;
		memset(w->set, 0, w->ncols);
	}
}

/* The column of key, or -1 (fields usually come in column order). */
static long
column(struct csm_writer *w, const char *key)
{
	size_t i;

	for (i = w->hint; i < w->ncols; i++)
		if (strcmp(w->cols[i], key) == 0)
			goto found;
	for (i = 0; i < w->hint && i < w->ncols; i++)
		if (strcmp(w->cols[i], key) == 0)
			goto found;
	return -1;
found:
	w->hint = i + 1;
	return (long)i;
}

static void
jsonl_key(struct csm_writer *w, const char *key)
{
	if (w->nfield++ > 0)
		csm_buf_addc(&w->out, ',');
	csm_buf_json_str(&w->out, key, strlen(key));
	csm_buf_addc(&w->out, ':');
}

/* Stores a cell's text for CSV, TSV and tables. */
static void
cell(struct csm_writer *w, const char *key, const char *s, size_t len)
{
	long c = column(w, key);

	if (c < 0)
		return;
	w->off[c] = w->row.len;
	w->len[c] = len;
	w->set[c] = 1;
	csm_buf_add(&w->row, s, len);
}

/* Adds a string field (valid UTF-8). */
void
csm_writer_str(struct csm_writer *w, const char *key, const char *s,
    size_t len)
{
	if (w->fmt == CSM_FMT_JSONL) {
		jsonl_key(w, key);
		csm_buf_json_str(&w->out, s, len);
	} else
		cell(w, key, s, len);
}

/* Adds an integer field. */
void
csm_writer_int(struct csm_writer *w, const char *key, int64_t v)
{
	char num[32];
	int n = snprintf(num, sizeof(num), "%lld", (long long)v);

	if (w->fmt == CSM_FMT_JSONL) {
		jsonl_key(w, key);
		csm_buf_add(&w->out, num, (size_t)n);
	} else
		cell(w, key, num, (size_t)n);
}

/* Adds a boolean field. */
void
csm_writer_bool(struct csm_writer *w, const char *key, int v)
{
	if (w->fmt == CSM_FMT_JSONL) {
		jsonl_key(w, key);
		csm_buf_add(&w->out, v ? "true" : "false", v ? 4 : 5);
	} else
		cell(w, key, v ? "true" : "false", v ? 4 : 5);
}

/* Adds any JSON value; arrays become ';'-joined text outside JSONL. */
void
csm_writer_json(struct csm_writer *w, const char *key, const json_t *v)
{
	struct csm_buf t = {0};
	size_t i;

	if (w->fmt == CSM_FMT_JSONL) {
		jsonl_key(w, key);
		buf_json(&w->out, v);
		return;
	}
	if (json_is_string(v)) {
		cell(w, key, json_string_value(v), json_string_length(v));
		return;
	}
	if (json_is_null(v))
		return;
	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++) {
			const json_t *e = json_array_get(v, i);

			if (i > 0)
				csm_buf_addc(&t, ';');
			if (json_is_string(e))
				csm_buf_add(&t, json_string_value(e),
				    json_string_length(e));
			else
				buf_json(&t, e);
		}
	} else
		buf_json(&t, v);
	cell(w, key, t.p ? t.p : "", t.len);
	csm_buf_free(&t);
}

/* Adds a field from JSON text (see csm.h). */
void
csm_writer_raw(struct csm_writer *w, const char *key, const char *json,
    size_t len)
{
	json_t *v;

	if (w->fmt == CSM_FMT_JSONL) {
		jsonl_key(w, key);
		csm_buf_add(&w->out, json, len);
		return;
	}
	v = json_loadb(json, len, JSON_DECODE_ANY, NULL);
	if (v != NULL)
		csm_writer_json(w, key, v);
	json_decref(v);
}

/* Adds the fields of a JSON object's text (see csm.h). */
void
csm_writer_raw_fields(struct csm_writer *w, const char *obj, size_t len)
{
	json_t *o, *v;
	const char *k;

	if (len < 2 || strspn(obj + 1, " \t\r\n") >= len - 2)
		return;	/* "{}", "{ }" */
	if (w->fmt == CSM_FMT_JSONL && obj[0] == '{' && obj[len - 1] == '}') {
		/* Splice the members in: jansson wrote them compactly. */
		if (w->nfield++ > 0)
			csm_buf_addc(&w->out, ',');
		csm_buf_add(&w->out, obj + 1, len - 2);
		return;
	}
	o = json_loadb(obj, len, 0, NULL);
	if (o == NULL)
		return;
	json_object_foreach(o, k, v)
		csm_writer_json(w, k, v);
	json_decref(o);
}

/*
 * Adds a record's custom fields, a JSON object's text (see csm.h): in
 * JSONL as fields of the record, in CSV, TSV and tables as the object's
 * text in the "attrs" column (if the writer has one), so that a custom
 * field never fills a built-in column.
 */
void
csm_writer_custom(struct csm_writer *w, const char *obj, size_t len)
{
	if (len < 2 || strspn(obj + 1, " \t\r\n") >= len - 2)
		return;	/* "{}", "{ }" */
	if (w->fmt == CSM_FMT_JSONL) {
		csm_writer_raw_fields(w, obj, len);
		return;
	}
	csm_writer_str(w, "attrs", obj, len);
}

/* Whether s is a plain decimal number: digits, a fraction, an exponent
 * ("2", "3.5", ".5", "1e-3"), without a sign. */
static int
is_number(const char *s, size_t len)
{
	size_t i = 0, digits = 0;

	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < len && s[i] == '.')
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	if (digits == 0)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == len || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == len;
}

/*
 * Whether a spreadsheet would take s as a formula (OWASP, CSV Injection):
 * text that starts with =, +, -, @, a tab or a CR.  A number with a sign,
 * such as -2 or +3.5, is not one: it must stay a number.
 */
static int
formula_like(const char *s, size_t len)
{
	if (len == 0 || memchr("=+-@\t\r", s[0], 6) == NULL)
		return 0;
	if (s[0] == '+' || s[0] == '-')
		return !is_number(s + 1, len - 1);
	return 1;
}

/* CSV: quote only fields with a comma, quote, CR or LF. */
static void
csv_field(struct csm_writer *w, const char *s, size_t len)
{
	int defuse = (w->flags & CSM_W_EXCEL_SAFE) && formula_like(s, len);
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			break;
	/* With one column, a blank field would make a blank line, which
	 * readers skip: quote it. */
	if (i == len && !(w->ncols == 1 && strspn(s, " \t") >= len)) {
		if (defuse)
			csm_buf_addc(&w->out, '\'');
		csm_buf_add(&w->out, s, len);
		return;
	}
	csm_buf_addc(&w->out, '"');
	if (defuse)
		csm_buf_addc(&w->out, '\'');
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			csm_buf_addc(&w->out, '"');
		csm_buf_addc(&w->out, s[i]);
	}
	csm_buf_addc(&w->out, '"');
}

/* TSV: tabs, newlines and backslashes escaped. */
static void
tsv_field(struct csm_writer *w, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '\t':
			csm_buf_add(&w->out, "\\t", 2);
			break;
		case '\n':
			csm_buf_add(&w->out, "\\n", 2);
			break;
		case '\r':
			csm_buf_add(&w->out, "\\r", 2);
			break;
		case '\\':
			csm_buf_add(&w->out, "\\\\", 2);
			break;
		default:
			csm_buf_addc(&w->out, s[i]);
		}
	}
}

static void
delimited_row(struct csm_writer *w, const char *const *vals,
    const size_t *lens)
{
	size_t i;

	for (i = 0; i < w->ncols; i++) {
		if (i > 0)
			csm_buf_addc(&w->out, w->fmt == CSM_FMT_CSV ? ',' :
			    '\t');
		if (w->fmt == CSM_FMT_CSV)
			csv_field(w, vals[i], lens[i]);
		else
			tsv_field(w, vals[i], lens[i]);
	}
	if (w->fmt == CSM_FMT_CSV && (w->flags & CSM_W_CRLF))
		csm_buf_addc(&w->out, '\r');
	csm_buf_addc(&w->out, '\n');
}

/* Writes the BOM and header row before the first record. */
static void
start(struct csm_writer *w)
{
	size_t i;
	size_t *lens;

	if (w->started || w->fmt == CSM_FMT_JSONL || w->fmt == CSM_FMT_TABLE)
		return;
	w->started = 1;
	if (w->fmt == CSM_FMT_CSV && (w->flags & CSM_W_BOM))
		csm_buf_add(&w->out, "\xEF\xBB\xBF", 3);
	lens = calloc(w->ncols + 1, sizeof(*lens));
	if (lens == NULL)
		return;
	for (i = 0; i < w->ncols; i++)
		lens[i] = strlen(w->cols[i]);
	delimited_row(w, w->cols, lens);
	free(lens);
}

/* A table cell: control characters escaped, cut to TABLE_MAXW columns. */
static char *
table_cell(const char *s, size_t len)
{
	char esc[TABLE_MAXW * 8], *out;
	size_t fit, used, n;

	/* Escape only what a terminal would act on; keep CJK as is. */
	csm_escape_controls(s, len, esc, sizeof(esc));
	n = strlen(esc);
	fit = csm_width_fit(esc, n, TABLE_MAXW, &used);
	if (fit < n)
		fit = csm_width_fit(esc, n, TABLE_MAXW - 1, &used);
	out = malloc(fit + 4);
	if (out == NULL)
		return NULL;
	memcpy(out, esc, fit);
	if (fit < n)
		memcpy(out + fit, "\xE2\x80\xA6", 3), fit += 3;
	out[fit] = '\0';
	return out;
}

static void
table_push(struct csm_writer *w, const char *s, size_t len)
{
	if (w->ncells == w->cellcap) {
		size_t cap = w->cellcap ? w->cellcap * 2 : 256;
		char **p = realloc(w->cells, cap * sizeof(*p));

		if (p == NULL) {
			w->out.oom = 1;
			return;
		}
		w->cells = p;
		w->cellcap = cap;
	}
	if ((w->cells[w->ncells++] = table_cell(s, len)) == NULL)
		w->out.oom = 1;
}

/* Ends the record. */
void
csm_writer_end(struct csm_writer *w)
{
	const char **vals;
	size_t i;

	if (w->fmt == CSM_FMT_JSONL) {
		csm_buf_add(&w->out, "}\n", 2);
		return;
	}
	if (w->fmt == CSM_FMT_TABLE) {
		if (w->ncells == 0)
			for (i = 0; i < w->ncols; i++)
				table_push(w, w->cols[i], strlen(w->cols[i]));
		for (i = 0; i < w->ncols; i++)
			table_push(w, w->set[i] ? w->row.p + w->off[i] : "",
			    w->set[i] ? w->len[i] : 0);
		return;
	}
	start(w);
	vals = calloc(w->ncols + 1, sizeof(*vals));
	if (vals == NULL)
		return;
	for (i = 0; i < w->ncols; i++) {
		vals[i] = w->set[i] ? w->row.p + w->off[i] : "";
		if (!w->set[i])
			w->len[i] = 0;
	}
	delimited_row(w, vals, w->len);
	free(vals);
}

/* Bytes formatted and not yet written. */
size_t
csm_writer_pending(const struct csm_writer *w)
{
	return w->out.len;
}

/* The writer's format. */
enum csm_fmt
csm_writer_format(const struct csm_writer *w)
{
	return w->fmt;
}

/* The bytes buffered (see csm.h). */
const char *
csm_writer_buffer(const struct csm_writer *w, size_t *len)
{
	*len = w->out.len;
	return w->out.p ? w->out.p : "";
}

/* Drops what is buffered. */
void
csm_writer_discard(struct csm_writer *w)
{
	w->out.len = 0;
}

/* A mark of what is buffered: bytes (or table cells) and whether the
 * header was written, in the low bit. */
size_t
csm_writer_mark(const struct csm_writer *w)
{
	size_t n = w->fmt == CSM_FMT_TABLE ? w->ncells : w->out.len;

	return n * 2 + (w->started != 0);
}

/* Drops what was added after mark. */
void
csm_writer_rewind(struct csm_writer *w, size_t mark)
{
	size_t n = mark / 2;

	if (w->fmt == CSM_FMT_TABLE) {
		while (w->ncells > n)
			free(w->cells[--w->ncells]);
	} else if (n <= w->out.len)
		w->out.len = n;
	if (!(mark & 1))
		w->started = 0;
}

/*
 * Writes out what is buffered.  Returns 0, or -1 with err and the errno in
 * *eno (EPIPE when the reader went away).
 */
int
csm_writer_flush(struct csm_writer *w, int *eno, struct csm_err *err)
{
	if (w->out.oom || w->row.oom) {
		w->out.len = 0;
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	}
	if (w->out.len > 0 &&
	    fwrite(w->out.p, 1, w->out.len, w->fp) != w->out.len)
		goto fail;
	w->out.len = 0;
	if (fflush(w->fp) != 0)
		goto fail;
	return 0;
fail:
	if (eno != NULL)
		*eno = errno;
	w->out.len = 0;
	return csm_err_set(err, CSM_EIO, "write error: %s", strerror(errno));
}

static void
table_render(struct csm_writer *w)
{
	size_t *wid, r, c, nrows, cw, pad;

	if (w->ncells == 0 || w->ncols == 0)
		return;
	wid = calloc(w->ncols, sizeof(*wid));
	if (wid == NULL) {
		w->out.oom = 1;
		return;
	}
	nrows = w->ncells / w->ncols;
	for (r = 0; r < nrows; r++)
		for (c = 0; c < w->ncols; c++) {
			const char *s = w->cells[r * w->ncols + c];

			cw = s ? csm_width(s, strlen(s)) : 0;
			if (cw > wid[c])
				wid[c] = cw;
		}
	for (r = 0; r < nrows; r++) {
		int bold = r == 0 && (w->flags & CSM_W_COLOR);
		size_t begin;

		if (bold)
			csm_buf_add(&w->out, "\033[1m", 4);
		begin = w->out.len;
		for (c = 0; c < w->ncols; c++) {
			const char *s = w->cells[r * w->ncols + c];

			s = s ? s : "";
			csm_buf_add(&w->out, s, strlen(s));
			if (c + 1 == w->ncols)
				break;
			pad = wid[c] - csm_width(s, strlen(s)) + 2;
			while (pad-- > 0)
				csm_buf_addc(&w->out, ' ');
		}
		/* No trailing spaces: empty cells at the end of a row, and
		 * the padding before them, are not written. */
		while (w->out.len > begin && w->out.p[w->out.len - 1] == ' ')
			w->out.len--;
		if (bold)
			csm_buf_add(&w->out, "\033[0m", 4);
		csm_buf_addc(&w->out, '\n');
	}
	free(wid);
}

/* Writes everything (tables now), then flushes fp.  Same returns as
 * csm_writer_flush. */
int
csm_writer_finish(struct csm_writer *w, int *eno, struct csm_err *err)
{
	if (w->fmt == CSM_FMT_TABLE)
		table_render(w);
	else
		start(w);	/* CSV and TSV: a header even for no rows */
	return csm_writer_flush(w, eno, err);
}
