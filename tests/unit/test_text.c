/*
 * test_text.c - UTF-8 validation and decoding, display width and escaping
 * for messages (lib/text.c, csm_escape_json in lib/write.c).  Run from
 * the repository root: it reads tests/data/unit/combining.txt.
 *
 * Buffers handed to csm_escape are malloc'd at their exact size, so that
 * AddressSanitizer sees a write one byte past the end.
 */
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "csm_test.h"

#define S(lit) (lit), (sizeof(lit) - 1)

/* csm_utf8_valid on a literal: 1, or 0 with the bad offset in *bad. */
static int
valid(const char *s, size_t len, size_t *bad)
{
	*bad = (size_t)-1;
	return csm_utf8_valid(s, len, bad);
}

static void
test_valid(void)
{
	size_t bad;

	/* ASCII, long enough to take the eight-byte path. */
	CHECK_INT(valid(S("hello, world: plain ASCII text"), &bad), 1);
	CHECK_INT(bad, (long long)(size_t)-1);	/* untouched when valid */
	CHECK_INT(valid(S(""), &bad), 1);
	CHECK_INT(csm_utf8_valid("abc", 3, NULL), 1);
	/* Two, three and four byte sequences. */
	CHECK_INT(valid(S("\xC3\xA9t\xC3\xA9"), &bad), 1);		/* été */
	CHECK_INT(valid(S("\xE4\xB8\xAD\xE6\x96\x87"), &bad), 1);	/* 中文 */
	CHECK_INT(valid(S("\xF0\x9F\x98\x80"), &bad), 1);		/* 😀 */
	CHECK_INT(valid(S("\xF4\x8F\xBF\xBF"), &bad), 1);	/* U+10FFFF */
	CHECK_INT(valid(S("\xEF\xBF\xBF"), &bad), 1);		/* U+FFFF */
	CHECK_INT(valid(S("\xED\x9F\xBF"), &bad), 1);		/* U+D7FF */
	CHECK_INT(valid(S("\xEE\x80\x80"), &bad), 1);		/* U+E000 */

	/* Overlong forms. */
	CHECK_INT(valid(S("\xC0\x80"), &bad), 0);
	CHECK_INT(bad, 0);
	CHECK_INT(valid(S("\xC1\xBF"), &bad), 0);
	CHECK_INT(bad, 0);
	CHECK_INT(valid(S("ab\xE0\x80\x80"), &bad), 0);
	CHECK_INT(bad, 2);
	CHECK_INT(valid(S("\xE0\x9F\xBF"), &bad), 0);	/* overlong U+07FF */
	CHECK_INT(bad, 0);
	CHECK_INT(valid(S("\xF0\x8F\xBF\xBF"), &bad), 0);	/* overlong U+FFFF */
	CHECK_INT(bad, 0);
	/* Surrogates. */
	CHECK_INT(valid(S("x\xED\xA0\x80"), &bad), 0);	/* U+D800 */
	CHECK_INT(bad, 1);
	CHECK_INT(valid(S("\xED\xBF\xBF"), &bad), 0);	/* U+DFFF */
	CHECK_INT(bad, 0);
	/* Above U+10FFFF. */
	CHECK_INT(valid(S("abc\xF4\x90\x80\x80"), &bad), 0);
	CHECK_INT(bad, 3);
	CHECK_INT(valid(S("\xF5\x80\x80\x80"), &bad), 0);
	CHECK_INT(bad, 0);
	CHECK_INT(valid(S("\xFF"), &bad), 0);
	CHECK_INT(bad, 0);
	/* A lone continuation byte. */
	CHECK_INT(valid(S("ok\x80"), &bad), 0);
	CHECK_INT(bad, 2);
	/* Truncated sequences: at the end, and followed by ASCII. */
	CHECK_INT(valid(S("\xE4\xB8"), &bad), 0);
	CHECK_INT(bad, 0);
	CHECK_INT(valid(S("\xE4\xB8\xAD\xE4\xB8"), &bad), 0);
	CHECK_INT(bad, 3);
	CHECK_INT(valid(S("\xF0\x9F\x98"), &bad), 0);
	CHECK_INT(bad, 0);
	CHECK_INT(valid(S("\xC3"), &bad), 0);
	CHECK_INT(bad, 0);
	CHECK_INT(valid(S("\xE4\xB8" "A"), &bad), 0);
	CHECK_INT(bad, 0);
	/* A valid string cut short by len. */
	CHECK_INT(valid("\xE4\xB8\xAD", 2, &bad), 0);
	CHECK_INT(bad, 0);
	/* NUL is invalid: at the start, inside a fast ASCII run, at the
	 * end. */
	CHECK_INT(valid(S("\0abc"), &bad), 0);
	CHECK_INT(bad, 0);
	CHECK_INT(valid(S("abcdefghij\0klmnopqrstuvwxyz"), &bad), 0);
	CHECK_INT(bad, 10);
	CHECK_INT(valid(S("abcdefghijklmnop\0"), &bad), 0);
	CHECK_INT(bad, 16);
	/* The bad byte after a long ASCII run is found exactly. */
	CHECK_INT(valid(S("0123456789abcdefghij\xC3("), &bad), 0);
	CHECK_INT(bad, 20);
	CHECK_INT(csm_utf8_valid(S("\xC3("), NULL), 0);
}

