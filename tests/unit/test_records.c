/*
 * test_records.c - record readers and writers (lib/read.c, lib/write.c):
 * JSON Lines, CSV (against the csv-spectrum corpus), TSV, GBK input,
 * size limits, every error message with its line; CSV, TSV, JSONL and
 * table output, and round trips from writer to reader.
 *
 * Inputs are written to a mkdtemp directory under /tmp, removed at the
 * end.  Each reader run is turned into a transcript, one line a record:
 * "LINE {json}" for a record, "LINE ! message" for a bad one (-1) and
 * "LINE !! message" for the error that stops reading (-2), optionally
 * followed by " | raw" with the record's bytes as read.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "csm_test.h"

#define S(lit) (lit), (sizeof(lit) - 1)

static char dir[] = "/tmp/csm-test-records.XXXXXX";

/* Writes len bytes to dir/name; returns the path (static, 8 in turn). */
static const char *
put(const char *name, const char *data, size_t len)
{
	static char paths[8][512];
	static int k;
	char *p = paths[k++ % 8];
	FILE *fp;

	snprintf(p, 512, "%s/%s", dir, name);
	fp = fopen(p, "wb");
	if (fp == NULL || fwrite(data, 1, len, fp) != len) {
		fprintf(stderr, "cannot write %s\n", p);
		exit(1);
	}
	fclose(fp);
	return p;
}

#define PUT(name, lit) put(name, S(lit))

/* Appends raw bytes made visible: \n, \r, \\ and other controls. */
static void
add_raw(struct csm_buf *t, const char *s, size_t len)
{
	size_t i;
	char x[8];

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			csm_buf_add(t, "\\n", 2);
		else if (c == '\r')
			csm_buf_add(t, "\\r", 2);
		else if (c == '\\')
			csm_buf_add(t, "\\\\", 2);
		else if (c < 0x20 || c == 0x7F) {
			snprintf(x, sizeof(x), "\\x%02x", c);
			csm_buf_add(t, x, 4);
		} else
			csm_buf_addc(t, (char)c);
	}
}

/*
 * Reads every record of path and returns the transcript (new).  withraw
 * adds each record's raw bytes.
 */
static char *
transcript(const char *path, enum csm_fmt fmt, const char *enc, int withraw)
{
	struct csm_buf t = {0};
	struct csm_err err;
	struct csm_reader *r;
	struct csm_rec rec;
	char num[64];
	int rc, guard = 0;

	csm_buf_add(&t, "", 0);
	memset(&err, 0, sizeof(err));
	r = csm_reader_open(path, fmt, enc, &err);
	if (r == NULL) {
		snprintf(num, sizeof(num), "open %d: ", err.code);
		csm_buf_add(&t, num, strlen(num));
		csm_buf_add(&t, err.msg, strlen(err.msg));
		return t.p;
	}
	while ((rc = csm_reader_next(r, &rec, &err)) != 0 && guard++ < 1000) {
		if (rc == 1 || err.line == rec.line)
			snprintf(num, sizeof(num), "%ld ", rec.line);
		else
			snprintf(num, sizeof(num), "%ld@%ld ", rec.line,
			    err.line);
		csm_buf_add(&t, num, strlen(num));
		if (rc == 1) {
			char *j = json_dumps(rec.obj, JSON_COMPACT);

			csm_buf_add(&t, j, strlen(j));
			free(j);
			json_decref(rec.obj);
		} else {
			csm_buf_add(&t, rc == -1 ? "! " : "!! ", rc == -1 ? 2 :
			    3);
			csm_buf_add(&t, err.msg, strlen(err.msg));
			if (rec.obj != NULL)
				csm_buf_add(&t, " (and an object)", 16);
			if (err.code != CSM_EDATA && rc == -1)
				csm_buf_add(&t, " (not CSM_EDATA)", 16);
		}
		if (withraw) {
			csm_buf_add(&t, " | ", 3);
			add_raw(&t, rec.raw, rec.rawlen);
		}
		csm_buf_addc(&t, '\n');
		if (rc == -2)
			break;
	}
	csm_reader_close(r);
	return t.p;
}

static void
check_tr(const char *path, enum csm_fmt fmt, const char *enc, int withraw,
    const char *want, int line)
{
	char *got = transcript(path, fmt, enc, withraw);

	if (strcmp(got, want) == 0)
		csm_t_pass++;
	else {
		csm_t_fail++;
		fprintf(stderr, "%s:%d: FAIL: transcript of %s\n  got:\n%s"
		    "  expected:\n%s", __FILE__, line, path, got, want);
	}
	free(got);
}

#define TR(path, fmt, want) check_tr(path, fmt, NULL, 0, want, __LINE__)
#define TRRAW(path, fmt, want) check_tr(path, fmt, NULL, 1, want, __LINE__)
#define TRENC(path, fmt, enc, want) \
	check_tr(path, fmt, enc, 0, want, __LINE__)

/* JSON Lines. */

static void
test_jsonl_basic(void)
{
	const char *p;

	/* BOM on line 1, CRLF, blank and white lines, no final newline. */
	p = PUT("a.jsonl", "\xEF\xBB\xBF{\"a\":1}\r\n\r\n  \t\n"
	    "{\"b\":\"x\",\"c\":[1,\"y\"]}\r\n\n{\"d\":{\"e\":null}}");
	TRRAW(p, CSM_FMT_AUTO,
	    "1 {\"a\":1} | \xEF\xBB\xBF{\"a\":1}\\r\n"
	    "4 {\"b\":\"x\",\"c\":[1,\"y\"]} | {\"b\":\"x\",\"c\":[1,\"y\"]}\\r\n"
	    "6 {\"d\":{\"e\":null}} | {\"d\":{\"e\":null}}\n");
	/* A BOM after line 1 is an error. */
	p = PUT("bom2.jsonl", "{}\n\xEF\xBB\xBF{}\n");
	TR(p, CSM_FMT_JSONL,
	    "1 {}\n"
	    "2 ! invalid JSON at column 1: '[' or '{' expected near "
	    "'\xEF\xBB\xBF'\n");
	/* Key order is the input's; fast path and jansson alike. */
	p = PUT("order.jsonl", "{\"z\":1,\"a\":2,\"m\":3}\n"
	    "{\"z\":1.5,\"a\":{\"q\":1},\"m\":3}\n");
	TR(p, CSM_FMT_JSONL,
	    "1 {\"z\":1,\"a\":2,\"m\":3}\n"
	    "2 {\"z\":1.5,\"a\":{\"q\":1},\"m\":3}\n");
	/* Empty input, and input of blank lines only. */
	p = PUT("empty.jsonl", "");
	TR(p, CSM_FMT_JSONL, "");
	p = PUT("blank.jsonl", "\n\r\n \n");
	TR(p, CSM_FMT_JSONL, "");
	/* Not an object; reading goes on. */
	p = PUT("arr.jsonl", "{\"a\":1}\n[1]\n[]\n{\"a\":2}\n");
	TRRAW(p, CSM_FMT_JSONL,
	    "1 {\"a\":1} | {\"a\":1}\n"
	    "2 ! not a JSON object | [1]\n"
	    "3 ! not a JSON object | []\n"
	    "4 {\"a\":2} | {\"a\":2}\n");
}

static void
test_jsonl_errors(void)
{
	const char *p;
	struct csm_err err;
	struct csm_reader *r;
	struct csm_rec rec;

	p = PUT("bad.jsonl",
	    "{\"a\":1,}\n"
	    "{\"a\":1,\"a\":2}\n"
	    "{\"a\":\"\xff\"}\n"
	    "{\"a\":\"x\0y\"}\n"
	    "{\"a\" 1}\n"
	    "{\"a\":tru}\r\n"
	    "42\n"
	    "{\"ok\":true}\n");
	TRRAW(p, CSM_FMT_JSONL,
	    "1 ! invalid JSON at column 8: string or '}' expected near '}' | "
	    "{\"a\":1,}\n"
	    "2 ! invalid JSON at column 10: duplicate object key near '\"a\"' "
	    "| {\"a\":1,\"a\":2}\n"
	    "3 ! invalid JSON at column 6: unable to decode byte 0xff near "
	    "'\"' | {\"a\":\"\xff\"}\n"
	    "4 ! invalid JSON at column 7: control character 0x0 near '\"x' "
	    "| {\"a\":\"x\\x00y\"}\n"
	    "5 ! invalid JSON at column 6: ':' expected near '1' | {\"a\" 1}\n"
	    "6 ! invalid JSON at column 8: invalid token near 'tru' | "
	    "{\"a\":tru}\\r\n"
	    "7 ! invalid JSON at column 2: '[' or '{' expected near '42' | "
	    "42\n"
	    "8 {\"ok\":true} | {\"ok\":true}\n");

	/* err.col is the column of the message; csm.h counts bytes. */
	p = PUT("col.jsonl", "{\"a\":1,}\n{\"\xE5\x90\x8D\":x}\n");
	memset(&err, 0, sizeof(err));
	r = csm_reader_open(p, CSM_FMT_JSONL, NULL, &err);
	CHECK(r != NULL);
	CHECK_INT(csm_reader_next(r, &rec, &err), -1);
	CHECK_INT(err.code, CSM_EDATA);
	CHECK_INT(err.line, 1);
	CHECK_INT(err.col, 8);
	CHECK(rec.obj == NULL);
	CHECK_INT(csm_reader_next(r, &rec, &err), -1);
	CHECK_INT(err.line, 2);
	CHECK_INT(err.col, 8);		/* {"名":x : the x is byte 8 */
	CHECK_INT(csm_reader_next(r, &rec, &err), 0);
	CHECK_INT(err.code, CSM_OK);
	csm_reader_close(r);
}

