/*
 * fuzz_report.c - the dashboard page (lib/report_html.c): any JSON text
 * as the dashboard that csm_report_html draws.
 *
 * The input is read as one JSON value (jansson, so duplicate keys and
 * depth are jansson's business); what is not JSON is skipped.
 *
 * Invariants:
 *  - an object is drawn (0), anything else is refused with CSM_EDATA and
 *    a message;
 *  - the page is valid UTF-8 and starts with <!DOCTYPE html>;
 *  - it holds no <script, no on...= attribute from the data, and no URL:
 *    the input's strings are escaped, never markup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "fuzz.h"

static void
check_page(const char *p, size_t n)
{
	size_t bad;

	FUZZ_ASSERT(n > 15 && memcmp(p, "<!DOCTYPE html>", 15) == 0);
	FUZZ_ASSERT(csm_utf8_valid(p, n, &bad));
	FUZZ_ASSERT(!fuzz_contains_ci((const uint8_t *)p, n, "<script"));
	FUZZ_ASSERT(!fuzz_contains_ci((const uint8_t *)p, n, "http:"));
	FUZZ_ASSERT(!fuzz_contains_ci((const uint8_t *)p, n, "https:"));
	FUZZ_ASSERT(!fuzz_contains_ci((const uint8_t *)p, n, "<iframe"));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csm_err err;
	json_error_t jerr;
	json_t *v = json_loadb((const char *)data, size, JSON_DECODE_ANY,
	    &jerr);
	char *page = NULL;
	size_t n = 0;
	FILE *fp;
	int rc;

	if (v == NULL)
		return 0;
	if ((fp = open_memstream(&page, &n)) == NULL) {
		json_decref(v);
		return 0;
	}
	csm_err_clear(&err);
	rc = csm_report_html(fp, v, &err);
	FUZZ_ASSERT(fclose(fp) == 0);
	if (json_is_object(v)) {
		FUZZ_ASSERT(rc == 0);
		check_page(page, n);
	} else
		FUZZ_ASSERT(rc == -1 && err.code == CSM_EDATA &&
		    err.msg[0] != '\0');
	free(page);
	json_decref(v);
	return 0;
}