static void
test_decode(void)
{
	uint32_t cp = 0;

	CHECK_INT(csm_utf8_decode(S("A"), &cp), 1);
	CHECK_INT(cp, 'A');
	CHECK_INT(csm_utf8_decode(S("\xC3\xA9"), &cp), 2);
	CHECK_INT(cp, 0xE9);
	CHECK_INT(csm_utf8_decode(S("\xE4\xB8\xADx"), &cp), 3);
	CHECK_INT(cp, 0x4E2D);
	CHECK_INT(csm_utf8_decode(S("\xF0\x9F\x98\x80"), &cp), 4);
	CHECK_INT(cp, 0x1F600);
	CHECK_INT(csm_utf8_decode(S("\xF4\x8F\xBF\xBF"), &cp), 4);
	CHECK_INT(cp, 0x10FFFF);
	/* Invalid bytes: U+FFFD, one byte, so loops advance. */
	CHECK_INT(csm_utf8_decode(S("\xFF"), &cp), 1);
	CHECK_INT(cp, 0xFFFD);
	CHECK_INT(csm_utf8_decode(S("\xC0\x80"), &cp), 1);
	CHECK_INT(cp, 0xFFFD);
	CHECK_INT(csm_utf8_decode(S("\xED\xA0\x80"), &cp), 1);
	CHECK_INT(cp, 0xFFFD);
	CHECK_INT(csm_utf8_decode(S("\xF4\x90\x80\x80"), &cp), 1);
	CHECK_INT(cp, 0xFFFD);
	CHECK_INT(csm_utf8_decode("\xE4\xB8\xAD", 2, &cp), 1);
	CHECK_INT(cp, 0xFFFD);
	CHECK_INT(csm_utf8_decode(S("\0"), &cp), 1);
	CHECK_INT(cp, 0);
	cp = 7;
	CHECK_INT(csm_utf8_decode("", 0, &cp), 0);
	CHECK_INT(cp, 0);
}