/* A file of a line of n bytes: {"s":"xxx...x"} then the lines after. */
static const char *
big_line(const char *name, size_t n, const char *after)
{
	char *buf = malloc(n + strlen(after) + 1);
	const char *p;

	memcpy(buf, "{\"s\":\"", 6);
	memset(buf + 6, 'x', n - 8);
	memcpy(buf + n - 2, "\"}", 2);
	memcpy(buf + n, after, strlen(after));
	p = put(name, buf, n + strlen(after));
	free(buf);
	return p;
}

static void
test_jsonl_sizes(void)
{
	struct csm_err err;
	struct csm_reader *r;
	struct csm_rec rec;
	const char *p;
	size_t ten = 10u * 1024 * 1024;
	uint64_t done, total;

	/* A 10 MB string field. */
	p = big_line("ten.jsonl", ten + 8, "\n{\"n\":2}\n");
	r = csm_reader_open(p, CSM_FMT_JSONL, NULL, &err);
	CHECK_INT(csm_reader_next(r, &rec, &err), 1);
	CHECK_INT(rec.line, 1);
	CHECK_INT(json_string_length(json_object_get(rec.obj, "s")), ten);
	CHECK_INT(rec.rawlen, ten + 8);
	CHECK(rec.rawlen > 8 && rec.raw[rec.rawlen - 1] == '}' &&
	    rec.raw[ten] == 'x');
	json_decref(rec.obj);
	CHECK_INT(csm_reader_next(r, &rec, &err), 1);
	CHECK_INT(rec.line, 2);
	json_decref(rec.obj);
	CHECK_INT(csm_reader_next(r, &rec, &err), 0);
	csm_reader_progress(r, &done, &total);
	CHECK_INT(done, ten + 8 + 9);
	CHECK_INT(total, ten + 8 + 9);
	csm_reader_close(r);

	/* Exactly 16 MiB is allowed; one byte more is not, and the lines
	 * after it are still read. */
	p = big_line("max.jsonl", CSM_MAX_RECORD, "\n");
	r = csm_reader_open(p, CSM_FMT_JSONL, NULL, &err);
	CHECK_INT(csm_reader_next(r, &rec, &err), 1);
	CHECK_INT(json_string_length(json_object_get(rec.obj, "s")),
	    CSM_MAX_RECORD - 8);
	json_decref(rec.obj);
	CHECK_INT(csm_reader_next(r, &rec, &err), 0);
	csm_reader_close(r);

	p = big_line("over.jsonl", CSM_MAX_RECORD + 1,
	    "\n{\"after\":1}\n{\"after\":2}\n");
	r = csm_reader_open(p, CSM_FMT_JSONL, NULL, &err);
	CHECK_INT(csm_reader_next(r, &rec, &err), -1);
	CHECK_INT(err.code, CSM_EDATA);
	CHECK_INT(err.line, 1);
	CHECK_INT(rec.line, 1);
	CHECK_STR(err.msg, "line longer than 16 MiB");
	CHECK(rec.obj == NULL);
	CHECK_INT(csm_reader_next(r, &rec, &err), 1);
	CHECK_INT(rec.line, 2);
	CHECK_INT(json_integer_value(json_object_get(rec.obj, "after")), 1);
	json_decref(rec.obj);
	CHECK_INT(csm_reader_next(r, &rec, &err), 1);
	CHECK_INT(rec.line, 3);
	json_decref(rec.obj);
	CHECK_INT(csm_reader_next(r, &rec, &err), 0);
	csm_reader_close(r);

	/* A huge line after a good one, and last without a newline. */
	{
		size_t n = CSM_MAX_RECORD + 3u * 1024 * 1024;
		char *buf = malloc(n + 16);

		memcpy(buf, "{\"a\":1}\n", 8);
		memset(buf + 8, 'y', n);
		p = put("tail.jsonl", buf, n + 8);
		free(buf);
	}
	r = csm_reader_open(p, CSM_FMT_JSONL, NULL, &err);
	CHECK_INT(csm_reader_next(r, &rec, &err), 1);
	json_decref(rec.obj);
	CHECK_INT(csm_reader_next(r, &rec, &err), -1);
	CHECK_INT(err.line, 2);
	CHECK_STR(err.msg, "line longer than 16 MiB");
	CHECK_INT(csm_reader_next(r, &rec, &err), 0);
	csm_reader_close(r);

	/* 100,000-deep nesting: an error, not a crash. */
	{
		size_t depth = 100000, i;
		char *buf = malloc(4 * depth + 64);
		size_t o = 0;

		for (i = 0; i < depth; i++)
			buf[o++] = '[';
		for (i = 0; i < depth; i++)
			buf[o++] = ']';
		buf[o++] = '\n';
		for (i = 0; i < depth / 10; i++) {
			memcpy(buf + o, "{\"a\":", 5);
			o += 5;
		}
		buf[o++] = '1';
		for (i = 0; i < depth / 10; i++)
			buf[o++] = '}';
		memcpy(buf + o, "\n{\"ok\":1}\n", 10);
		o += 10;
		p = put("deep.jsonl", buf, o);
		free(buf);
	}
	r = csm_reader_open(p, CSM_FMT_JSONL, NULL, &err);
	CHECK_INT(csm_reader_next(r, &rec, &err), -1);
	CHECK_INT(err.line, 1);
	CHECK(strncmp(err.msg, "invalid JSON at column ", 23) == 0);
	CHECK(strstr(err.msg, "depth") != NULL);
	CHECK_INT(csm_reader_next(r, &rec, &err), -1);
	CHECK_INT(err.line, 2);
	CHECK(strstr(err.msg, "depth") != NULL);
	CHECK_INT(csm_reader_next(r, &rec, &err), 1);
	CHECK_INT(rec.line, 3);
	json_decref(rec.obj);
	csm_reader_close(r);
}

/* Opening: errors, names, formats, stdin. */

static void
test_open(void)
{
	struct csm_err err;
	struct csm_reader *r;
	struct csm_rec rec;
	const char *p;
	char missing[600];
	int save, fd;

	snprintf(missing, sizeof(missing), "%s/no-such-file.csv", dir);
	memset(&err, 0, sizeof(err));
	CHECK(csm_reader_open(missing, CSM_FMT_AUTO, NULL, &err) == NULL);
	CHECK_INT(err.code, CSM_ENOINPUT);
	CHECK_STR(err.msg, "No such file or directory");
	memset(&err, 0, sizeof(err));
	CHECK(csm_reader_open(dir, CSM_FMT_AUTO, NULL, &err) == NULL);
	CHECK_INT(err.code, CSM_ENOINPUT);
	CHECK_STR(err.msg, "is a directory");

	p = PUT("enc.csv", "a\n1\n");
	memset(&err, 0, sizeof(err));
	CHECK(csm_reader_open(p, CSM_FMT_AUTO, "klingon", &err) == NULL);
	CHECK_INT(err.code, CSM_EUSAGE);
	CHECK_STR(err.msg, "unknown encoding 'klingon'");
	TRENC(p, CSM_FMT_AUTO, "UTF-8", "2 {\"a\":\"1\"}\n");
	TRENC(p, CSM_FMT_AUTO, "utf8", "2 {\"a\":\"1\"}\n");

	r = csm_reader_open(p, CSM_FMT_AUTO, NULL, &err);
	CHECK_STR(csm_reader_name(r), p);
	csm_reader_close(r);
	csm_reader_close(NULL);

	/* "-" is stdin, read as JSONL unless told. */
	p = PUT("stdin.jsonl", "{\"in\":1}\n");
	save = dup(STDIN_FILENO);
	fd = open(p, O_RDONLY);
	dup2(fd, STDIN_FILENO);
	close(fd);
	r = csm_reader_open("-", CSM_FMT_AUTO, NULL, &err);
	CHECK(r != NULL);
	CHECK_STR(csm_reader_name(r), "stdin");
	CHECK_INT(csm_reader_next(r, &rec, &err), 1);
	CHECK_INT(json_integer_value(json_object_get(rec.obj, "in")), 1);
	json_decref(rec.obj);
	CHECK_INT(csm_reader_next(r, &rec, &err), 0);
	csm_reader_close(r);
	CHECK(fcntl(STDIN_FILENO, F_GETFD) != -1);	/* not closed */
	dup2(save, STDIN_FILENO);
	close(save);

	/* Formats by name and by extension. */
	CHECK_INT(csm_fmt_parse("jsonl"), CSM_FMT_JSONL);
	CHECK_INT(csm_fmt_parse("json"), CSM_FMT_JSONL);
	CHECK_INT(csm_fmt_parse("ndjson"), CSM_FMT_JSONL);
	CHECK_INT(csm_fmt_parse("csv"), CSM_FMT_CSV);
	CHECK_INT(csm_fmt_parse("tsv"), CSM_FMT_TSV);
	CHECK_INT(csm_fmt_parse("table"), CSM_FMT_TABLE);
	CHECK_INT(csm_fmt_parse("xml"), -1);
	CHECK_INT(csm_fmt_of_path("t.csv"), CSM_FMT_CSV);
	CHECK_INT(csm_fmt_of_path("T.CSV"), CSM_FMT_CSV);
	CHECK_INT(csm_fmt_of_path("/a/b.c/t.tsv"), CSM_FMT_TSV);
	CHECK_INT(csm_fmt_of_path("t.tab"), CSM_FMT_TSV);
	CHECK_INT(csm_fmt_of_path("t.jsonl"), CSM_FMT_JSONL);
	CHECK_INT(csm_fmt_of_path("t.ndjson"), CSM_FMT_JSONL);
	CHECK_INT(csm_fmt_of_path("t.json"), CSM_FMT_JSONL);
	CHECK_INT(csm_fmt_of_path("t.txt"), CSM_FMT_AUTO);
	CHECK_INT(csm_fmt_of_path("t.csv.gz"), CSM_FMT_AUTO);
	CHECK_INT(csm_fmt_of_path("dir.csv/file"), CSM_FMT_AUTO);
	CHECK_INT(csm_fmt_of_path("noext"), CSM_FMT_AUTO);
	CHECK_INT(csm_fmt_of_path("t."), CSM_FMT_AUTO);
	CHECK_INT(csm_fmt_of_path("-"), CSM_FMT_AUTO);
	/* The extension picks the reader; fmt overrides it; else JSONL. */
	p = PUT("x.csv", "a,b\n1,2\n");
	TR(p, CSM_FMT_AUTO, "2 {\"a\":\"1\",\"b\":\"2\"}\n");
	TR(p, CSM_FMT_JSONL,
	    "1 ! invalid JSON at column 1: '[' or '{' expected near 'a'\n"
	    "2 ! invalid JSON at column 1: '[' or '{' expected near '1'\n");
	p = PUT("x.txt", "{\"a\":1}\n");
	TR(p, CSM_FMT_AUTO, "1 {\"a\":1}\n");
}

