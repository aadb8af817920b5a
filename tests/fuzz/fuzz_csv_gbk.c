/*
 * fuzz_csv_gbk.c - the readers with a legacy encoding (lib/read.c through
 * iconv(3)): the input is read as a GBK CSV file, then as a GB18030 JSON
 * Lines file.  Every record must come out as valid UTF-8; every bad
 * record must have a line and a message.
 */
#include <string.h>

#include "csm.h"
#include "fuzz.h"

static void
check_strings(const json_t *v)
{
	const char *k;
	const json_t *x;
	size_t i;

	if (json_is_string(v)) {
		FUZZ_ASSERT(csm_utf8_valid(json_string_value(v),
		    json_string_length(v), NULL));
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			check_strings(x);
	} else if (json_is_object(v)) {
		json_object_foreach((json_t *)(uintptr_t)v, k, x) {
			FUZZ_ASSERT(csm_utf8_valid(k, strlen(k), NULL));
			check_strings(x);
		}
	}
}

static void
one(const char *path, enum csm_fmt fmt, const char *encoding, size_t size)
{
	struct csm_reader *r;
	struct csm_rec rec;
	struct csm_err err;

	r = csm_reader_open(path, fmt, encoding, &err);
	if (r == NULL) {
		/* A C library without the encoding. */
		FUZZ_ASSERT(err.code == CSM_EUSAGE);
		return;
	}
	while (fuzz_next(r, size, &rec) == 1) {
		check_strings(rec.obj);
		json_decref(rec.obj);
	}
	csm_reader_close(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(0, data, size);

	FUZZ_ASSERT(path != NULL);
	one(path, CSM_FMT_CSV, "gbk", size);
	one(path, CSM_FMT_JSONL, "GB18030", size);
	return 0;
}