static void
test_width(void)
{
	/* Code points. */
	CHECK_INT(csm_width_cp('a'), 1);
	CHECK_INT(csm_width_cp(' '), 1);
	CHECK_INT(csm_width_cp('\t'), 0);
	CHECK_INT(csm_width_cp(0), 0);
	CHECK_INT(csm_width_cp(0x1B), 0);
	CHECK_INT(csm_width_cp(0x7F), 0);
	CHECK_INT(csm_width_cp(0x85), 0);	/* C1 */
	CHECK_INT(csm_width_cp(0xE9), 1);	/* é */
	CHECK_INT(csm_width_cp(0x4E2D), 2);	/* 中 */
	CHECK_INT(csm_width_cp(0x3042), 2);	/* あ */
	CHECK_INT(csm_width_cp(0xAC00), 2);	/* 가 */
	CHECK_INT(csm_width_cp(0xFF21), 2);	/* Ａ fullwidth */
	CHECK_INT(csm_width_cp(0x3000), 2);	/* ideographic space */
	CHECK_INT(csm_width_cp(0x20000), 2);	/* CJK extension B */
	CHECK_INT(csm_width_cp(0x1F600), 2);	/* 😀 */
	CHECK_INT(csm_width_cp(0x1F44D), 2);	/* 👍 */
	CHECK_INT(csm_width_cp(0x2705), 2);	/* ✅ */
	CHECK_INT(csm_width_cp(0x0301), 0);	/* combining acute */
	CHECK_INT(csm_width_cp(0x200B), 0);	/* zero width space */
	CHECK_INT(csm_width_cp(0xFE0F), 0);	/* variation selector 16 */
	CHECK_INT(csm_width_cp(0x202E), 0);	/* RLO */
	CHECK_INT(csm_width_cp(0x00B7), 1);	/* ambiguous: 1 */
	CHECK_INT(csm_width_cp(0x2014), 1);	/* em dash, ambiguous */
	CHECK_INT(csm_width_cp(0x10FFFF), 1);

	/* Strings. */
	CHECK_INT(csm_width(S("")), 0);
	CHECK_INT(csm_width(S("hello")), 5);
	CHECK_INT(csm_width(S("\xE4\xB8\xAD\xE6\x96\x87" "ab")), 6);
	CHECK_INT(csm_width(S("\xF0\x9F\x98\x80!")), 3);
	CHECK_INT(csm_width(S("e\xCC\x81")), 1);	/* e + U+0301 */
	CHECK_INT(csm_width(S("a\tb\x1b")), 2);	/* controls are 0 */
	CHECK_INT(csm_width(S("caf\xC3\xA9")), 4);
	/* An invalid byte counts as U+FFFD: 1 column. */
	CHECK_INT(csm_width(S("a\xFF" "b")), 3);
}

/*
 * Every combining mark (Mn, Me) is 0 columns, in every script: the list
 * is tests/data/unit/combining.txt, from Python's unicodedata.
 */
static void
test_combining(void)
{
	FILE *fp = fopen("tests/data/unit/combining.txt", "r");
	char line[256];
	unsigned cp;
	size_t total = 0, nonzero = 0;

	CHECK(fp != NULL);
	if (fp == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (line[0] == '#' || sscanf(line, "%x", &cp) != 1)
			continue;
		total++;
		if (csm_width_cp(cp) != 0) {
			if (nonzero++ < 5)
				fprintf(stderr, "combining U+%04X has width "
				    "%d\n", cp, csm_width_cp(cp));
		}
	}
	fclose(fp);
	CHECK_INT(total, 1963);
	CHECK_INT(nonzero, 0);
	/* Scripts written in China and its neighbours, by name. */
	CHECK_INT(csm_width_cp(0x0F71), 0);	/* Tibetan vowel sign aa */
	CHECK_INT(csm_width_cp(0x0F7A), 0);	/* Tibetan vowel sign e */
	CHECK_INT(csm_width_cp(0x180B), 0);	/* Mongolian FVS1 */
	CHECK_INT(csm_width_cp(0x17B7), 0);	/* Khmer vowel sign i */
	CHECK_INT(csm_width_cp(0x102D), 0);	/* Myanmar vowel sign i */
	CHECK_INT(csm_width_cp(0x0981), 0);	/* Bengali candrabindu */
	CHECK_INT(csm_width_cp(0x08F0), 0);	/* Arabic open fathatan */
	/* ཀཱ: a letter and its vowel sign take one column. */
	CHECK_INT(csm_width(S("\xE0\xBD\x80\xE0\xBD\xB1")), 1);
}