/* CSV: the csv-spectrum corpus, beside the repository (as the CLI tests
 * find it) or in tests/corpora. */

static char spectrum[300];

static int
find_spectrum(void)
{
	static const char *const where[] = {
		"tests/corpora/csv-spectrum",
		"../shared/corpora/csv-spectrum",
		"/work/shared/corpora/csv-spectrum",
	};
	size_t i;
	char probe[400];

	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		snprintf(probe, sizeof(probe), "%s/csvs/simple.csv", where[i]);
		if (access(probe, R_OK) == 0) {
			snprintf(spectrum, sizeof(spectrum), "%s", where[i]);
			return 0;
		}
	}
	return -1;
}

/* The expected records: a JSON array (or one object) without the empty
 * strings, since an empty CSV field is absent.  Returns new. */
static json_t *
expected(const char *name)
{
	char path[600];
	json_t *v, *arr, *o, *x;
	size_t i;
	const char *k;
	void *tmp;

	snprintf(path, sizeof(path), "%s/json/%s.json", spectrum, name);
	v = json_load_file(path, 0, NULL);
	if (v == NULL)
		return NULL;
	if (json_is_object(v)) {
		arr = json_array();
		json_array_append_new(arr, v);
		v = arr;
	}
	json_array_foreach(v, i, o)
		json_object_foreach_safe(o, tmp, k, x)
			if (json_string_length(x) == 0)
				json_object_del(o, k);
	return v;
}

static void
test_spectrum(void)
{
	DIR *d;
	struct dirent *de;
	int files = 0, good;
	char crlf[400];

	CHECK_INT(find_spectrum(), 0);
	snprintf(crlf, sizeof(crlf), "%s/csvs", spectrum);
	d = opendir(crlf);
	CHECK(d != NULL);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char name[256], path[600];
		size_t n = strlen(de->d_name), got = 0;
		json_t *want;
		struct csm_reader *r;
		struct csm_rec rec;
		struct csm_err err;
		int rc;

		if (n < 5 || strcmp(de->d_name + n - 4, ".csv") != 0)
			continue;
		memcpy(name, de->d_name, n - 4);
		name[n - 4] = '\0';
		snprintf(path, sizeof(path), "%s/csvs/%s", spectrum,
		    de->d_name);
		files++;
		if (strcmp(name, "location_coordinates") == 0) {
			/* A bare quote inside an unquoted field. */
			r = csm_reader_open(path, CSM_FMT_AUTO, NULL, &err);
			CHECK_INT(csm_reader_next(r, &rec, &err), -1);
			CHECK_INT(err.line, 2);
			CHECK(strncmp(err.msg, "malformed quoting", 17) == 0);
			CHECK_INT(csm_reader_next(r, &rec, &err), 0);
			csm_reader_close(r);
			continue;
		}
		want = expected(name);
		if (want == NULL) {
			csm_t_fail++;
			fprintf(stderr, "FAIL: no expected JSON for %s\n", name);
			continue;
		}
		good = 1;
		r = csm_reader_open(path, CSM_FMT_AUTO, NULL, &err);
		while ((rc = csm_reader_next(r, &rec, &err)) != 0) {
			json_t *w = json_array_get(want, got++);

			if (rc != 1 || w == NULL || !json_equal(rec.obj, w)) {
				char *g = rec.obj ? json_dumps(rec.obj,
				    JSON_COMPACT) : NULL;

				fprintf(stderr, "spectrum %s: record %zu: rc %d "
				    "%s: got %s\n", name, got, rc, err.msg,
				    g ? g : "nothing");
				free(g);
				good = 0;
			}
			json_decref(rec.obj);
			if (rc == -2)
				break;
		}
		csm_reader_close(r);
		if (got != json_array_size(want)) {
			fprintf(stderr, "spectrum %s: %zu records, expected "
			    "%zu\n", name, got, json_array_size(want));
			good = 0;
		}
		if (good)
			csm_t_pass++;
		else {
			csm_t_fail++;
			fprintf(stderr, "%s:%d: FAIL: csv-spectrum %s\n",
			    __FILE__, __LINE__, name);
		}
		json_decref(want);
	}
	closedir(d);
	CHECK_INT(files, 12);

	/* The raw bytes of the CRLF multi-line record. */
	snprintf(crlf, sizeof(crlf), "%s/csvs/newlines_crlf.csv", spectrum);
	TRRAW(crlf, CSM_FMT_AUTO,
	    "2 {\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"} | 1,2,3\\r\n"
	    "3 {\"a\":\"Once upon \\r\\na time\",\"b\":\"5\",\"c\":\"6\"} | "
	    "\"Once upon \\r\\na time\",5,6\\r\n"
	    "5 {\"a\":\"7\",\"b\":\"8\",\"c\":\"9\"} | 7,8,9\\r\n");
}

/* CSV: structure and errors. */

