/*
 * fuzz_csv.c - the CSV and TSV readers (lib/read.c, libcsv) and writers
 * (lib/write.c).
 *
 * The input is read as a CSV file, then as a TSV file.  Invariants:
 *  - every record is an object of non-empty strings, valid UTF-8 without
 *    NUL, and every bad record has a line and a message;
 *  - what the reader read, written by the writer of the same format (the
 *    columns being every key seen, in order) and read again, gives the
 *    same records (but for records without fields in one-column TSV,
 *    which are blank lines).
 */
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "fuzz.h"

#define MAXCOLS 512

struct run {
	json_t		*recs;		/* what was read */
	const char	*cols[MAXCOLS + 1];
	size_t		 ncols;
};

static void
add_cols(struct run *run, json_t *obj)
{
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach(obj, k, v) {
		for (i = 0; i < run->ncols; i++)
			if (strcmp(run->cols[i], k) == 0)
				break;
		if (i == run->ncols && run->ncols < MAXCOLS)
			/* Borrowed from the records, which run->recs
			 * holds. */
			run->cols[run->ncols++] = k;
	}
}

/* Reads path in fmt into run->recs; returns how reading ended. */
static int
read_all(const char *path, enum csm_fmt fmt, size_t size, struct run *run)
{
	struct csm_reader *r;
	struct csm_rec rec;
	struct csm_err err;
	const char *k;
	json_t *v;
	int rc;

	r = csm_reader_open(path, fmt, NULL, &err);
	FUZZ_ASSERT(r != NULL);
	while ((rc = fuzz_next(r, size, &rec)) == 1) {
		json_object_foreach(rec.obj, k, v) {
			FUZZ_ASSERT(json_is_string(v));
			FUZZ_ASSERT(json_string_length(v) > 0);
			FUZZ_ASSERT(csm_utf8_valid(json_string_value(v),
			    json_string_length(v), NULL));
			FUZZ_ASSERT(csm_utf8_valid(k, strlen(k), NULL));
		}
		FUZZ_ASSERT(json_array_append_new(run->recs, rec.obj) == 0);
		add_cols(run, rec.obj);
	}
	csm_reader_close(r);
	return rc;
}

/* Writes what was read and reads it again. */
static void
round_trip(enum csm_fmt fmt, struct run *run)
{
	struct csm_writer *w;
	struct run again;
	const char *k, *text, *path;
	json_t *rec, *v;
	size_t i, len;
	int rc;

	/* A header that starts with a byte order mark loses it when read
	 * again, as it should. */
	if (run->ncols == 0 || run->ncols == MAXCOLS ||
	    strncmp(run->cols[0], "\xEF\xBB\xBF", 3) == 0)
		return;
	run->cols[run->ncols] = NULL;
	w = csm_writer_new(NULL, fmt, run->cols, 0);
	FUZZ_ASSERT(w != NULL);
	json_array_foreach(run->recs, i, rec) {
		csm_writer_begin(w);
		json_object_foreach(rec, k, v)
			csm_writer_json(w, k, v);
		csm_writer_end(w);
	}
	text = csm_writer_buffer(w, &len);
	path = fuzz_file(1, text, len);
	FUZZ_ASSERT(path != NULL);
	memset(&again, 0, sizeof(again));
	again.recs = json_array();
	rc = read_all(path, fmt, len, &again);
	if (fmt == CSM_FMT_TSV && run->ncols == 1) {
		/* A record without fields in a one-column TSV file is a
		 * blank line, which readers skip: TSV cannot say it. */
		for (i = json_array_size(run->recs); i-- > 0;)
			if (json_object_size(json_array_get(run->recs, i)) == 0)
				json_array_remove(run->recs, i);
	}
	if (rc != 0 || !json_equal(again.recs, run->recs)) {
		fprintf(stderr, "%s round trip: wrote\n%.*s\n",
		    fmt == CSM_FMT_CSV ? "CSV" : "TSV", (int)len, text);
		FUZZ_ASSERT(rc == 0);
		FUZZ_ASSERT(json_equal(again.recs, run->recs));
	}
	json_decref(again.recs);
	csm_writer_free(w);
}

static void
one(const char *path, enum csm_fmt fmt, size_t size)
{
	struct run run;

	memset(&run, 0, sizeof(run));
	run.recs = json_array();
	FUZZ_ASSERT(run.recs != NULL);
	/* Only what reads cleanly round-trips: a bad row is not written. */
	if (read_all(path, fmt, size, &run) == 0)
		round_trip(fmt, &run);
	json_decref(run.recs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(0, data, size);

	FUZZ_ASSERT(path != NULL);
	one(path, CSM_FMT_CSV, size);
	one(path, CSM_FMT_TSV, size);
	return 0;
}