static void
test_fit(void)
{
	size_t used;
	const char *cjk = "\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97";	/* 中文字 */
	const char *mix = "a\xE4\xB8\xAD" "b";

	used = 99;
	CHECK_INT(csm_width_fit(cjk, 9, 6, &used), 9);
	CHECK_INT(used, 6);
	CHECK_INT(csm_width_fit(cjk, 9, 5, &used), 6);	/* not 7 or 8 */
	CHECK_INT(used, 4);
	CHECK_INT(csm_width_fit(cjk, 9, 1, &used), 0);
	CHECK_INT(used, 0);
	CHECK_INT(csm_width_fit(cjk, 9, 100, &used), 9);
	CHECK_INT(used, 6);
	CHECK_INT(csm_width_fit(mix, 5, 2, &used), 1);
	CHECK_INT(used, 1);
	CHECK_INT(csm_width_fit(mix, 5, 3, &used), 4);
	CHECK_INT(used, 3);
	CHECK_INT(csm_width_fit(S("hello"), 3, NULL), 3);
	CHECK_INT(csm_width_fit(S(""), 3, &used), 0);
	CHECK_INT(used, 0);
	/* An emoji is not split either. */
	CHECK_INT(csm_width_fit(S("ab\xF0\x9F\x98\x80"), 3, &used), 2);
	CHECK_INT(used, 2);
	/* A combining mark stays with its base. */
	CHECK_INT(csm_width_fit(S("e\xCC\x81x"), 1, &used), 3);
	CHECK_INT(used, 1);

	/* Never a byte count inside a character, for every maxw. */
	{
		const char *s = "a\xE4\xB8\xAD\xF0\x9F\x98\x80" "e\xCC\x81"
		    "\xC3\xA9\xE6\x96\x87z";
		size_t len = strlen(s), w, n, split = 0, over = 0, i;

		for (w = 0; w <= 14; w++) {
			n = csm_width_fit(s, len, w, &used);
			for (i = 0; i < len; i += csm_utf8_decode(s + i,
			    len - i, &(uint32_t){0}))
				if (i == n)
					break;
			if (i != n && n != len)
				split++;
			if (used > w || used != csm_width(s, n))
				over++;
		}
		CHECK_INT(split, 0);
		CHECK_INT(over, 0);
	}
}

/* csm_escape into a malloc'd buffer of exactly n bytes; new. */
static char *
esc(const char *s, size_t len, size_t n)
{
	char *buf = malloc(n);

	memset(buf, 'Z', n);
	csm_escape(s, len, buf, n);
	return buf;
}

static void
check_esc(const char *s, size_t len, size_t n, const char *want, int line)
{
	char *got = esc(s, len, n);

	if (strcmp(got, want) == 0)
		csm_t_pass++;
	else {
		csm_t_fail++;
		fprintf(stderr, "%s:%d: FAIL: csm_escape\n  got:      \"%s\"\n"
		    "  expected: \"%s\"\n", __FILE__, line, got, want);
	}
	free(got);
}

#define ESC(lit, n, want) check_esc(S(lit), n, want, __LINE__)