static void
test_csv(void)
{
	struct csm_err err;
	struct csm_reader *r;
	struct csm_rec rec;
	const char *p, *h;
	size_t hlen = 99;

	/* Header only, with and without a final newline; empty file. */
	p = PUT("hdr.csv", "a,b,c\n");
	r = csm_reader_open(p, CSM_FMT_AUTO, NULL, &err);
	CHECK(csm_reader_header(r, &hlen) == NULL);
	CHECK_INT(csm_reader_next(r, &rec, &err), 0);
	CHECK_INT(err.code, CSM_OK);
	h = csm_reader_header(r, &hlen);
	CHECK(h != NULL && hlen == 5 && memcmp(h, "a,b,c", 5) == 0);
	CHECK_INT(csm_reader_next(r, &rec, &err), 0);
	csm_reader_close(r);
	p = PUT("hdr2.csv", "a,b,c");
	TR(p, CSM_FMT_AUTO, "");
	p = PUT("empty.csv", "");
	TR(p, CSM_FMT_AUTO, "");
	r = csm_reader_open(p, CSM_FMT_AUTO, NULL, &err);
	CHECK_INT(csm_reader_next(r, &rec, &err), 0);
	CHECK(csm_reader_header(r, &hlen) == NULL);
	csm_reader_close(r);

	/* BOM and CRLF: neither reaches a name or a value; raw keeps them. */
	p = PUT("bom.csv", "\xEF\xBB\xBFid,name\r\n1,x\r\n\r\n2,\r\n");
	TRRAW(p, CSM_FMT_AUTO,
	    "2 {\"id\":\"1\",\"name\":\"x\"} | 1,x\\r\n"
	    "4 {\"id\":\"2\"} | 2,\\r\n");
	r = csm_reader_open(p, CSM_FMT_AUTO, NULL, &err);
	CHECK_INT(csm_reader_next(r, &rec, &err), 1);
	json_decref(rec.obj);
	h = csm_reader_header(r, &hlen);
	CHECK(h != NULL && hlen == 11 &&
	    memcmp(h, "\xEF\xBB\xBFid,name\r", 11) == 0);
	csm_reader_close(r);

	/* Empty fields are absent; quoted empty ones too. */
	p = PUT("emptyf.csv", "a,b,c\n,,\n\"\",x,\"\"\n");
	TR(p, CSM_FMT_AUTO, "2 {}\n3 {\"b\":\"x\"}\n");

	/* A quoted multi-line field: the line it starts on, its exact
	 * bytes. */
	p = PUT("multi.csv", "a,b\n1,\"x\ny\n\nz\"\n2,\"\"\"q\"\"\"\n"
	    "\"3\r\n\",\"tail\"\r\n");
	TRRAW(p, CSM_FMT_AUTO,
	    "2 {\"a\":\"1\",\"b\":\"x\\ny\\n\\nz\"} | 1,\"x\\ny\\n\\nz\"\n"
	    "6 {\"a\":\"2\",\"b\":\"\\\"q\\\"\"} | 2,\"\"\"q\"\"\"\n"
	    "7 {\"a\":\"3\\r\\n\",\"b\":\"tail\"} | \"3\\r\\n\",\"tail\"\\r\n");

	/* A stray quote is an error; the next row still parses. */
	p = PUT("stray.csv", "a,b\nx\"y,1\n2,3\n\"ab\"c,4\n5,6\n");
	TRRAW(p, CSM_FMT_AUTO,
	    "2 ! malformed quoting (a quote must open a field, and be "
	    "doubled inside one) | x\"y,1\n"
	    "3 {\"a\":\"2\",\"b\":\"3\"} | 2,3\n"
	    "4 ! malformed quoting (a quote must open a field, and be "
	    "doubled inside one) | \"ab\"c,4\n"
	    "5 {\"a\":\"5\",\"b\":\"6\"} | 5,6\n");
	/* ... also when it closes a multi-line field badly. */
	p = PUT("stray2.csv", "a,b\n1,\"x\ny\"z\n3,4\n");
	TRRAW(p, CSM_FMT_AUTO,
	    "2 ! malformed quoting in the record ending on line 3 | "
	    "1,\"x\\ny\"z\n"
	    "4 {\"a\":\"3\",\"b\":\"4\"} | 3,4\n");
	/* A carriage return alone inside an unquoted field. */
	p = PUT("cr.csv", "a,b\n1,x\ry\n2,3\n");
	TR(p, CSM_FMT_AUTO,
	    "2 ! carriage return inside an unquoted field\n"
	    "3 {\"a\":\"2\",\"b\":\"3\"}\n");

	/* An unterminated quote at the end of input. */
	p = PUT("unterm.csv", "a,b\n1,2\n3,\"abc\ndef\n");
	TRRAW(p, CSM_FMT_AUTO,
	    "2 {\"a\":\"1\",\"b\":\"2\"} | 1,2\n"
	    "3 ! unterminated quoted field at end of input | 3,\"abc\\ndef\n");
	p = PUT("unterm2.csv", "a,b\n3,\"abc");
	TR(p, CSM_FMT_AUTO,
	    "2 ! unterminated quoted field at end of input\n");

	/* The wrong number of fields. */
	p = PUT("count.csv", "a,b,c,d\n1,2,3\n1,2,3,4\n1,2,3,4,5\n,,,\n");
	TRRAW(p, CSM_FMT_AUTO,
	    "2 ! expected 4 fields, got 3 | 1,2,3\n"
	    "3 {\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\"} | 1,2,3,4\n"
	    "4 ! expected 4 fields, got 5 | 1,2,3,4,5\n"
	    "5 {} | ,,,\n");

	/* Header problems stop the reading. */
	p = PUT("dup.csv", "a,b,a\n1,2,3\n");
	TR(p, CSM_FMT_AUTO, "0@1 !! header column 3: duplicate name 'a'\n");
	p = PUT("emptyname.csv", "a,,c\n1,2,3\n");
	TR(p, CSM_FMT_AUTO, "0@1 !! header column 2: empty name\n");
	p = PUT("badhdr.csv", "\n\na,\"b\xff\"\n1,2\n");
	TR(p, CSM_FMT_AUTO,
	    "0@3 !! header column 2: invalid UTF-8 at byte 2\n");
	p = PUT("qhdr.csv", "a,b\"c\n1,2\n");
	TR(p, CSM_FMT_AUTO, "0@1 !! malformed quoting (a quote must open a "
	    "field, and be doubled inside one)\n");

	/* Invalid UTF-8 and NUL in a field name the column. */
	p = PUT("utf8.csv", "id,name\n1,x\xffy\n2,ok\n3,\"a\0b\"\n"
	    "\xC3\xA9,\xE4\xB8\n");
	TRRAW(p, CSM_FMT_AUTO,
	    "2 ! name: invalid UTF-8 at byte 2 | 1,x\xffy\n"
	    "3 {\"id\":\"2\",\"name\":\"ok\"} | 2,ok\n"
	    "4 ! name: NUL byte at byte 2 | 3,\"a\\x00b\"\n"
	    "5 ! name: invalid UTF-8 at byte 1 | \xC3\xA9,\xE4\xB8\n");
	r = csm_reader_open(p, CSM_FMT_AUTO, NULL, &err);
	CHECK_INT(csm_reader_next(r, &rec, &err), -1);
	CHECK_INT(err.code, CSM_EDATA);
	CHECK(rec.obj == NULL);
	csm_reader_close(r);
}

/*
 * A record that runs past 16 MiB while a quoted field is open: one error
 * for the record, on the line it starts, and reading goes on after the
 * record's end.  None of the lines inside the quotes is ever read as a
 * record of its own, though each looks like one ("x,y").  (Line 2 is
 * 170,000 short fields and then an opening quote, so that libcsv never
 * holds a large field: growing one is quadratic under ASan.)
 */
static void
test_csv_huge(void)
{
	struct csm_err err;
	struct csm_reader *r;
	struct csm_rec rec;
	const char *p;
	size_t line2 = CSM_MAX_RECORD - 16, o, inner = 20, i;
	long last = (long)inner + 4;	/* "3,4" */
	char *buf = malloc(line2 + 64 + inner * 4);
	int rc, errors = 0, records = 0, bogus = 0, good = 0;
	long first_err = 0;
	json_t *want = json_pack("{s:s,s:s}", "a", "3", "b", "4");

	memcpy(buf, "a,b\n", 4);
	o = 4;
	while (o < 4 + line2 - 100 - 6) {
		memset(buf + o, 'a', 99);
		buf[o + 99] = ',';
		o += 100;
	}
	memset(buf + o, 'b', 4 + line2 - 6 - o);
	o = 4 + line2 - 6;
	memcpy(buf + o, ",\"open\n", 7);
	o += 7;
	for (i = 0; i < inner; i++) {
		memcpy(buf + o, "x,y\n", 4);
		o += 4;
	}
	memcpy(buf + o, "end\",2\n3,4\n", 11);
	o += 11;
	p = put("huge.csv", buf, o);
	free(buf);
	r = csm_reader_open(p, CSM_FMT_AUTO, NULL, &err);
	CHECK(r != NULL);
	if (r == NULL) {
		json_decref(want);
		return;
	}
	while ((rc = csm_reader_next(r, &rec, &err)) != 0) {
		if (rc == 1) {
			records++;
			if (rec.line == last && json_equal(rec.obj, want))
				good++;
			else
				bogus++;
			json_decref(rec.obj);
			continue;
		}
		if (errors++ == 0) {
			first_err = err.line;
			CHECK(strstr(err.msg, "longer than 16 MiB") != NULL);
		}
		if (rc == -2)
			break;
	}
	csm_reader_close(r);
	json_decref(want);
	if (bogus > 0)
		fprintf(stderr, "%s:%d: %d lines inside a rejected quoted field "
		    "were read as records\n", __FILE__, __LINE__, bogus);
	CHECK_INT(first_err, 2);
	CHECK_INT(errors, 1);
	CHECK_INT(bogus, 0);
	CHECK_INT(good, 1);
	CHECK_INT(records, 1);
}

/*
 * Input is split into lines before it is decoded, which is right for GBK
 * and GB18030 but not for UTF-16, where a '\n' is two bytes and 0x0A
 * occurs inside other characters.  A UTF-16 file (Excel's "Unicode Text"
 * is UTF-16LE TSV) must be read right or refused at the open, never
 * turned into wrong records or errors on the wrong lines.
 */
static void
test_utf16(void)
{
	struct csm_err err;
	struct csm_reader *r;

	memset(&err, 0, sizeof(err));
	r = csm_reader_open("tests/data/unit/utf16le.tsv", CSM_FMT_AUTO,
	    "UTF-16LE", &err);
	if (r == NULL) {
		CHECK_INT(err.code, CSM_EUSAGE);
		return;
	}
	csm_reader_close(r);
	TRENC("tests/data/unit/utf16le.tsv", CSM_FMT_AUTO, "UTF-16LE",
	    "2 {\"id\":\"1\",\"name\":\"\xE5\xBC\xA0\xE4\xB8\x89\"}\n"
	    "3 {\"id\":\"2\",\"name\":\"ok\"}\n");
}

