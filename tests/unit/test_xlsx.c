/*
 * test_xlsx.c - the .xlsx writer: a book of every column type, hostile
 * sheet names and oversized text, read back from the zip with zlib; and
 * malformed books, which must fail with CSM_EDATA and leave no temporary
 * file in the private $TMPDIR the test sets.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "csm.h"
#include "csm_test.h"

#define HAN "\xe6\xb1\x89"		/* 汉, one UTF-16 unit, 3 bytes */
#define GRIN "\xf0\x9f\x98\x80"		/* 😀, two UTF-16 units, 4 bytes */

static char tmpdir[] = "/tmp/csm-test-xlsx-XXXXXX";

/* Entries left in the private TMPDIR. */
static int
leftovers(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static uint32_t
le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t
le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

/* Inflates the raw deflate data z[0..zn) into a new NUL-terminated
 * buffer of n bytes, or NULL. */
static char *
inflate_all(const unsigned char *z, size_t zn, size_t n)
{
	z_stream s;
	char *out = malloc(n + 1);
	int rc;

	if (out == NULL)
		return NULL;
	memset(&s, 0, sizeof(s));
	if (inflateInit2(&s, -MAX_WBITS) != Z_OK) {
		free(out);
		return NULL;
	}
	s.next_in = (Bytef *)(uintptr_t)z;
	s.avail_in = (uInt)zn;
	s.next_out = (Bytef *)out;
	s.avail_out = (uInt)n;
	rc = inflate(&s, Z_FINISH);
	inflateEnd(&s);
	if (rc != Z_STREAM_END || s.total_out != n) {
		free(out);
		return NULL;
	}
	out[n] = '\0';
	return out;
}

/* The member name of the zip zip[0..len), by its central directory,
 * inflated (new), or NULL. */
static char *
zip_member(const unsigned char *zip, size_t len, const char *name)
{
	size_t i, off, n, lo;
	const unsigned char *p;

	for (i = len < 22 ? 0 : len - 22; i > 0; i--)
		if (le32(zip + i) == 0x06054b50)
			break;
	if (i == 0)
		return NULL;
	off = le32(zip + i + 16);
	for (n = le16(zip + i + 10); n > 0; n--) {
		if (off + 46 > len || le32(zip + off) != 0x02014b50)
			return NULL;
		p = zip + off;
		if (le16(p + 28) == strlen(name) &&
		    memcmp(p + 46, name, strlen(name)) == 0)
			break;
		off += 46 + le16(p + 28) + le16(p + 30) + le16(p + 32);
	}
	if (n == 0)
		return NULL;
	lo = le32(p + 42);
	if (lo + 30 > len || le16(p + 10) != Z_DEFLATED)
		return NULL;
	lo += 30 + le16(zip + lo + 26) + le16(zip + lo + 28);
	if (lo + le32(p + 20) > len)
		return NULL;
	return inflate_all(zip + lo, le32(p + 20), le32(p + 24));
}

/* Writes book with csm_xlsx_write into a new buffer (*out, *n).  Returns
 * the call's result. */
static int
write_book(const json_t *book, char **out, size_t *n, struct csm_err *err)
{
	FILE *fp = open_memstream(out, n);
	int rc;

	if (fp == NULL)
		return -2;
	rc = csm_xlsx_write(fp, book, err);
	fclose(fp);
	return rc;
}

/* Appends count copies of s to a new string, as a JSON string. */
static json_t *
repeat(const char *s, size_t count)
{
	size_t len = strlen(s), i;
	char *buf = malloc(len * count + 1);
	json_t *v;

	if (buf == NULL)
		return NULL;
	for (i = 0; i < count; i++)
		memcpy(buf + i * len, s, len);
	buf[len * count] = '\0';
	v = json_string(buf);
	free(buf);
	return v;
}

static const char book_text[] =
    "{\"sheets\": ["
    "{\"name\": \"Report\", \"columns\": ["
    "{\"name\": \"category\", \"type\": \"string\"},"
    "{\"name\": \"n\", \"type\": \"int\"},"
    "{\"name\": \"mean\", \"type\": \"number\"},"
    "{\"name\": \"met\", \"type\": \"percent\"},"
    "{\"name\": \"frt_mean\", \"type\": \"seconds\"},"
    "{\"name\": \"first\", \"type\": \"time\"},"
    "{\"name\": \"vip\", \"type\": \"bool\"}],"
    "\"rows\": ["
    "[\"billing\", 42, 1.5, 87.5, 3725, \"2026-01-05T09:30:00+08:00\", true],"
    "[\"\xe9\x80\x80\xe6\xac\xbe " GRIN "\", null, null, null, null, null,"
    " null],"
    "[42, \"abc\", \"x\", true, \"1h\", \"not a time\", \"yes\"],"
    "[{\"a\": 1}, 1234567890123456789, 2.25, 100, 0,"
    " \"2026-03-01T23:59:59Z\", false],"
    "[\"short row\"]]},"
    "{\"name\": \"a/b:c*?[x]\", \"columns\": [{\"name\": \"long\"}],"
    " \"rows\": [[\"_x0041_ and _x00\"]]},"
    "{\"name\": \"report\", \"columns\": [], \"rows\": []},"
    "{\"columns\": [{\"name\": \"x\", \"type\": \"time\"}],"
    " \"rows\": [[\"1899-12-31T00:00:00Z\"], [\"2026-01-05\"]]}"
    "]}";

/* Builds the test book: book_text with a 40-character CJK sheet and
 * text longer than a cell holds.  new. */
static json_t *
test_book(void)
{
	json_t *book = json_loads(book_text, 0, NULL), *s, *name;

	if (book == NULL)
		return NULL;
	s = json_array_get(json_object_get(book, "sheets"), 1);
	json_array_append_new(json_object_get(s, "rows"),
	    json_pack("[o]", repeat(HAN, 40000)));
	json_array_append_new(json_object_get(s, "rows"),
	    json_pack("[o]", repeat(GRIN, 20000)));
	name = repeat(HAN, 40);
	json_array_append_new(json_object_get(book, "sheets"),
	    json_pack("{s:o, s:[], s:[]}", "name", name, "columns", "rows"));
	return book;
}

/* Whether the text holds <t>s * count</t>. */
static int
has_run(const char *xml, const char *s, size_t count)
{
	size_t len = strlen(s), i;
	const char *p = xml;

	while ((p = strstr(p, "<t>")) != NULL) {
		p += 3;
		for (i = 0; i < count && strncmp(p + i * len, s, len) == 0; i++)
			;
		if (i == count && strncmp(p + i * len, "</t>", 4) == 0)
			return 1;
	}
	return 0;
}

static void
test_write(void)
{
	struct csm_err err;
	json_t *book = test_book();
	char *out = NULL, *wb, *s1, *s2, *s5, *sst, cjk[128];
	size_t n = 0, i, k;
	int rc;

	CHECK(book != NULL);
	csm_err_clear(&err);
	rc = write_book(book, &out, &n, &err);
	CHECK_INT(rc, 0);
	if (rc != 0)
		fprintf(stderr, "  err: %s\n", err.msg);
	CHECK(n > 4 && memcmp(out, "PK\x03\x04", 4) == 0);
	CHECK_INT(leftovers(), 0);
	wb = zip_member((unsigned char *)out, n, "xl/workbook.xml");
	s1 = zip_member((unsigned char *)out, n, "xl/worksheets/sheet1.xml");
	s2 = zip_member((unsigned char *)out, n, "xl/worksheets/sheet2.xml");
	s5 = zip_member((unsigned char *)out, n, "xl/worksheets/sheet5.xml");
	sst = zip_member((unsigned char *)out, n, "xl/sharedStrings.xml");
	CHECK(wb != NULL && s1 != NULL && s2 != NULL && sst != NULL);
	CHECK(s5 != NULL);
	if (wb == NULL || s1 == NULL || s2 == NULL || sst == NULL)
		goto out;

	/* Sheet names: sanitized, cut, told apart, given. */
	CHECK(strstr(wb, "name=\"Report\"") != NULL);
	CHECK(strstr(wb, "name=\"a_b_c___x_\"") != NULL);
	CHECK(strstr(wb, "name=\"report (2)\"") != NULL);
	CHECK(strstr(wb, "name=\"Sheet4\"") != NULL);
	k = (size_t)snprintf(cjk, sizeof(cjk), "name=\"");
	for (i = 0; i < 31; i++)
		k += (size_t)snprintf(cjk + k, sizeof(cjk) - k, HAN);
	snprintf(cjk + k, sizeof(cjk) - k, "\"");
	CHECK(strstr(wb, cjk) != NULL);

	/* Header: frozen, filtered. */
	CHECK(strstr(s1, "<pane ySplit=\"1\"") != NULL);
	CHECK(strstr(s1, "<autoFilter ref=\"A1:G6\"") != NULL);

	/* Typed cells. */
	CHECK(strstr(s1, "<c r=\"B2\" s=\"2\"><v>42</v>") != NULL);
	CHECK(strstr(s1, "<c r=\"C2\"><v>1.5</v>") != NULL);
	CHECK(strstr(s1, "<c r=\"D2\" s=\"3\"><v>0.875</v>") != NULL);
	CHECK(strstr(s1, "<c r=\"E2\" s=\"4\"><v>3725</v>") != NULL);
	CHECK(strstr(s1, "<c r=\"F2\" s=\"5\"><v>46027.3958333") != NULL);
	CHECK(strstr(s1, "<c r=\"G2\" t=\"b\"><v>1</v>") != NULL);
	CHECK(strstr(s1, "<c r=\"D5\" s=\"3\"><v>1</v>") != NULL);
	CHECK(strstr(s1, "<c r=\"F5\" s=\"5\"><v>46082.9999884") != NULL);
	CHECK(strstr(s1, "<c r=\"G5\" t=\"b\"><v>0</v>") != NULL);
	/* null is no cell at all. */
	CHECK(strstr(s1, "r=\"B3\"") == NULL);
	CHECK(strstr(s1, "r=\"G3\"") == NULL);
	/* Values of the wrong type are text (shared strings, t="s"). */
	CHECK(strstr(s1, "<c r=\"A4\" t=\"s\">") != NULL);
	CHECK(strstr(s1, "<c r=\"B4\" t=\"s\">") != NULL);
	CHECK(strstr(s1, "<c r=\"D4\" t=\"s\">") != NULL);
	CHECK(strstr(s1, "<c r=\"F4\" t=\"s\">") != NULL);
	CHECK(strstr(s1, "<c r=\"G4\" t=\"s\">") != NULL);
	CHECK(strstr(s1, "<c r=\"B5\" t=\"s\">") != NULL);
	CHECK(strstr(sst, "<t>1234567890123456789</t>") != NULL);
	CHECK(strstr(sst, "<t>{\"a\":1}</t>") != NULL ||
	    strstr(sst, "<t>{&quot;a&quot;:1}</t>") != NULL);
	CHECK(strstr(sst, "<t>not a time</t>") != NULL);
	/* Excel would read "_x0041_" as "A". */
	CHECK(strstr(sst, "<t>_x005F_x0041_ and _x00</t>") != NULL);
	CHECK(strstr(sst, "<t>true</t>") != NULL);
	CHECK(strstr(sst, "<t>\xe9\x80\x80\xe6\xac\xbe " GRIN "</t>") != NULL);

	/* Columns as wide as their content, at most 60. */
	CHECK(strstr(s2, "width=\"60") != NULL);
	CHECK(strstr(s1, "<col min=\"6\" max=\"6\" width=\"20") != NULL);

	/* Text longer than a cell, cut between characters. */
	CHECK(has_run(sst, HAN, 32767));
	CHECK(has_run(sst, GRIN, 16383));
out:
	free(wb);
	free(s1);
	free(s2);
	free(s5);
	free(sst);
	free(out);
	json_decref(book);
}

/* A time before 1900 is text; a date alone is its midnight. */
static void
test_times(void)
{
	struct csm_err err;
	json_t *book = test_book();
	char *out = NULL, *s4, *sst;
	size_t n = 0;

	CHECK_INT(write_book(book, &out, &n, &err), 0);
	s4 = zip_member((unsigned char *)out, n, "xl/worksheets/sheet4.xml");
	sst = zip_member((unsigned char *)out, n, "xl/sharedStrings.xml");
	CHECK(s4 != NULL && sst != NULL);
	if (s4 != NULL && sst != NULL) {
		CHECK(strstr(s4, "<c r=\"A2\" t=\"s\">") != NULL);
		CHECK(strstr(sst, "<t>1899-12-31T00:00:00Z</t>") != NULL);
		CHECK(strstr(s4, "<c r=\"A3\" s=\"5\"><v>46027</v>") != NULL);
	}
	free(s4);
	free(sst);
	free(out);
	json_decref(book);
}

/* A malformed book: -1, CSM_EDATA, nothing written, no file left. */
static void
bad_book(const char *text, const char *msg)
{
	struct csm_err err;
	json_t *book = json_loads(text, 0, NULL);
	char *out = NULL;
	size_t n = 0;

	CHECK(book != NULL);
	csm_err_clear(&err);
	CHECK_INT(write_book(book, &out, &n, &err), -1);
	CHECK_INT(err.code, CSM_EDATA);
	CHECK_STR(err.msg, msg);
	CHECK_INT(n, 0);
	CHECK_INT(leftovers(), 0);
	free(out);
	json_decref(book);
}

static void
test_malformed(void)
{
	bad_book("{}", "book: 'sheets' missing or not an array");
	bad_book("[]", "book: 'sheets' missing or not an array");
	bad_book("{\"sheets\": {}}", "book: 'sheets' missing or not an array");
	bad_book("{\"sheets\": []}", "book: no sheets");
	bad_book("{\"sheets\": [1]}", "sheet 1: not an object");
	bad_book("{\"sheets\": [{\"name\": 1, \"columns\": [], \"rows\": []}]}",
	    "sheet 1: 'name' is not a string");
	bad_book("{\"sheets\": [{\"columns\": [], \"rows\": []},"
	    " {\"rows\": []}]}",
	    "sheet 2: 'columns' missing or not an array");
	bad_book("{\"sheets\": [{\"columns\": [{\"type\": \"int\"}],"
	    " \"rows\": []}]}",
	    "sheet 1: column 1: not an object with a 'name' string");
	bad_book("{\"sheets\": [{\"columns\": [{\"name\": \"a\","
	    " \"type\": \"date\"}], \"rows\": []}]}",
	    "sheet 1: column 1: 'type' is not one of string, int, number, "
	    "percent, seconds, time, bool");
	bad_book("{\"sheets\": [{\"columns\": [{\"name\": \"a\"}]}]}",
	    "sheet 1: 'rows' missing or not an array");
	bad_book("{\"sheets\": [{\"columns\": [{\"name\": \"a\"}],"
	    " \"rows\": [[1], 2]}]}", "sheet 1: row 2: not an array");
	bad_book("{\"sheets\": [{\"columns\": [{\"name\": \"a\"}],"
	    " \"rows\": [[1, 2]]}]}", "sheet 1: row 1: 2 values for 1 columns");
}

/* Errors of the temporary directory and of the output are CSM_EIO. */
static void
test_io(void)
{
	static const char small[] =
	    "{\"sheets\": [{\"columns\": [{\"name\": \"a\"}],"
	    " \"rows\": [[\"x\"]]}]}";
	struct csm_err err;
	json_t *book = json_loads(small, 0, NULL);
	char missing[sizeof(tmpdir) + 8];
	FILE *full;

	snprintf(missing, sizeof(missing), "%s/nodir", tmpdir);
	setenv("TMPDIR", missing, 1);
	csm_err_clear(&err);
	CHECK_INT(csm_xlsx_write(stdout, book, &err), -1);
	CHECK_INT(err.code, CSM_EIO);
	CHECK(strstr(err.msg, "cannot create a temporary file in") != NULL);
	setenv("TMPDIR", tmpdir, 1);

	if ((full = fopen("/dev/full", "w")) != NULL) {
		csm_err_clear(&err);
		CHECK_INT(csm_xlsx_write(full, book, &err), -1);
		CHECK_INT(err.code, CSM_EIO);
		CHECK(strstr(err.msg, "write error") != NULL);
		fclose(full);
	}
	CHECK_INT(leftovers(), 0);
	json_decref(book);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	setenv("TMPDIR", tmpdir, 1);
	test_write();
	test_times();
	test_malformed();
	test_io();
	csm_t_rmtree(tmpdir);
	return TEST_REPORT();
}
