/*
 * test_json.c - the JSON fast path (lib/json.c) against jansson: whatever
 * the fast path accepts, jansson accepts as the same value; whatever
 * jansson refuses, the fast path leaves to it.  Checked on hand-made edge
 * cases, on every line of the bundled sample, and on many thousands of
 * mutations of those lines.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "csm_test.h"

static struct csm_buf tmp;
static long fast_used, lines;

/* The fast path must agree with jansson on this input. */
static int
agree(const char *s, size_t len)
{
	json_t *f = csm_json_fast(s, len, &tmp);
	json_t *j = json_loadb(s, len, JSON_REJECT_DUPLICATES, NULL);
	int ok = 1;

	lines++;
	if (f != NULL) {
		fast_used++;
		ok = j != NULL && json_is_object(j) && json_equal(f, j);
		/* Key order too: both keep the input's. */
		if (ok) {
			char *a = json_dumps(f, JSON_COMPACT);
			char *b = json_dumps(j, JSON_COMPACT);

			ok = strcmp(a, b) == 0;
			free(a);
			free(b);
		}
	}
	if (!ok)
		fprintf(stderr, "  disagree on: %.*s\n", (int)(len > 200 ? 200 :
		    len), s);
	json_decref(f);
	json_decref(j);
	return ok;
}

static int
fast_accepts(const char *s)
{
	json_t *f = csm_json_fast(s, strlen(s), &tmp);
	int ok = f != NULL;

	json_decref(f);
	return ok;
}

static void
test_cases(void)
{
	static const char *const cases[] = {
		"{}", " { } ", "{\"a\":1}", "{\"a\":-0}", "{\"a\":-12345}",
		"{\"a\":999999999999999999}", "{\"a\":9223372036854775807}",
		"{\"a\":9223372036854775808}", "{\"a\":1.5}", "{\"a\":1e3}",
		"{\"a\":01}", "{\"a\":-}", "{\"a\":+1}", "{\"a\":true}",
		"{\"a\":tru}", "{\"a\":null,\"b\":false}", "{\"a\":nulll}",
		"{\"a\":\"x\",\"a\":\"y\"}", "{\"a\":[]}", "{\"a\":[1,\"b\",null]}",
		"{\"a\":[[1]]}", "{\"a\":{\"b\":1}}", "{\"a\":[1,]}",
		"{\"a\":1,}", "{,}", "{\"a\" 1}", "{\"a\":1} x", "{\"a\":1}}",
		"[1]", "\"str\"", "", "   ", "{", "{\"a\"", "{\"a\":",
		"{\"\":1}", "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}",
		"{\"a\":\"\\u4e2d\\u6587\"}", "{\"a\":\"\\ud83d\\ude00\"}",
		"{\"a\":\"\\ud83d\"}", "{\"a\":\"\\ude00\"}",
		"{\"a\":\"\\ud83dx\"}", "{\"a\":\"\\u0000\"}",
		"{\"a\":\"\\u00zz\"}", "{\"a\":\"\\x41\"}", "{\"a\":\"\\u\"}",
		"{\"a\":\"tab\there\"}", "{\"a\":\"中文 emoji 😀\"}",
		"{\"k\\u00e9\":1}", "{\"a\":\"\xff\"}", "{\"a\":\"\xc0\xaf\"}",
		"{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"unterminated}",
		"{\"a\":1}\r", "\t{\"a\":1}\t", "{\"a\":\"\x7f\"}",
		"{\"verylongkeyverylongkeyverylongkeyverylongkeyverylongkey"
		"verylongkeyverylongkeyverylongkeyverylongkeyverylongkey"
		"verylongkeyverylongkey\":1}",
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(agree(cases[i], strlen(cases[i])));
	/* A NUL byte inside the line, within len. */
	CHECK(agree("{\"a\":\"x\0y\"}", 11));
	/* The common record must take the fast path. */
	CHECK(fast_accepts("{\"type\":\"ticket\",\"tags\":[\"a\",\"b\"],"
	    "\"n\":3,\"ok\":true,\"body\":\"line\\nline \\\"q\\\" \\u4e2d\"}"));
	CHECK(!fast_accepts("{\"a\":1.5}"));
	CHECK(!fast_accepts("{\"a\":\"x\",\"a\":\"y\"}"));
}

/* Every line of a file, and mutations of it. */
static void
test_file(const char *path, unsigned *seed)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *m;
	size_t cap = 0, k;
	ssize_t n;
	long bad = 0, before_lines = lines, before_fast = fast_used;
	static const char inject[] = "\"\\{}[],:0-.eE\xff\x01u \t";

	if (fp == NULL) {
		fprintf(stderr, "  cannot open %s\n", path);
		CHECK(0);
		return;
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] == '\n')
			n--;
		bad += !agree(line, (size_t)n);
		m = malloc((size_t)n + 2);
		for (k = 0; k < 8 && m != NULL; k++) {
			size_t at;

			memcpy(m, line, (size_t)n);
			*seed = *seed * 1103515245u + 12345u;
			at = (*seed >> 8) % (size_t)n;
			switch (k % 4) {
			case 0:	/* change a byte */
				m[at] = inject[(*seed >> 3) % (sizeof(inject) -
				    1)];
				bad += !agree(m, (size_t)n);
				break;
			case 1:	/* cut the line */
				bad += !agree(m, at);
				break;
			case 2:	/* insert a byte */
				memmove(m + at + 1, m + at, (size_t)n - at);
				m[at] = inject[(*seed >> 3) % (sizeof(inject) -
				    1)];
				bad += !agree(m, (size_t)n + 1);
				break;
			default:	/* drop a byte */
				memmove(m + at, m + at + 1, (size_t)n - at - 1);
				bad += !agree(m, (size_t)n - 1);
			}
		}
		free(m);
	}
	free(line);
	fclose(fp);
	CHECK_INT(bad, 0);
	/* Unmutated sample lines are simple: most must go the fast way. */
	CHECK(fast_used - before_fast > (lines - before_lines) / 9 / 2);
}

int
main(void)
{
	static const char *const files[] = {
		"sample/tickets.jsonl", "sample/messages.jsonl",
		"sample/events.jsonl", "sample/surveys.jsonl",
	};
	unsigned seed = 42;
	size_t i;

	test_cases();
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		test_file(files[i], &seed);
	printf("# %ld lines, %ld through the fast path\n", lines, fast_used);
	csm_buf_free(&tmp);
	return TEST_REPORT();
}