static void
test_escape(void)
{
	char buf[8];

	ESC("plain", 64, "plain");
	ESC("", 64, "");
	ESC("a\nb\tc\rd", 64, "a\\nb\\tc\\rd");
	ESC("say \"hi\"", 64, "say \\\"hi\\\"");
	ESC("C:\\dir", 64, "C:\\\\dir");
	ESC("\x1b[31mred", 64, "\\u001b[31mred");
	ESC("\x01\x7f", 64, "\\u0001\\u007f");
	ESC("\xC2\x85", 64, "\\u0085");		/* C1 NEL */
	ESC("\xC2\x9B" "2J", 64, "\\u009b2J");	/* C1 CSI */
	ESC("abc\xE2\x80\xAE" "fdp.exe", 64, "abc\\u202efdp.exe");	/* RLO */
	ESC("\xE2\x81\xA6x\xE2\x81\xA9", 64, "\\u2066x\\u2069");	/* LRI PDI */
	/* Non-ASCII text stays as it is. */
	ESC("\xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80", 64,
	    "\xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80");
	/* Invalid bytes as \xNN, one by one. */
	ESC("a\xFF" "b", 64, "a\\xffb");
	ESC("\xC0\x80", 64, "\\xc0\\x80");
	ESC("\xED\xA0\x80", 64, "\\xed\\xa0\\x80");
	ESC("\xF4\x90\x80\x80", 64, "\\xf4\\x90\\x80\\x80");
	ESC("\xE4\xB8", 64, "\\xe4\\xb8");
	ESC("x\0y", 64, "x\\x00y");

	/* Cut with "...", never inside a character or an escape. */
	ESC("abcdefghijklmnop", 8, "abcd...");
	ESC("abcdefghijklmnop", 12, "abcdefgh...");
	ESC("\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD", 8,
	    "\xE4\xB8\xAD...");
	ESC("ab\x1b" "cdefgh", 12, "ab\\u001b...");
	ESC("\"\"\"\"\"\"\"\"\"\"", 9, "\\\"\\\"...");
	ESC("a\xFF\xFF\xFF\xFF\xFF", 12, "a\\xff...");
	/* What fits is not cut: 7 bytes and the NUL in 8, 11 in 12. */
	ESC("abcdefg", 8, "abcdefg");
	ESC("abcdefghijk", 12, "abcdefghijk");
	ESC("abcdef\n", 10, "abcdef\\n");

	/* Buffers smaller than 8 get an empty string. */
	memset(buf, 'Z', sizeof(buf));
	csm_escape(S("abc"), buf, 7);
	CHECK_INT(buf[0], '\0');
	CHECK(csm_escape(S("abc"), buf, 8) == buf);
}

/*
 * Hostile inputs into every buffer size from 8 to 40, under ASan: the
 * result always fits, is a whole-piece prefix of the full escape, and is
 * either that escape or cut with "...".
 */
static void
test_escape_sizes(void)
{
	static const char *const inputs[] = {
		"\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b",
		"\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F"
		    "\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80",
		"\xFF\xFE\xFD\xFC\xFB\xFA\xF9\xF8\xF7\xF6\xF5",
		"\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\",
		"\xE2\x80\xAE\xE2\x80\xAE\xE2\x80\xAE\xE2\x80\xAE\xE2\x80\xAE",
		"mixed \xE4\xB8\xAD\x1b\xFF\"\n\xE2\x80\xAE" "tail of the line",
		"\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD"
		    "\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87",
		"short",
	};
	size_t k, n, overflow = 0, badcut = 0, notprefix = 0, notmax = 0;
	size_t cutfit = 0;

	for (k = 0; k < sizeof(inputs) / sizeof(inputs[0]); k++) {
		const char *s = inputs[k];
		size_t len = strlen(s), i;
		char full[512], pre[512];

		csm_escape(s, len, full, sizeof(full));
		for (n = 8; n <= 40; n++) {
			char *got = esc(s, len, n);
			size_t glen = strlen(got), body, best = 0;
			int ok = 0;

			if (glen >= n)
				overflow++;
			if (strcmp(got, full) == 0)
				goto next;
			if (strlen(full) < n)
				cutfit++;
			if (glen < 3 || strcmp(got + glen - 3, "...") != 0) {
				badcut++;
				goto next;
			}
			body = glen - 3;
			/* Some prefix of the input escapes to the body. */
			for (i = 0; i <= len; i++) {
				csm_escape(s, i, pre, sizeof(pre));
				if (strlen(pre) == body &&
				    memcmp(pre, got, body) == 0)
					ok = 1;
				if (strlen(pre) + 4 <= n &&
				    strncmp(pre, full, strlen(pre)) == 0 &&
				    strlen(pre) > best)
					best = strlen(pre);
			}
			if (!ok)
				notprefix++;
			else if (body != best)
				notmax++;
next:
			free(got);
		}
	}
	CHECK_INT(overflow, 0);
	CHECK_INT(badcut, 0);
	CHECK_INT(notprefix, 0);
	CHECK_INT(notmax, 0);
	CHECK_INT(cutfit, 0);	/* what fits is never cut */
}