static void
test_gbk(void)
{
	struct csm_err err;
	struct csm_reader *r;
	struct csm_rec rec;
	const char *p, *h;
	size_t hlen;

	/* Made with iconv -f UTF-8 -t GBK: CRLF, a quoted comma, an empty
	 * field, a quoted line break, and the euro sign (0x80). */
	TRENC("tests/data/unit/gbk.csv", CSM_FMT_AUTO, "gbk",
	    "2 {\"\xE5\xA7\x93\xE5\x90\x8D\":\"\xE5\xBC\xA0\xE4\xB8\x89\","
	    "\"\xE5\x9F\x8E\xE5\xB8\x82\":\"\xE5\x8C\x97\xE4\xBA\xAC\","
	    "\"\xE5\xA4\x87\xE6\xB3\xA8\":\"\xE4\xBD\xA0\xE5\xA5\xBD,"
	    "\xE4\xB8\x96\xE7\x95\x8C\"}\n"
	    "3 {\"\xE5\xA7\x93\xE5\x90\x8D\":\"\xE6\x9D\x8E\xE5\x9B\x9B\","
	    "\"\xE5\x9F\x8E\xE5\xB8\x82\":\"\xE4\xB8\x8A\xE6\xB5\xB7\"}\n"
	    "4 {\"\xE5\xA7\x93\xE5\x90\x8D\":\"\xE7\x8E\x8B\\n\xE4\xBA\x94\","
	    "\"\xE5\x9F\x8E\xE5\xB8\x82\":\"\xE6\xB7\xB1\xE5\x9C\xB3\","
	    "\"\xE5\xA4\x87\xE6\xB3\xA8\":\"\xE2\x82\xAC\xE6\xAC\xA7"
	    "\xE5\x85\x83\"}\n");
	TRENC("tests/data/unit/gbk.csv", CSM_FMT_AUTO, "GB18030",
	    "2 {\"\xE5\xA7\x93\xE5\x90\x8D\":\"\xE5\xBC\xA0\xE4\xB8\x89\","
	    "\"\xE5\x9F\x8E\xE5\xB8\x82\":\"\xE5\x8C\x97\xE4\xBA\xAC\","
	    "\"\xE5\xA4\x87\xE6\xB3\xA8\":\"\xE4\xBD\xA0\xE5\xA5\xBD,"
	    "\xE4\xB8\x96\xE7\x95\x8C\"}\n"
	    "3 {\"\xE5\xA7\x93\xE5\x90\x8D\":\"\xE6\x9D\x8E\xE5\x9B\x9B\","
	    "\"\xE5\x9F\x8E\xE5\xB8\x82\":\"\xE4\xB8\x8A\xE6\xB5\xB7\"}\n"
	    "4@5 ! byte 10: not valid in the input encoding\n");
	/* (GB18030 has no single-byte euro: 0x80 is refused, with the line
	 * it is on inside the multi-line record.) */
	/* Read as UTF-8 it is refused at the header. */
	TR("tests/data/unit/gbk.csv", CSM_FMT_AUTO,
	    "0@1 !! header column 1: invalid UTF-8 at byte 1\n");
	/* The raw bytes and the header stay GBK. */
	r = csm_reader_open("tests/data/unit/gbk.csv", CSM_FMT_AUTO, "gbk",
	    &err);
	CHECK(r != NULL);
	CHECK_INT(csm_reader_next(r, &rec, &err), 1);
	CHECK_INT(rec.rawlen, 22);
	CHECK(rec.rawlen == 22 && memcmp(rec.raw, "\xD5\xC5\xC8\xFD,\xB1\xB1"
	    "\xBE\xA9,\"\xC4\xE3\xBA\xC3,\xCA\xC0\xBD\xE7\"\r", 22) == 0);
	json_decref(rec.obj);
	h = csm_reader_header(r, &hlen);
	CHECK(h != NULL && hlen == 15 && memcmp(h, "\xD0\xD5\xC3\xFB,\xB3\xC7"
	    "\xCA\xD0,\xB1\xB8\xD7\xA2\r", 15) == 0);
	csm_reader_close(r);

	/* Bad GBK: an invalid byte, a lead byte cut by the line end, a bad
	 * trail byte; each with its line, and reading goes on. */
	p = PUT("badgbk.csv", "name\nok\na\xFF" "b\nab\x81\n\x81\x7F\n"
	    "\xD5\xC5\n");
	TRENC(p, CSM_FMT_AUTO, "gbk",
	    "2 {\"name\":\"ok\"}\n"
	    "3 ! byte 2: not valid in the input encoding\n"
	    "4 ! byte 3: not valid in the input encoding\n"
	    "5 ! byte 1: not valid in the input encoding\n"
	    "6 {\"name\":\"\xE5\xBC\xA0\"}\n");
	/* In a multi-line record, the line of the bad bytes. */
	p = PUT("badgbk2.csv", "a,b\n1,\"x\ny\xFF\"\n2,3\n");
	TRENC(p, CSM_FMT_AUTO, "gbk",
	    "2@3 ! byte 2: not valid in the input encoding\n"
	    "4 {\"a\":\"2\",\"b\":\"3\"}\n");
	/* JSONL in GBK. */
	p = PUT("gbk.jsonl", "{\"n\":\"\xD5\xC5\"}\n{\"n\":\"\xFF\"}\n");
	TRENC(p, CSM_FMT_AUTO, "gbk",
	    "1 {\"n\":\"\xE5\xBC\xA0\"}\n"
	    "2 ! byte 7: not valid in the input encoding\n");
}

static void
test_tsv(void)
{
	const char *p;
	struct csm_err err;
	struct csm_reader *r;
	struct csm_rec rec;
	const char *h;
	size_t hlen;

	p = PUT("a.tsv", "\xEF\xBB\xBFid\tnote\r\n"
	    "1\ttab\\there\r\n"
	    "2\tline\\nbreak\\rcr\n"
	    "3\tback\\\\slash\\\\\n"
	    "4\t\n"
	    "5\tcomma, \"quote\"\n"
	    "6\tx\ty\n"
	    "7\tend\\\n");
	TRRAW(p, CSM_FMT_AUTO,
	    "2 {\"id\":\"1\",\"note\":\"tab\\there\"} | 1\\x09tab\\\\there\\r\n"
	    "3 {\"id\":\"2\",\"note\":\"line\\nbreak\\rcr\"} | "
	    "2\\x09line\\\\nbreak\\\\rcr\n"
	    "4 {\"id\":\"3\",\"note\":\"back\\\\slash\\\\\"} | "
	    "3\\x09back\\\\\\\\slash\\\\\\\\\n"
	    "5 {\"id\":\"4\"} | 4\\x09\n"
	    "6 {\"id\":\"5\",\"note\":\"comma, \\\"quote\\\"\"} | "
	    "5\\x09comma, \"quote\"\n"
	    "7 ! expected 2 fields, got 3 | 6\\x09x\\x09y\n"
	    "8 {\"id\":\"7\",\"note\":\"end\\\\\"} | 7\\x09end\\\\\n");
	r = csm_reader_open(p, CSM_FMT_TSV, NULL, &err);
	CHECK_INT(csm_reader_next(r, &rec, &err), 1);
	json_decref(rec.obj);
	h = csm_reader_header(r, &hlen);
	CHECK(h != NULL && hlen == 11 &&
	    memcmp(h, "\xEF\xBB\xBFid\tnote\r", 11) == 0);
	csm_reader_close(r);
	/* TSV fields with invalid UTF-8 name their column too. */
	p = PUT("b.tsv", "k\tv\n1\t\xC0\xAF\n");
	TR(p, CSM_FMT_AUTO, "2 ! v: invalid UTF-8 at byte 1\n");
	/* A row of empty fields is a row: with the wrong number of fields
	 * it is reported, not taken for a blank line and dropped. */
	p = PUT("d.tsv", "a\tb\tc\n1\t2\t3\n\t\n4\t5\t6\n");
	TR(p, CSM_FMT_AUTO,
	    "2 {\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}\n"
	    "3 ! expected 3 fields, got 2\n"
	    "4 {\"a\":\"4\",\"b\":\"5\",\"c\":\"6\"}\n");
	/* A .txt read as TSV when told. */
	p = PUT("c.txt", "k\tv\n1\t2\n");
	TR(p, CSM_FMT_TSV, "2 {\"k\":\"1\",\"v\":\"2\"}\n");
}

/* Buffers. */

static void
test_buf(void)
{
	struct csm_buf b = {0};

	CHECK_INT(csm_buf_add(&b, "ab", 2), 0);
	CHECK_INT(csm_buf_addc(&b, 'c'), 0);
	CHECK_INT(b.len, 3);
	CHECK_STR(b.p, "abc");
	CHECK(b.cap >= 4);
	CHECK_INT(csm_buf_add(&b, "", 0), 0);
	CHECK_INT(b.len, 3);
	b.len = 0;
	CHECK_INT(csm_buf_json_str(&b, S("a\"b\\c\n\t\r\x01\x1f\x7f"
	    "\xE4\xB8\xAD/")), 0);
	CHECK_STR(b.p, "\"a\\\"b\\\\c\\n\\t\\r\\u0001\\u001f\\u007f"
	    "\xE4\xB8\xAD/\"");
	b.len = 0;
	CHECK_INT(csm_buf_json_str(&b, S("x\0y")), 0);
	CHECK_INT(b.len, 10);
	CHECK_STR(b.p, "\"x\\u0000y\"");
	b.len = 0;
	CHECK_INT(csm_buf_json_str(&b, "", 0), 0);
	CHECK_STR(b.p, "\"\"");
	/* Growth past many doublings keeps every byte. */
	{
		size_t i, bad = 0;

		b.len = 0;
		for (i = 0; i < 100000; i++)
			csm_buf_addc(&b, (char)('a' + i % 26));
		for (i = 0; i < 100000; i++)
			if (b.p[i] != (char)('a' + i % 26))
				bad++;
		CHECK_INT(bad, 0);
		CHECK_INT(b.p[100000], '\0');
	}
	csm_buf_free(&b);
	CHECK(b.p == NULL);
	CHECK_INT(b.len, 0);
	CHECK_INT(b.cap, 0);
	csm_buf_free(&b);	/* twice is fine */
}

/* Writers. */

static void
check_text(json_t *v, const char *want, int line)
{
	char *got = csm_json_text(v);

	if (got != NULL && strcmp(got, want) == 0)
		csm_t_pass++;
	else {
		csm_t_fail++;
		fprintf(stderr, "%s:%d: FAIL: csm_json_text\n  got:      %s\n"
		    "  expected: %s\n", __FILE__, line, got ? got : "(NULL)",
		    want);
	}
	/* It reads back as the same value. */
	if (got != NULL) {
		json_t *back = json_loads(got, JSON_DECODE_ANY, NULL);

		if (back == NULL || !json_equal(back, v)) {
			csm_t_fail++;
			fprintf(stderr, "%s:%d: FAIL: %s does not read back\n",
			    __FILE__, line, got);
		}
		json_decref(back);
	}
	free(got);
	json_decref(v);
}

#define TEXT(v, want) check_text(v, want, __LINE__)

