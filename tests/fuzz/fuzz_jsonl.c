/*
 * fuzz_jsonl.c - the JSON Lines reader (lib/read.c, and the fast path of
 * lib/json.c) and the JSON writers (lib/write.c).
 *
 * The input is a JSONL file.  Invariants, for every record read:
 *  - it is an object whose strings are valid UTF-8 without NUL;
 *  - jansson, strict as the reader is, reads the same line to an equal
 *    object (so the fast path accepts nothing jansson refuses and reads
 *    what it accepts the same way);
 *  - csm_json_text and the JSONL writer print text that reads back to an
 *    equal object;
 *  - the table writer (columns: the keys of the first record) prints a
 *    line per record and the header, valid UTF-8 without a control
 *    character a terminal would act on;
 * and every bad record has a line and a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "fuzz.h"

static void
check_strings(const json_t *v, int depth)
{
	const char *k;
	const json_t *x;
	size_t i;

	FUZZ_ASSERT(depth < 10000);
	if (json_is_string(v)) {
		FUZZ_ASSERT(csm_utf8_valid(json_string_value(v),
		    json_string_length(v), NULL));
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			check_strings(x, depth + 1);
	} else if (json_is_object(v)) {
		json_object_foreach((json_t *)(uintptr_t)v, k, x) {
			FUZZ_ASSERT(csm_utf8_valid(k, strlen(k), NULL));
			check_strings(x, depth + 1);
		}
	}
}

/* The line as the reader parses it: the raw bytes without a BOM on line
 * 1 and without a final CR. */
static json_t *
reread(const struct csm_rec *rec)
{
	const char *s = rec->raw;
	size_t len = rec->rawlen;

	if (rec->line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		len -= 3;
	}
	if (len > 0 && s[len - 1] == '\r')
		len--;
	return json_loadb(s, len, JSON_REJECT_DUPLICATES, NULL);
}

static void
check_record(struct csm_writer *w, const struct csm_rec *rec)
{
	json_t *back;
	const char *k, *out;
	json_t *v;
	char *text;
	size_t len;

	FUZZ_ASSERT(json_is_object(rec->obj));
	FUZZ_ASSERT(rec->line >= 1);
	check_strings(rec->obj, 0);

	back = reread(rec);
	FUZZ_ASSERT(back != NULL);
	FUZZ_ASSERT(json_equal(back, rec->obj));
	json_decref(back);

	text = csm_json_text(rec->obj);
	FUZZ_ASSERT(text != NULL);
	back = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	FUZZ_ASSERT(back != NULL);
	FUZZ_ASSERT(json_equal(back, rec->obj));
	json_decref(back);
	free(text);

	csm_writer_begin(w);
	json_object_foreach(rec->obj, k, v)
		csm_writer_json(w, k, v);
	csm_writer_end(w);
	out = csm_writer_buffer(w, &len);
	FUZZ_ASSERT(len >= 3 && out[len - 1] == '\n');
	FUZZ_ASSERT(memchr(out, '\n', len - 1) == NULL);
	back = json_loadb(out, len - 1, JSON_REJECT_DUPLICATES, NULL);
	FUZZ_ASSERT(back != NULL);
	FUZZ_ASSERT(json_equal(back, rec->obj));
	json_decref(back);
	csm_writer_discard(w);
}

#define MAXCOLS 16

/* The table of every record read, in columns named by the first. */
struct table {
	json_t			*first;		/* holds the column names */
	const char		*cols[MAXCOLS + 1];
	struct csm_writer	*w;
	FILE			*fp;		/* into out */
	char			*out;
	size_t			 len;
	long			 rows;
};

static void
table_add(struct table *t, json_t *obj)
{
	const char *k;
	json_t *v;
	size_t n = 0;

	if (t->first == NULL) {
		t->first = json_incref(obj);
		json_object_foreach(obj, k, v)
			if (n < MAXCOLS)
				t->cols[n++] = k;
		t->cols[n] = NULL;
		if (n == 0)
			return;
		t->fp = open_memstream(&t->out, &t->len);
		FUZZ_ASSERT(t->fp != NULL);
		t->w = csm_writer_new(t->fp, CSM_FMT_TABLE, t->cols, 0);
		FUZZ_ASSERT(t->w != NULL);
	}
	if (t->w == NULL)
		return;
	csm_writer_begin(t->w);
	json_object_foreach(obj, k, v)
		csm_writer_json(t->w, k, v);
	csm_writer_end(t->w);
	t->rows++;
}

/* Whether text is valid UTF-8 without C0 (but newline), DEL, C1 or bidi
 * controls. */
static int
printable(const char *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;

	if (!csm_utf8_valid(s, len, NULL))
		return 0;
	while (i < len) {
		n = csm_utf8_decode(s + i, len - i, &cp);
		if ((cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp < 0xA0) ||
		    (cp >= 0x202A && cp <= 0x202E) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			return 0;
		i += n;
	}
	return 1;
}

static void
table_end(struct table *t)
{
	struct csm_err err;
	long lines = 0;
	size_t i;

	if (t->w != NULL) {
		FUZZ_ASSERT(csm_writer_finish(t->w, NULL, &err) == 0);
		csm_writer_free(t->w);
		FUZZ_ASSERT(fclose(t->fp) == 0);
		for (i = 0; i < t->len; i++)
			lines += t->out[i] == '\n';
		FUZZ_ASSERT(lines == t->rows + 1);
		FUZZ_ASSERT(t->len > 0 && t->out[t->len - 1] == '\n');
		FUZZ_ASSERT(printable(t->out, t->len));
		free(t->out);
	}
	json_decref(t->first);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csm_reader *r;
	struct csm_writer *w;
	struct table table;
	struct csm_rec rec;
	struct csm_err err;
	const char *path;

	path = fuzz_file(0, data, size);
	FUZZ_ASSERT(path != NULL);
	r = csm_reader_open(path, CSM_FMT_JSONL, NULL, &err);
	FUZZ_ASSERT(r != NULL);
	w = csm_writer_new(NULL, CSM_FMT_JSONL, NULL, 0);
	FUZZ_ASSERT(w != NULL);
	memset(&table, 0, sizeof(table));
	while (fuzz_next(r, size, &rec) == 1) {
		check_record(w, &rec);
		table_add(&table, rec.obj);
		json_decref(rec.obj);
	}
	table_end(&table);
	csm_writer_free(w);
	csm_reader_close(r);
	return 0;
}