static void
check_json(json_t *v, size_t n, const char *want, int line)
{
	char *buf = malloc(n);

	memset(buf, 'Z', n);
	csm_escape_json(v, buf, n);
	if (strcmp(buf, want) == 0)
		csm_t_pass++;
	else {
		csm_t_fail++;
		fprintf(stderr, "%s:%d: FAIL: csm_escape_json\n"
		    "  got:      \"%s\"\n  expected: \"%s\"\n", __FILE__, line,
		    buf, want);
	}
	if (strlen(buf) >= n) {
		csm_t_fail++;
		fprintf(stderr, "%s:%d: FAIL: overflow\n", __FILE__, line);
	}
	free(buf);
	json_decref(v);
}

#define EJ(v, n, want) check_json(v, n, want, __LINE__)

static void
test_escape_json(void)
{
	size_t n;

	EJ(json_string("abc"), 64, "\"abc\"");
	EJ(json_string(""), 64, "\"\"");
	EJ(json_string("a\"b\nc\x1b"), 64, "\"a\\\"b\\nc\\u001b\"");
	EJ(json_string("\xE2\x80\xAE" "evil"), 64, "\"\\u202eevil\"");
	EJ(json_string("\xE4\xB8\xAD\xE6\x96\x87"), 64,
	    "\"\xE4\xB8\xAD\xE6\x96\x87\"");
	EJ(json_stringn("a\0b", 3), 64, "\"a\\x00b\"");
	EJ(json_string("abcdefghijklmnopqrstuvwxyz"), 16, "\"abcdefghij...\"");
	/* A string that fits is not cut: 14 characters and quotes in 17. */
	EJ(json_string("abcdefghijklmn"), 17, "\"abcdefghijklmn\"");

	EJ(json_integer(42), 64, "42");
	EJ(json_integer(-7), 64, "-7");
	EJ(json_real(2.5), 64, "2.5");
	EJ(json_true(), 64, "true");
	EJ(json_false(), 64, "false");
	EJ(json_null(), 64, "null");
	EJ(json_pack("[i,i,i]", 1, 2, 3), 64, "[1,2,3]");
	/* Other values are compact JSON, as csm.h says. */
	EJ(json_pack("{s:i}", "a", 1), 64, "{\"a\":1}");
	EJ(json_pack("[s,i]", "x", 2), 64, "[\"x\",2]");
	/* Long values are cut. */
	EJ(json_pack("[i,i,i,i,i,i,i,i,i,i]", 1111, 2222, 3333, 4444, 5555,
	    6666, 7777, 8888, 9999, 1010), 16, "[1111,2222,3...");
	/* Below 16 bytes: empty. */
	EJ(json_integer(1), 15, "");

	/* Every size from 16 to 40: always fits, cut after whole escapes. */
	for (n = 16; n <= 40; n++) {
		char want[64] = "\"";
		size_t k;

		for (k = 0; k < (n - 6) / 6; k++)
			strcat(want, "\\u001b");
		strcat(want, "...\"");
		EJ(json_string("\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b"
		    "\x1b\x1b"), n, want);
	}
}

int
main(void)
{
	test_valid();
	test_decode();
	test_width();
	test_combining();
	test_fit();
	test_escape();
	test_escape_sizes();
	test_escape_json();
	return TEST_REPORT();
}