static void
test_json_text(void)
{
	TEXT(json_integer(42), "42");
	TEXT(json_integer(-9223372036854775807LL - 1),
	    "-9223372036854775808");
	TEXT(json_real(363.99), "363.99");
	TEXT(json_real(0.1), "0.1");
	TEXT(json_real(0.1 + 0.2), "0.30000000000000004");
	TEXT(json_real(1.0), "1.0");
	TEXT(json_real(-0.0), "-0.0");
	TEXT(json_real(123456.0), "123456.0");
	TEXT(json_real(1e300), "1e+300");
	TEXT(json_real(1.5e-7), "1.5e-07");
	TEXT(json_real(2.5e15), "2.5e+15");
	TEXT(json_string("a\"b\n\xE4\xB8\xAD"), "\"a\\\"b\\n\xE4\xB8\xAD\"");
	TEXT(json_null(), "null");
	TEXT(json_true(), "true");
	TEXT(json_pack("{s:i,s:[f,s,{}],s:{}}", "z", 1, "a", 2.5, "x", "m"),
	    "{\"z\":1,\"a\":[2.5,\"x\",{}],\"m\":{}}");
	TEXT(json_array(), "[]");
}

struct mem {
	FILE	*fp;
	char	*p;
	size_t	 len;
};

static void
mem_open(struct mem *m)
{
	m->p = NULL;
	m->len = 0;
	m->fp = open_memstream(&m->p, &m->len);
}

/* Finishes w, closes the stream and returns its text (kept in m). */
static const char *
mem_done(struct mem *m, struct csm_writer *w)
{
	struct csm_err err;

	CHECK_INT(csm_writer_finish(w, NULL, &err), 0);
	csm_writer_free(w);
	fclose(m->fp);
	return m->p;
}

static void
test_write_jsonl(void)
{
	struct mem m;
	struct csm_writer *w;
	json_t *v;
	const char *out;
	size_t len;

	mem_open(&m);
	w = csm_writer_new(m.fp, CSM_FMT_AUTO, NULL, 0);
	CHECK_INT(csm_writer_format(w), CSM_FMT_JSONL);
	csm_writer_begin(w);
	csm_writer_str(w, "zeta", S("a\x01\"\\\n\t\r\x1b\x7f\xE4\xB8\xAD"
	    "\xF0\x9F\x98\x80\xE2\x80\xAE"));
	csm_writer_int(w, "alpha", -9223372036854775807LL - 1);
	csm_writer_bool(w, "t", 1);
	csm_writer_bool(w, "f", 0);
	v = json_pack("{s:[i,s,n],s:{s:f}}", "b", 1, "x", "a", "c", 0.5);
	csm_writer_json(w, "obj", v);
	json_decref(v);
	csm_writer_str(w, "k\"ey", S(""));
	csm_writer_end(w);
	csm_writer_begin(w);
	csm_writer_end(w);
	CHECK_INT(csm_writer_pending(w), strlen(
	    "{\"zeta\":\"a\\u0001\\\"\\\\\\n\\t\\r\\u001b\\u007f\xE4\xB8\xAD"
	    "\xF0\x9F\x98\x80\xE2\x80\xAE\",\"alpha\":-9223372036854775808,"
	    "\"t\":true,\"f\":false,\"obj\":{\"b\":[1,\"x\",null],"
	    "\"a\":{\"c\":0.5}},\"k\\\"ey\":\"\"}\n{}\n"));
	out = mem_done(&m, w);
	CHECK_STR(out,
	    "{\"zeta\":\"a\\u0001\\\"\\\\\\n\\t\\r\\u001b\\u007f\xE4\xB8\xAD"
	    "\xF0\x9F\x98\x80\xE2\x80\xAE\",\"alpha\":-9223372036854775808,"
	    "\"t\":true,\"f\":false,\"obj\":{\"b\":[1,\"x\",null],"
	    "\"a\":{\"c\":0.5}},\"k\\\"ey\":\"\"}\n{}\n");
	/* What was written reads back as the same values. */
	{
		json_t *o = json_loads(out, JSON_DISABLE_EOF_CHECK, NULL);

		CHECK(o != NULL);
		CHECK_STR(json_string_value(json_object_get(o, "zeta")),
		    "a\x01\"\\\n\t\r\x1b\x7f\xE4\xB8\xAD\xF0\x9F\x98\x80"
		    "\xE2\x80\xAE");
		json_decref(o);
	}
	free(m.p);

	/* Raw JSON text: copied as is. */
	mem_open(&m);
	w = csm_writer_new(m.fp, CSM_FMT_JSONL, NULL, 0);
	csm_writer_begin(w);
	csm_writer_str(w, "id", S("T-1"));
	csm_writer_raw(w, "tags", S("[\"a\",\"b\"]"));
	csm_writer_raw(w, "n", S("12"));
	csm_writer_raw_fields(w, S("{\"x\":1,\"y\":\"\xE4\xB8\xAD\"}"));
	csm_writer_end(w);
	csm_writer_begin(w);
	csm_writer_raw_fields(w, S("{\"only\":true}"));
	csm_writer_raw_fields(w, S("{}"));
	csm_writer_raw_fields(w, S("{\"also\":2}"));
	csm_writer_end(w);
	csm_writer_begin(w);
	csm_writer_raw_fields(w, S("{}"));
	csm_writer_str(w, "z", S("1"));
	csm_writer_end(w);
	/* csm_writer_buffer sees exactly what is pending. */
	out = csm_writer_buffer(w, &len);
	CHECK_INT(len, csm_writer_pending(w));
	CHECK(len > 0 && out[len - 1] == '\n');
	out = mem_done(&m, w);
	CHECK_STR(out,
	    "{\"id\":\"T-1\",\"tags\":[\"a\",\"b\"],\"n\":12,\"x\":1,"
	    "\"y\":\"\xE4\xB8\xAD\"}\n"
	    "{\"only\":true,\"also\":2}\n"
	    "{\"z\":\"1\"}\n");
	free(m.p);

	/* An empty object with white space inside adds no field either. */
	mem_open(&m);
	w = csm_writer_new(m.fp, CSM_FMT_JSONL, NULL, 0);
	csm_writer_begin(w);
	csm_writer_str(w, "a", S("1"));
	csm_writer_raw_fields(w, S("{ }"));
	csm_writer_end(w);
	out = mem_done(&m, w);
	CHECK_STR(out, "{\"a\":\"1\"}\n");
	free(m.p);

	/* The buffer, and dropping it. */
	mem_open(&m);
	w = csm_writer_new(m.fp, CSM_FMT_JSONL, NULL, 0);
	out = csm_writer_buffer(w, &len);
	CHECK_INT(len, 0);
	CHECK_STR(out, "");
	csm_writer_begin(w);
	csm_writer_int(w, "a", 1);
	csm_writer_end(w);
	out = csm_writer_buffer(w, &len);
	CHECK_INT(len, 8);
	CHECK(len == 8 && memcmp(out, "{\"a\":1}\n", 8) == 0);
	csm_writer_discard(w);
	CHECK_INT(csm_writer_pending(w), 0);
	csm_writer_begin(w);
	csm_writer_int(w, "b", 2);
	csm_writer_end(w);
	CHECK_INT(csm_writer_flush(w, NULL, NULL), 0);
	CHECK_INT(csm_writer_pending(w), 0);
	fflush(m.fp);
	CHECK_STR(m.p, "{\"b\":2}\n");
	out = mem_done(&m, w);
	CHECK_STR(out, "{\"b\":2}\n");
	free(m.p);
	csm_writer_free(NULL);
}

static const char *const cols3[] = {"id", "name", "note", NULL};

static void
test_write_csv(void)
{
	struct mem m;
	struct csm_writer *w;
	json_t *v;
	const char *out;

	mem_open(&m);
	w = csm_writer_new(m.fp, CSM_FMT_CSV, cols3, 0);
	csm_writer_begin(w);
	csm_writer_str(w, "id", S("1"));
	csm_writer_str(w, "name", S("plain text; 'single' \xE4\xB8\xAD"));
	csm_writer_str(w, "note", S("a,b"));
	csm_writer_end(w);
	csm_writer_begin(w);
	/* Out of order, an unknown field dropped, a missing one empty. */
	csm_writer_str(w, "note", S("say \"hi\""));
	csm_writer_str(w, "other", S("dropped"));
	csm_writer_int(w, "id", 2);
	csm_writer_end(w);
	csm_writer_begin(w);
	csm_writer_str(w, "id", S("3"));
	csm_writer_str(w, "name", S("cr\rhere"));
	csm_writer_str(w, "note", S("two\nlines"));
	csm_writer_end(w);
	csm_writer_begin(w);
	csm_writer_bool(w, "id", 1);
	v = json_pack("[s,s,i]", "a", "b c", 3);
	csm_writer_json(w, "name", v);
	json_decref(v);
	v = json_pack("{s:i}", "k", 1);
	csm_writer_json(w, "note", v);
	json_decref(v);
	csm_writer_end(w);
	csm_writer_begin(w);
	v = json_null();
	csm_writer_json(w, "id", v);
	v = json_string("s,t");
	csm_writer_json(w, "name", v);
	json_decref(v);
	v = json_pack("[s,s]", "x,y", "z");
	csm_writer_json(w, "note", v);
	json_decref(v);
	csm_writer_end(w);
	csm_writer_begin(w);
	csm_writer_raw(w, "id", S("\"r,1\""));
	csm_writer_raw(w, "name", S("[\"p\",\"q\"]"));
	csm_writer_raw(w, "note", S("7"));
	csm_writer_end(w);
	csm_writer_begin(w);
	csm_writer_raw_fields(w, S("{\"note\":\"n\",\"id\":\"8\",\"zz\":1,"
	    "\"name\":[1,2]}"));
	csm_writer_end(w);
	out = mem_done(&m, w);
	CHECK_STR(out,
	    "id,name,note\n"
	    "1,plain text; 'single' \xE4\xB8\xAD,\"a,b\"\n"
	    "2,,\"say \"\"hi\"\"\"\n"
	    "3,\"cr\rhere\",\"two\nlines\"\n"
	    "true,a;b c;3,\"{\"\"k\"\":1}\"\n"
	    ",\"s,t\",\"x,y;z\"\n"
	    "\"r,1\",p;q,7\n"
	    "8,1;2,n\n");
	free(m.p);

	/* BOM once, CRLF everywhere. */
	mem_open(&m);
	w = csm_writer_new(m.fp, CSM_FMT_CSV, cols3, CSM_W_BOM | CSM_W_CRLF);
	csm_writer_begin(w);
	csm_writer_str(w, "id", S("1"));
	csm_writer_str(w, "note", S("a\r\nb"));
	csm_writer_end(w);
	csm_writer_begin(w);
	csm_writer_str(w, "id", S("2"));
	csm_writer_end(w);
	out = mem_done(&m, w);
	CHECK_STR(out, "\xEF\xBB\xBFid,name,note\r\n1,,\"a\r\nb\"\r\n2,,\r\n");
	free(m.p);

	/* No record: still the header, CSV always has one (CONVENTIONS
	 * section 5), so that an empty result is a valid empty table. */
	mem_open(&m);
	w = csm_writer_new(m.fp, CSM_FMT_CSV, cols3, CSM_W_BOM);
	out = mem_done(&m, w);
	CHECK_STR(out, "\xEF\xBB\xBFid,name,note\n");
	free(m.p);

	/* Excel-safe: a ' before = + - @, inside the quotes if quoted. */
	{
		static const char *const c1[] = {"v", NULL};
		static const char *const in[] = {
			"=1+1", "+cmd", "-2", "@SUM(A1)", "=HYPERLINK(\"x\")",
			"=a,b", "a=b", "'=x", "\t=x",
		};
		size_t i;

		mem_open(&m);
		w = csm_writer_new(m.fp, CSM_FMT_CSV, c1, CSM_W_EXCEL_SAFE);
		for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
			csm_writer_begin(w);
			csm_writer_str(w, "v", in[i], strlen(in[i]));
			csm_writer_end(w);
		}
		out = mem_done(&m, w);
		CHECK_STR(out, "v\n'=1+1\n'+cmd\n-2\n'@SUM(A1)\n"
		    "\"'=HYPERLINK(\"\"x\"\")\"\n\"'=a,b\"\na=b\n'=x\n'\t=x\n");
		free(m.p);
		/* Off by default. */
		mem_open(&m);
		w = csm_writer_new(m.fp, CSM_FMT_CSV, c1, 0);
		csm_writer_begin(w);
		csm_writer_str(w, "v", S("=1+1"));
		csm_writer_end(w);
		out = mem_done(&m, w);
		CHECK_STR(out, "v\n=1+1\n");
		free(m.p);
	}
}

static void
test_write_tsv(void)
{
	struct mem m;
	struct csm_writer *w;
	json_t *v;
	const char *out;
	static const char *const c2[] = {"a", "b", NULL};

	mem_open(&m);
	w = csm_writer_new(m.fp, CSM_FMT_TSV, c2, CSM_W_BOM | CSM_W_CRLF);
	csm_writer_begin(w);
	csm_writer_str(w, "a", S("tab\there"));
	csm_writer_str(w, "b", S("nl\ncr\rbs\\ \"q\",c"));
	csm_writer_end(w);
	csm_writer_begin(w);
	v = json_pack("[s,s]", "x\ty", "z");
	csm_writer_json(w, "b", v);
	json_decref(v);
	csm_writer_end(w);
	out = mem_done(&m, w);
	/* BOM and CRLF are CSV flags: TSV ignores them. */
	CHECK_STR(out, "a\tb\ntab\\there\tnl\\ncr\\rbs\\\\ \"q\",c\n"
	    "\tx\\ty;z\n");
	free(m.p);
}

static void
test_write_table(void)
{
	struct mem m;
	struct csm_writer *w;
	const char *out;
	static const char *const c3[] = {"id", "\xE5\x90\x8D\xE5\xAD\x97",
		"x", NULL};
	static const char *const c1[] = {"h", NULL};
	char big[200], cjk[200], want[400];
	size_t i;

	mem_open(&m);
	w = csm_writer_new(m.fp, CSM_FMT_TABLE, c3, 0);
	csm_writer_begin(w);
	csm_writer_str(w, "id", S("1"));
	csm_writer_str(w, "\xE5\x90\x8D\xE5\xAD\x97",
	    S("\xE5\xBC\xA0\xE4\xB8\x89"));
	csm_writer_str(w, "x", S("a"));
	csm_writer_end(w);
	csm_writer_begin(w);
	csm_writer_str(w, "id", S("22"));
	csm_writer_str(w, "\xE5\x90\x8D\xE5\xAD\x97", S("Bob"));
	csm_writer_str(w, "x", S("bb"));
	csm_writer_end(w);
	csm_writer_begin(w);
	csm_writer_str(w, "id", S("333"));
	csm_writer_str(w, "\xE5\x90\x8D\xE5\xAD\x97",
	    S("\xF0\x9F\x98\x80" "e\xCC\x81"));
	csm_writer_end(w);
	/* Tables wait for the finish. */
	CHECK_INT(csm_writer_flush(w, NULL, NULL), 0);
	fflush(m.fp);
	CHECK_INT(m.len, 0);
	out = mem_done(&m, w);
	CHECK_STR(out,
	    "id   \xE5\x90\x8D\xE5\xAD\x97  x\n"
	    "1    \xE5\xBC\xA0\xE4\xB8\x89  a\n"
	    "22   Bob   bb\n"
	    "333  \xF0\x9F\x98\x80" "e\xCC\x81\n");
	free(m.p);

	/* Control characters escaped; quotes and backslashes shown as
	 * they are; long cells cut by width with an ellipsis. */
	memset(big, 'x', 100);
	big[100] = '\0';
	cjk[0] = '\0';
	for (i = 0; i < 30; i++)
		strcat(cjk, "\xE4\xB8\xAD");
	mem_open(&m);
	w = csm_writer_new(m.fp, CSM_FMT_TABLE, c1, CSM_W_COLOR);
	csm_writer_begin(w);
	csm_writer_str(w, "h", S("a\x1b[2Jb\tc"));
	csm_writer_end(w);
	csm_writer_begin(w);
	csm_writer_str(w, "h", big, 100);
	csm_writer_end(w);
	csm_writer_begin(w);
	csm_writer_str(w, "h", cjk, strlen(cjk));
	csm_writer_end(w);
	csm_writer_begin(w);
	csm_writer_str(w, "h", S("say \"hi\" C:\\dir"));
	csm_writer_end(w);
	out = mem_done(&m, w);
	snprintf(want, sizeof(want), "\033[1mh\033[0m\na\\u001b[2Jb\\tc\n"
	    "%.47s\xE2\x80\xA6\n%.69s\xE2\x80\xA6\nsay \"hi\" C:\\dir\n", big,
	    cjk);
	CHECK_STR(out, want);
	free(m.p);

	/* Nothing to show: nothing written. */
	mem_open(&m);
	w = csm_writer_new(m.fp, CSM_FMT_TABLE, c1, 0);
	out = mem_done(&m, w);
	CHECK_INT(m.len, 0);
	free(m.p);
}

static void
test_write_errors(void)
{
	FILE *fp = fopen("/dev/full", "w");
	struct csm_writer *w;
	struct csm_err err;
	int eno = 0;

	CHECK(fp != NULL);
	if (fp == NULL)
		return;
	w = csm_writer_new(fp, CSM_FMT_JSONL, NULL, 0);
	csm_writer_begin(w);
	csm_writer_str(w, "a", S("b"));
	csm_writer_end(w);
	memset(&err, 0, sizeof(err));
	CHECK_INT(csm_writer_flush(w, &eno, &err), -1);
	CHECK_INT(err.code, CSM_EIO);
	CHECK_INT(eno, ENOSPC);
	CHECK_STR(err.msg, "write error: No space left on device");
	CHECK_INT(csm_writer_pending(w), 0);
	csm_writer_free(w);
	fclose(fp);

	/* A table on /dev/full fails at the finish. */
	fp = fopen("/dev/full", "w");
	{
		static const char *const c1[] = {"h", NULL};

		w = csm_writer_new(fp, CSM_FMT_TABLE, c1, 0);
	}
	csm_writer_begin(w);
	csm_writer_str(w, "h", S("x"));
	csm_writer_end(w);
	memset(&err, 0, sizeof(err));
	CHECK_INT(csm_writer_finish(w, NULL, &err), -1);
	CHECK_INT(err.code, CSM_EIO);
	csm_writer_free(w);
	fclose(fp);
}

/* Writer to reader: hostile strings survive CSV and TSV. */
static void
roundtrip(enum csm_fmt fmt, unsigned flags, const char *name)
{
	static const char *const hostile[] = {
		"plain", "a,b", "\"", "\"\"", "say \"hi\"", ",", "line1\nline2",
		"cr\rhere", "crlf\r\nx", "\n", "\r", "trailing\n", "\\", "\\n",
		"tab\there", "=1+1", "\xE4\xB8\xAD\xE6\x96\x87,\"\xF0\x9F\x98"
		"\x80\"", "\xEF\xBB\xBF" "bom", "x\"\"\"y", "'quoted'",
		" lead", "trail ", "  ", "\t", "a , b",
	};
	static const char *const cols[] = {"k", "v", NULL};
	size_t n = sizeof(hostile) / sizeof(hostile[0]), i, got = 0;
	struct mem m;
	struct csm_writer *w;
	struct csm_reader *r;
	struct csm_rec rec;
	struct csm_err err;
	const char *p;
	int rc;

	mem_open(&m);
	w = csm_writer_new(m.fp, fmt, cols, flags);
	for (i = 0; i < n; i++) {
		char k[16];

		snprintf(k, sizeof(k), "%zu", i);
		csm_writer_begin(w);
		csm_writer_str(w, "k", k, strlen(k));
		csm_writer_str(w, "v", hostile[i], strlen(hostile[i]));
		csm_writer_end(w);
	}
	mem_done(&m, w);
	p = put(name, m.p, m.len);
	free(m.p);
	r = csm_reader_open(p, fmt, NULL, &err);
	while ((rc = csm_reader_next(r, &rec, &err)) != 0) {
		const char *v;

		if (rc != 1) {
			csm_t_fail++;
			fprintf(stderr, "%s:%d: FAIL: %s: line %ld: %s\n",
			    __FILE__, __LINE__, name, err.line, err.msg);
			if (rc == -2)
				break;
			continue;
		}
		i = (size_t)atoi(json_string_value(json_object_get(rec.obj,
		    "k")));
		v = json_string_value(json_object_get(rec.obj, "v"));
		if (i < n && strcmp(v ? v : "", hostile[i]) == 0)
			csm_t_pass++;
		else {
			csm_t_fail++;
			fprintf(stderr, "%s:%d: FAIL: %s round trip of record "
			    "%zu\n  got:      \"%s\"\n  expected: \"%s\"\n",
			    __FILE__, __LINE__, name, i, v ? v : "(absent)",
			    i < n ? hostile[i] : "?");
		}
		json_decref(rec.obj);
		got++;
	}
	csm_reader_close(r);
	CHECK_INT(got, n);
}

/*
 * A one-column CSV: a row whose only field is empty or white space must
 * not be written as a blank line, which a reader skips.
 */
static void
roundtrip_one_column(void)
{
	static const char *const vals[] = {"", " ", "\t", "  x  ", "y", ""};
	static const char *const cols[] = {"v", NULL};
	size_t n = sizeof(vals) / sizeof(vals[0]), i, got = 0, wrong = 0;
	struct mem m;
	struct csm_writer *w;
	struct csm_reader *r;
	struct csm_rec rec;
	struct csm_err err;
	const char *p;
	int rc;

	mem_open(&m);
	w = csm_writer_new(m.fp, CSM_FMT_CSV, cols, 0);
	for (i = 0; i < n; i++) {
		csm_writer_begin(w);
		csm_writer_str(w, "v", vals[i], strlen(vals[i]));
		csm_writer_end(w);
	}
	mem_done(&m, w);
	p = put("one.csv", m.p, m.len);
	free(m.p);
	r = csm_reader_open(p, CSM_FMT_AUTO, NULL, &err);
	while ((rc = csm_reader_next(r, &rec, &err)) != 0) {
		const char *v;

		if (rc != 1) {
			wrong++;
			if (rc == -2)
				break;
			continue;
		}
		v = json_string_value(json_object_get(rec.obj, "v"));
		if (got >= n || strcmp(v ? v : "", vals[got]) != 0) {
			wrong++;
			fprintf(stderr, "one column: record %zu: \"%s\"\n", got,
			    v ? v : "(absent)");
		}
		json_decref(rec.obj);
		got++;
	}
	csm_reader_close(r);
	CHECK_INT(got, n);
	CHECK_INT(wrong, 0);
}

/*
 * --excel-safe follows OWASP's CSV Injection guidance: a ' before text
 * that starts with = + - @, a tab or a CR; numbers, signed ones too,
 * stay numbers.  One field a row; the column is "v".
 */
static void
test_excel_safe(void)
{
	static const char *const c1[] = {"v", NULL};
	static const struct {
		const char *in, *out;
	} t[] = {
		/* Numbers: left alone. */
		{"-2", "-2"}, {"+2", "+2"}, {"-3.5", "-3.5"}, {"-.5", "-.5"},
		{"+1e5", "+1e5"}, {"-1E-3", "-1E-3"}, {"-0", "-0"},
		{"+8613812345678", "+8613812345678"}, {"42", "42"},
		/* Text that a spreadsheet would run: defused. */
		{"-", "'-"}, {"+", "'+"}, {"-2+3", "'-2+3"}, {"--2", "'--2"},
		{"-1e", "'-1e"}, {"-.", "'-."}, {"-2 ", "'-2 "},
		{"+86 138 1234 5678", "'+86 138 1234 5678"},
		{"-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"},
		{"=1+1", "'=1+1"}, {"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1+1", "'\t=1+1"}, {"\tplain", "'\tplain"},
		{"\r=1+1", "\"'\r=1+1\""},
		/* Not at the start, or another first character: as is. */
		{"1-2", "1-2"}, {" =1", " =1"}, {"a@b", "a@b"},
		{"x\t", "x\t"}, {"'=1", "'=1"},
	};
	struct mem m;
	struct csm_writer *w;
	struct csm_buf want = {0};
	size_t i;
	const char *out;

	mem_open(&m);
	w = csm_writer_new(m.fp, CSM_FMT_CSV, c1, CSM_W_EXCEL_SAFE);
	csm_buf_add(&want, S("v\n"));
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		csm_writer_begin(w);
		csm_writer_str(w, "v", t[i].in, strlen(t[i].in));
		csm_writer_end(w);
		csm_buf_add(&want, t[i].out, strlen(t[i].out));
		csm_buf_addc(&want, '\n');
	}
	/* Integers written as such are numbers too. */
	csm_writer_begin(w);
	csm_writer_int(w, "v", -7);
	csm_writer_end(w);
	csm_buf_add(&want, S("-7\n"));
	csm_buf_addc(&want, '\0');
	out = mem_done(&m, w);
	CHECK_STR(out, want.p);
	csm_buf_free(&want);
	free(m.p);
}

/* Counts the lines of s that end with a space before their newline. */
static int
trailing_spaces(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		if (s[0] == ' ' && s[1] == '\n')
			n++;
	return n;
}

/*
 * Table rows never end in spaces: not after an empty last cell, not
 * after several, not with CJK or emoji text before them, not with
 * colour, not when a cell's own text ends in spaces.
 */
static void
test_table_trailing(void)
{
	static const char *const c3[] = {"id", "\xE5\x90\x8D\xE5\xAD\x97",
		"note", NULL};
	struct mem m;
	struct csm_writer *w;
	const char *out;
	unsigned flags;

	for (flags = 0; flags <= CSM_W_COLOR; flags += CSM_W_COLOR) {
		mem_open(&m);
		w = csm_writer_new(m.fp, CSM_FMT_TABLE, c3, flags);
		csm_writer_begin(w);
		csm_writer_str(w, "id", S("1"));
		csm_writer_str(w, "\xE5\x90\x8D\xE5\xAD\x97",
		    S("\xE7\x8E\x8B\xE4\xB8\xBD"));	/* 王丽 */
		csm_writer_end(w);
		csm_writer_begin(w);
		csm_writer_str(w, "id", S("22"));
		csm_writer_end(w);
		csm_writer_begin(w);
		csm_writer_str(w, "id", S("333"));
		csm_writer_str(w, "\xE5\x90\x8D\xE5\xAD\x97",
		    S("\xF0\x9F\x98\x80"));
		csm_writer_str(w, "note", S("ends in spaces  "));
		csm_writer_end(w);
		csm_writer_begin(w);
		csm_writer_end(w);
		out = mem_done(&m, w);
		CHECK_INT(trailing_spaces(out), 0);
		if (flags == 0)
			CHECK_STR(out,
			    "id   \xE5\x90\x8D\xE5\xAD\x97  note\n"
			    "1    \xE7\x8E\x8B\xE4\xB8\xBD\n"
			    "22\n"
			    "333  \xF0\x9F\x98\x80    ends in spaces\n"
			    "\n");
		else
			CHECK_STR(out,
			    "\033[1mid   \xE5\x90\x8D\xE5\xAD\x97  note"
			    "\033[0m\n"
			    "1    \xE7\x8E\x8B\xE4\xB8\xBD\n"
			    "22\n"
			    "333  \xF0\x9F\x98\x80    ends in spaces\n"
			    "\n");
		free(m.p);
	}
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_jsonl_basic();
	test_jsonl_errors();
	test_jsonl_sizes();
	test_open();
	test_spectrum();
	test_csv();
	test_csv_huge();
	test_utf16();
	test_gbk();
	test_tsv();
	test_buf();
	test_json_text();
	test_write_jsonl();
	test_write_csv();
	test_write_tsv();
	test_write_table();
	test_write_errors();
	roundtrip(CSM_FMT_CSV, 0, "rt.csv");
	roundtrip(CSM_FMT_CSV, CSM_W_BOM | CSM_W_CRLF, "rt-crlf.csv");
	roundtrip(CSM_FMT_TSV, 0, "rt.tsv");
	roundtrip_one_column();
	test_excel_safe();
	test_table_trailing();
	CHECK_INT(csm_t_rmtree(dir), 0);
	return TEST_REPORT();
}
