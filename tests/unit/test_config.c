/*
 * test_config.c - the csm.conf(5) parser (lib/config.c): sections and
 * quoted subsections, keys, values and their quoting, comments,
 * continuation lines, includes, and the exact "file:line:col: message" of
 * every error.
 *
 * Included files are written to a mkdtemp directory under /tmp, removed
 * at the end.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "csm_test.h"

static char dir[] = "/tmp/csm-test-config.XXXXXX";

/* Parses text; returns new, or NULL with err. */
static struct csm_conf *
parse(const char *text, struct csm_err *err)
{
	memset(err, 0, sizeof(*err));
	return csm_conf_parse(text, strlen(text), "t.conf", err);
}

/* "section|name|key=value@line:col" of every entry, one a line (new). */
static char *
dump(const struct csm_conf *c)
{
	struct csm_buf b = {0};
	const struct csm_conf_entry *e;
	size_t n, i;
	char tail[64];

	csm_buf_add(&b, "", 0);
	e = csm_conf_entries(c, &n);
	for (i = 0; i < n; i++) {
		csm_buf_add(&b, e[i].section, strlen(e[i].section));
		csm_buf_addc(&b, '|');
		if (e[i].name != NULL)
			csm_buf_add(&b, e[i].name, strlen(e[i].name));
		else
			csm_buf_add(&b, "-", 1);
		csm_buf_addc(&b, '|');
		csm_buf_add(&b, e[i].key, strlen(e[i].key));
		csm_buf_addc(&b, '=');
		csm_buf_add(&b, e[i].value, strlen(e[i].value));
		snprintf(tail, sizeof(tail), "@%ld:%ld\n", e[i].line, e[i].col);
		csm_buf_add(&b, tail, strlen(tail));
	}
	return b.p;
}

static void
check_parse(const char *text, const char *want, int line)
{
	struct csm_err err;
	struct csm_conf *c = parse(text, &err);
	char *got;

	if (c == NULL) {
		csm_t_fail++;
		fprintf(stderr, "%s:%d: FAIL: parse error: %s\n", __FILE__,
		    line, err.msg);
		return;
	}
	got = dump(c);
	if (strcmp(got, want) == 0)
		csm_t_pass++;
	else {
		csm_t_fail++;
		fprintf(stderr, "%s:%d: FAIL: entries\n  got:\n%s  expected:\n%s",
		    __FILE__, line, got, want);
	}
	free(got);
	csm_conf_free(c);
}

static void
check_error(const char *text, size_t len, const char *want, long eline,
    long ecol, int line)
{
	struct csm_err err;
	struct csm_conf *c;

	memset(&err, 0, sizeof(err));
	c = csm_conf_parse(text, len, "t.conf", &err);
	if (c == NULL && err.code == CSM_ECONFIG && strcmp(err.msg, want) == 0
	    && err.line == eline && err.col == ecol)
		csm_t_pass++;
	else {
		csm_t_fail++;
		fprintf(stderr, "%s:%d: FAIL: error\n  got:      %s (code %d, "
		    "line %ld, col %ld)\n  expected: %s (line %ld, col %ld)\n",
		    __FILE__, line, c ? "(parsed)" : err.msg, err.code,
		    err.line, err.col, want, eline, ecol);
	}
	csm_conf_free(c);
}

#define PARSE(text, want) check_parse(text, want, __LINE__)
#define ERROR(lit, want, l, c) \
	check_error(lit, sizeof(lit) - 1, want, l, c, __LINE__)

static void
test_sections(void)
{
	PARSE("", "");
	PARSE("\n\n   \n", "");
	PARSE("[core]\n"
	    "\ttimezone = Asia/Shanghai\n"
	    "[SLA \"VIP Desk\"]\n"
	    "  First_Response = urgent 30m, high 1h\n"
	    "[Sla \"vip desk\"]\n"
	    "x-y_z=1\n"
	    "[a.b]\n"
	    "k = v\n"
	    "[ spaced  \"n\" ]\n"
	    "k = w\n",
	    "core|-|timezone=Asia/Shanghai@2:13\n"
	    "sla|VIP Desk|first_response=urgent 30m, high 1h@4:20\n"
	    "sla|vip desk|x-y_z=1@6:7\n"
	    "a.b|-|k=v@8:5\n"
	    "spaced|n|k=w@10:5\n");
	/* Subsection escapes: \" \\ and any other character as itself. */
	PARSE("[rule \"say \\\"hi\\\" \\\\ \\q ]x\"]\nk\n",
	    "rule|say \"hi\" \\ q ]x|k=true@2:2\n");
	/* An empty subsection is still a subsection. */
	PARSE("[s \"\"]\nk = 1\n", "s||k=1@2:5\n");
	/* BOM and CRLF. */
	PARSE("\xEF\xBB\xBF[core]\r\nk = v\r\nq = \"a b\"\r\nbare\r\n",
	    "core|-|k=v@2:5\ncore|-|q=a b@3:6\ncore|-|bare=true@4:6\n");
	/* UTF-8 in values and subsections. */
	PARSE("[group \"\xE5\x94\xAE\xE5\x90\x8E\"]\nlead = "
	    "\xE5\xBC\xA0\xE4\xB8\x89\n",
	    "group|\xE5\x94\xAE\xE5\x90\x8E|lead=\xE5\xBC\xA0\xE4\xB8\x89@2:8\n");
}

static void
test_values(void)
{
	/* Comments: whole lines, and after white space in a value. */
	PARSE("# top\n; also\n   # indented\n[s] # after a header\n"
	    "a = 1 # comment\n"
	    "b = 2\t; comment\n"
	    "c = x#y\n"
	    "d = x;y\n"
	    "e = http://h/p#frag\n"
	    "f = #all comment\n"
	    "g =\n"
	    "h = \"q # not ; comment\" # comment\n"
	    "i = \"q\"# kept\n",
	    "s|-|a=1@5:5\n"
	    "s|-|b=2@6:5\n"
	    "s|-|c=x#y@7:5\n"
	    "s|-|d=x;y@8:5\n"
	    "s|-|e=http://h/p#frag@9:5\n"
	    "s|-|f=@10:5\n"
	    "s|-|g=@11:4\n"
	    "s|-|h=q # not ; comment@12:6\n"
	    "s|-|i=\"q\"# kept@13:5\n");
	/* Quotes: a wholly quoted value loses them; others keep them. */
	PARSE("[sla \"vip\"]\n"
	    "when = tier = \"vip\"\n"
	    "x = \"a\" and \"b\"\n"
	    "y = \"a b\"\n"
	    "z = \"\"\n"
	    "esc = \"tab\\there\\nline \\\"q\\\" back\\\\slash\"\n"
	    "raw = a \\n b\n"
	    "part = \"a\\\"b\" c\n"
	    "trail = \"x\"   \n"
	    "lead =    \"  padded  \"\n",
	    "sla|vip|when=tier = \"vip\"@2:8\n"
	    "sla|vip|x=\"a\" and \"b\"@3:5\n"
	    "sla|vip|y=a b@4:6\n"
	    "sla|vip|z=@5:6\n"
	    "sla|vip|esc=tab\there\nline \"q\" back\\slash@6:8\n"
	    "sla|vip|raw=a \\n b@7:7\n"
	    "sla|vip|part=\"a\\\"b\" c@8:8\n"
	    "sla|vip|trail=x@9:10\n"
	    "sla|vip|lead=  padded  @10:12\n");
	/* Continuation lines; the entry keeps the line of its key and
	 * later lines are counted right. */
	PARSE("[s]\n"
	    "k = a long \\\n"
	    "    value\n"
	    "q = \"joined \\\n"
	    "inside\"\n"
	    "crlf = one \\\r\n"
	    "two\r\n"
	    "next = 1\n",
	    "s|-|k=a long     value@2:5\n"
	    "s|-|q=joined inside@4:6\n"
	    "s|-|crlf=one two@6:8\n"
	    "s|-|next=1@8:8\n");
	/* Bare keys are true; names are case-insensitive. */
	PARSE("[Feature]\nEnabled\nverbose # c\nquiet ; c\nlast",
	    "feature|-|enabled=true@2:8\n"
	    "feature|-|verbose=true@3:9\n"
	    "feature|-|quiet=true@4:7\n"
	    "feature|-|last=true@5:5\n");
	/* Multi-valued keys stay in order, and repeat across sections. */
	PARSE("[calendar \"cn\"]\n"
	    "holiday = 2026-10-01..2026-10-07\n"
	    "[other]\nholiday = x\n"
	    "[calendar \"cn\"]\n"
	    "holiday = 2026-01-01\n"
	    "HOLIDAY = 2026-05-01\n",
	    "calendar|cn|holiday=2026-10-01..2026-10-07@2:11\n"
	    "other|-|holiday=x@4:11\n"
	    "calendar|cn|holiday=2026-01-01@6:11\n"
	    "calendar|cn|holiday=2026-05-01@7:11\n");
}

static void
test_get(void)
{
	struct csm_err err;
	struct csm_conf *c;
	const struct csm_conf_entry *e;
	size_t n;

	c = parse("[core]\ntz = UTC\ntz = Asia/Shanghai\n"
	    "[sla \"vip\"]\nwarn = 50%\n[sla \"VIP\"]\nwarn = 80%\n"
	    "[sla]\nwarn = 90%\n[core]\ntz = Europe/Paris\n[x]\n", &err);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	e = csm_conf_get(c, "core", NULL, "tz");
	CHECK(e != NULL);
	CHECK_STR(e ? e->value : NULL, "Europe/Paris");
	CHECK_INT(e ? e->line : 0, 11);
	CHECK_INT(e ? e->col : 0, 6);
	CHECK_STR(e ? e->file : NULL, "t.conf");
	e = csm_conf_get(c, "sla", "vip", "warn");
	CHECK_STR(e ? e->value : NULL, "50%");
	e = csm_conf_get(c, "sla", "VIP", "warn");
	CHECK_STR(e ? e->value : NULL, "80%");
	e = csm_conf_get(c, "sla", NULL, "warn");
	CHECK_STR(e ? e->value : NULL, "90%");
	CHECK(csm_conf_get(c, "sla", "other", "warn") == NULL);
	CHECK(csm_conf_get(c, "core", "x", "tz") == NULL);
	CHECK(csm_conf_get(c, "core", NULL, "nope") == NULL);
	CHECK(csm_conf_get(c, "x", NULL, "tz") == NULL);
	csm_conf_entries(c, &n);
	CHECK_INT(n, 6);

	/* csm_conf_error: the entry's place, then the message. */
	e = csm_conf_get(c, "sla", "VIP", "warn");
	memset(&err, 0, sizeof(err));
	CHECK_INT(csm_conf_error(e, &err, "bad percentage '%s'", e->value),
	    -1);
	CHECK_INT(err.code, CSM_ECONFIG);
	CHECK_STR(err.msg, "t.conf:7:8: bad percentage '80%'");
	CHECK_INT(err.line, 7);
	CHECK_INT(err.col, 8);
	CHECK_INT(csm_conf_error(e, NULL, "no err"), -1);
	csm_conf_free(c);

	/* An empty configuration. */
	c = csm_conf_new();
	CHECK(c != NULL);
	CHECK(csm_conf_entries(c, &n) == NULL || n == 0);
	CHECK_INT(n, 0);
	CHECK(csm_conf_get(c, "core", NULL, "tz") == NULL);
	csm_conf_free(c);
	csm_conf_free(NULL);

	/* Booleans. */
	CHECK_INT(csm_conf_bool("true"), 1);
	CHECK_INT(csm_conf_bool("TRUE"), 1);
	CHECK_INT(csm_conf_bool("yes"), 1);
	CHECK_INT(csm_conf_bool("On"), 1);
	CHECK_INT(csm_conf_bool("1"), 1);
	CHECK_INT(csm_conf_bool("false"), 0);
	CHECK_INT(csm_conf_bool("No"), 0);
	CHECK_INT(csm_conf_bool("off"), 0);
	CHECK_INT(csm_conf_bool("0"), 0);
	CHECK_INT(csm_conf_bool(""), -1);
	CHECK_INT(csm_conf_bool("2"), -1);
	CHECK_INT(csm_conf_bool("truex"), -1);
	CHECK_INT(csm_conf_bool("y"), -1);
	CHECK_INT(csm_conf_bool(" true"), -1);
}

static void
test_errors(void)
{
	ERROR("[core\n", "t.conf:1:6: expected ']' to close the section "
	    "header", 1, 6);
	ERROR("[core \"x\" y]\n", "t.conf:1:11: expected ']' to close the "
	    "section header", 1, 11);
	ERROR("[]\n", "t.conf:1:2: expected a section name after '['", 1, 2);
	ERROR("[s \"abc]\nk = v\n", "t.conf:1:4: unterminated section name",
	    1, 4);
	ERROR("[s] x\n", "t.conf:1:5: unexpected 'x' at end of line", 1, 5);
	ERROR("key = 1\n", "t.conf:1:1: key outside of a [section]", 1, 1);
	ERROR("# c\n\n   key = 1\n", "t.conf:3:4: key outside of a [section]",
	    3, 4);
	ERROR("[s]\n  1key = x\n", "t.conf:2:3: a key must start with a "
	    "letter", 2, 3);
	ERROR("[s]\n_k = x\n", "t.conf:2:1: a key must start with a letter",
	    2, 1);
	ERROR("[s]\nk! = x\n", "t.conf:2:2: expected '=' after key 'k'", 2, 2);
	ERROR("[s]\nk v\n", "t.conf:2:3: expected '=' after key 'k'", 2, 3);
	ERROR("[s]\nx = \"abc\n", "t.conf:2:9: unterminated quoted string", 2,
	    9);
	ERROR("[s]\nx = \"abc", "t.conf:2:9: unterminated quoted string", 2,
	    9);
	ERROR("[s]\nx = \"a\\\"\n", "t.conf:2:9: unterminated quoted string",
	    2, 9);
	/* After a continuation line, the line the error is on. */
	ERROR("[s]\nk = a \\\nb\n\"open\n", "t.conf:4:1: a key must start "
	    "with a letter", 4, 1);
	ERROR("[s]\nk = \"a \\\nb\n", "t.conf:3:2: unterminated quoted string",
	    3, 2);
	/* Invalid UTF-8 and NUL: the line and column of the byte. */
	ERROR("[s]\nk = caf\xC3(\n", "t.conf:2:8: invalid UTF-8", 2, 8);
	ERROR("[s]\nk = 1\n\n  v = \xED\xA0\x80\n", "t.conf:4:7: invalid "
	    "UTF-8", 4, 7);
	ERROR("[s]\nk = a\0b\n", "t.conf:2:6: NUL byte", 2, 6);
	ERROR("\xFF[s]\n", "t.conf:1:1: invalid UTF-8", 1, 1);
}

/* Writes dir/name. */
static void
put(const char *name, const char *text)
{
	char path[600];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (fp == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, fp);
	fclose(fp);
}

static void
test_files(void)
{
	struct csm_err err;
	struct csm_conf *c;
	char path[600], want[4096], *got;
	const struct csm_conf_entry *e;
	size_t n;

	snprintf(path, sizeof(path), "%s/sub", dir);
	CHECK_INT(mkdir(path, 0700), 0);
	put("main.conf", "[core]\n  a = 1\n[include]\n  path = sub/one.conf\n"
	    "[core]\n  b = 2\n");
	put("sub/one.conf", "# one\n[x]\nk = from-one\n[include]\n"
	    "path = \"two.conf\"\n");
	put("sub/two.conf", "[y]\nk = from-two\n");

	/* Includes are read where they stand, relative to the file that
	 * names them. */
	snprintf(path, sizeof(path), "%s/main.conf", dir);
	memset(&err, 0, sizeof(err));
	c = csm_conf_load(path, &err);
	CHECK(c != NULL);
	if (c != NULL) {
		got = dump(c);
		CHECK_STR(got, "core|-|a=1@2:7\n"
		    "include|-|path=sub/one.conf@4:10\n"
		    "x|-|k=from-one@3:5\n"
		    "include|-|path=two.conf@5:9\n"
		    "y|-|k=from-two@2:5\n"
		    "core|-|b=2@6:7\n");
		free(got);
		e = csm_conf_entries(c, &n);
		CHECK_INT(n, 6);
		if (n == 6) {
			CHECK_STR(e[0].file, path);
			snprintf(want, sizeof(want), "%s/sub/one.conf", dir);
			CHECK_STR(e[2].file, want);
			snprintf(want, sizeof(want), "%s/sub/two.conf", dir);
			CHECK_STR(e[4].file, want);
			CHECK_STR(e[5].file, path);
		}
		e = csm_conf_get(c, "include", NULL, "path");
		CHECK_STR(e ? e->value : NULL, "two.conf");
		csm_conf_free(c);
	}

	/* An absolute include. */
	snprintf(want, sizeof(want), "[a]\nk = 1\n[include]\npath = %s/sub/"
	    "two.conf\n", dir);
	put("abs.conf", want);
	snprintf(path, sizeof(path), "%s/abs.conf", dir);
	c = csm_conf_load(path, &err);
	CHECK(c != NULL);
	e = c ? csm_conf_get(c, "y", NULL, "k") : NULL;
	CHECK_STR(e ? e->value : NULL, "from-two");
	csm_conf_free(c);

	/* A missing include: the place of the path that names it, as for
	 * every other error (column 10 of "  path = nothere.conf"). */
	put("miss.conf", "[core]\nk = 1\n[include]\n  path = nothere.conf\n");
	snprintf(path, sizeof(path), "%s/miss.conf", dir);
	memset(&err, 0, sizeof(err));
	CHECK(csm_conf_load(path, &err) == NULL);
	CHECK_INT(err.code, CSM_ECONFIG);
	snprintf(want, sizeof(want), "%s/miss.conf:4:10: cannot read include "
	    "'%s/nothere.conf': No such file or directory", dir, dir);
	CHECK_STR(err.msg, want);
	CHECK_INT(err.line, 4);
	CHECK_INT(err.col, 10);

	/* An error inside an included file names that file. */
	put("bad-inc.conf", "[s]\nk = 1\n[include]\npath = sub/bad.conf\n");
	put("sub/bad.conf", "# nothing\nk = outside\n");
	snprintf(path, sizeof(path), "%s/bad-inc.conf", dir);
	memset(&err, 0, sizeof(err));
	CHECK(csm_conf_load(path, &err) == NULL);
	snprintf(want, sizeof(want), "%s/sub/bad.conf:2:1: key outside of a "
	    "[section]", dir);
	CHECK_STR(err.msg, want);
	CHECK_INT(err.line, 2);
	CHECK_INT(err.col, 1);

	/* Include loops stop, naming the file and line. */
	put("loop-a.conf", "[a]\nk = 1\n[include]\npath = loop-b.conf\n");
	put("loop-b.conf", "[include]\npath = loop-a.conf\n");
	snprintf(path, sizeof(path), "%s/loop-a.conf", dir);
	memset(&err, 0, sizeof(err));
	CHECK(csm_conf_load(path, &err) == NULL);
	CHECK_INT(err.code, CSM_ECONFIG);
	snprintf(want, sizeof(want), "%s/loop-a.conf:4:8: includes nested "
	    "deeper than 10 (a loop?)", dir);
	CHECK_STR(err.msg, want);
	CHECK_INT(err.line, 4);
	CHECK_INT(err.col, 8);
	put("self.conf", "[include]\n\n\npath = self.conf\n");
	snprintf(path, sizeof(path), "%s/self.conf", dir);
	memset(&err, 0, sizeof(err));
	CHECK(csm_conf_load(path, &err) == NULL);
	snprintf(want, sizeof(want), "%s/self.conf:4:8: includes nested "
	    "deeper than 10 (a loop?)", dir);
	CHECK_STR(err.msg, want);

	/* A chain ten deep is fine. */
	{
		int i;
		char name[32], text[64];

		for (i = 0; i < 10; i++) {
			snprintf(name, sizeof(name), "chain%d.conf", i);
			snprintf(text, sizeof(text), "[c%d]\nk = %d\n[include]\n"
			    "path = chain%d.conf\n", i, i, i + 1);
			put(name, text);
		}
		put("chain10.conf", "[last]\nk = end\n");
		snprintf(path, sizeof(path), "%s/chain0.conf", dir);
		memset(&err, 0, sizeof(err));
		c = csm_conf_load(path, &err);
		CHECK(c != NULL);
		e = c ? csm_conf_get(c, "last", NULL, "k") : NULL;
		CHECK_STR(e ? e->value : NULL, "end");
		csm_conf_free(c);
	}

	/* The file itself missing, or not a file. */
	snprintf(path, sizeof(path), "%s/absent.conf", dir);
	memset(&err, 0, sizeof(err));
	CHECK(csm_conf_load(path, &err) == NULL);
	CHECK_INT(err.code, CSM_ENOINPUT);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	CHECK_STR(err.msg, want);
	memset(&err, 0, sizeof(err));
	CHECK(csm_conf_load(dir, &err) == NULL);
	CHECK_INT(err.code, CSM_ECONFIG);
	snprintf(want, sizeof(want), "%s: Is a directory", dir);
	CHECK_STR(err.msg, want);

	/* A load error in a file names it. */
	put("err.conf", "[s]\nk = \"x\n");
	snprintf(path, sizeof(path), "%s/err.conf", dir);
	memset(&err, 0, sizeof(err));
	CHECK(csm_conf_load(path, &err) == NULL);
	snprintf(want, sizeof(want), "%s:2:7: unterminated quoted string",
	    path);
	CHECK_STR(err.msg, want);
}

/* The items of csm_conf_list for the value of "k = VALUE", joined by '|'
 * (new), or "error: MESSAGE". */
static char *
list_of(const char *value)
{
	struct csm_buf b = {0};
	struct csm_err err;
	struct csm_conf *c;
	const struct csm_conf_entry *e;
	char text[512], **items;
	size_t n, i;

	snprintf(text, sizeof(text), "[s]\nk = %s\n", value);
	c = parse(text, &err);
	if (c == NULL)
		return strdup(err.msg);
	e = csm_conf_get(c, "s", NULL, "k");
	csm_buf_add(&b, "", 0);
	if (csm_conf_list(e, &items, &n, &err) < 0) {
		csm_buf_add(&b, "error: ", 7);
		csm_buf_add(&b, err.msg, strlen(err.msg));
		if (items != NULL || n != 0)
			csm_buf_add(&b, " (and items)", 12);
	} else {
		for (i = 0; i < n; i++) {
			if (i > 0)
				csm_buf_addc(&b, '|');
			csm_buf_add(&b, items[i], strlen(items[i]));
		}
		if (items[n] != NULL)
			csm_buf_add(&b, " (not NULL-terminated)", 22);
		free(items);
	}
	csm_conf_free(c);
	return b.p;
}

static void
check_list(const char *value, const char *want, int line)
{
	char *got = list_of(value);

	if (got != NULL && strcmp(got, want) == 0)
		csm_t_pass++;
	else {
		csm_t_fail++;
		fprintf(stderr, "%s:%d: FAIL: list of %s\n  got:      %s\n"
		    "  expected: %s\n", __FILE__, line, value, got, want);
	}
	free(got);
}

#define LIST(value, want) check_list(value, want, __LINE__)

/* Issue 8, item 5: list items split at commas inside quotes, so that
 * 'values = "a, b", c' refused the value "a, b". */
static void
test_conf_list(void)
{
	struct csm_conf_entry e;
	struct csm_err err;
	char **items;
	size_t n;

	LIST("a, b, c", "a|b|c");
	LIST("a,b", "a|b");
	LIST("one", "one");
	LIST("\"a, b\", c", "a, b|c");
	/* One quoted string as a whole is one item, commas and all. */
	LIST("\"a, b\"", "a, b");
	LIST("c, \"a, b\"", "c|a, b");
	/* Items keep their inner white space, lose the outer. */
	LIST("  urgent 30m ,\thigh 1h  ", "urgent 30m|high 1h");
	/* An item that is not one quoted string is kept as written, for
	 * the caller's parser: rule actions, expressions. */
	LIST("priority = urgent, group = \"资深客服组\"",
	    "priority = urgent|group = \"资深客服组\"");
	LIST("group = \"a, b\", tag = x", "group = \"a, b\"|tag = x");
	LIST("a \"b, c\" d, e", "a \"b, c\" d|e");
	/* The escapes of quoted values, in wholly quoted items. */
	LIST("\"say \\\"hi\\\"\", \"tab\\there\", \"back\\\\slash\", "
	    "\"nl\\nx\", \"\\q\"", "say \"hi\"|tab\there|back\\slash|nl\nx|q");
	LIST("\"a\\\", b\", c", "a\", b|c");
	/* Kept as written outside a wholly quoted item. */
	LIST("x = \"a\\\"b\", y", "x = \"a\\\"b\"|y");
	LIST("红, \"绿\", blue", "红|绿|blue");
	/* A quoted empty item is an item; an unquoted one is an error. */
	LIST("\"\", x", "|x");
	LIST("a, , b", "error: t.conf:2:5: k: item 2 of the list is empty");
	LIST("a, b,", "error: t.conf:2:5: k: item 3 of the list is empty");
	LIST(",a", "error: t.conf:2:5: k: item 1 of the list is empty");
	LIST("", "error: t.conf:2:5: k: expected a list, as in 'k = a, b'");
	LIST("\"\"", "");
	/* The place of a wholly quoted value is after its quote. */
	LIST("\"a,, b\"", "a,, b");
	LIST("a, \"\" ,", "error: t.conf:2:5: k: item 3 of the list is empty");

	/* Entries made by hand: without raw the value is split; an open
	 * quote is an error. */
	memset(&e, 0, sizeof(e));
	e.section = "s";
	e.key = "k";
	e.value = "x, \"y, z\"";
	e.file = "h.conf";
	e.line = 3;
	e.col = 7;
	CHECK_INT(csm_conf_list(&e, &items, &n, &err), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(items[0], "x");
		CHECK_STR(items[1], "y, z");
		CHECK(items[2] == NULL);
	}
	free(items);
	e.raw = "a, \"b";
	memset(&err, 0, sizeof(err));
	CHECK_INT(csm_conf_list(&e, &items, &n, &err), -1);
	CHECK(items == NULL);
	CHECK_INT(n, 0);
	CHECK_INT(err.code, CSM_ECONFIG);
	CHECK_STR(err.msg, "h.conf:3:7: k: unterminated quoted string in the "
	    "list");
	CHECK_INT(err.line, 3);
	CHECK_INT(err.col, 7);
	e.raw = "a, \"b\\\"";
	CHECK_INT(csm_conf_list(&e, &items, &n, NULL), -1);
}

/* Entries keep their value as written beside the unquoted one. */
static void
test_conf_raw(void)
{
	struct csm_err err;
	struct csm_conf *c;
	const struct csm_conf_entry *e;

	c = parse("[s]\nq = \"a, b\"\nu = a, \"b\"\nbare\nc = x \\\n  y\n",
	    &err);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	e = csm_conf_get(c, "s", NULL, "q");
	CHECK_STR(e->value, "a, b");
	CHECK_STR(e->raw, "\"a, b\"");
	CHECK_INT(e->col, 6);
	e = csm_conf_get(c, "s", NULL, "u");
	CHECK_STR(e->raw, "a, \"b\"");
	CHECK(e->raw == e->value);
	e = csm_conf_get(c, "s", NULL, "bare");
	CHECK_STR(e->raw, "true");
	e = csm_conf_get(c, "s", NULL, "c");
	CHECK_STR(e->raw, "x   y");
	csm_conf_free(c);
}

/* Section headers, with or without entries, in file order. */
static void
test_conf_sections(void)
{
	struct csm_err err;
	struct csm_conf *c;
	const struct csm_conf_section *s;
	size_t n;

	c = parse("[core]\n[field \"\"]\n  [ Field \"X\" ]\nk = 1\n[a.b]\n",
	    &err);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	s = csm_conf_sections(c, &n);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_STR(s[0].section, "core");
		CHECK(s[0].name == NULL);
		CHECK_INT(s[0].line, 1);
		CHECK_INT(s[0].col, 2);
		CHECK_STR(s[1].section, "field");
		CHECK_STR(s[1].name, "");
		CHECK_INT(s[1].line, 2);
		CHECK_STR(s[2].section, "field");
		CHECK_STR(s[2].name, "X");
		CHECK_INT(s[2].line, 3);
		CHECK_INT(s[2].col, 5);
		CHECK_STR(s[2].file, "t.conf");
		CHECK_STR(s[3].section, "a.b");
	}
	csm_conf_free(c);
	c = csm_conf_new();
	CHECK(c != NULL);
	csm_conf_sections(c, &n);
	CHECK_INT(n, 0);
	csm_conf_free(c);
}

/* csm_conf_once: a key again in the same section and name, even in a
 * second header of it, is named with where it was first. */
static void
test_conf_once(void)
{
	struct csm_err err;
	struct csm_conf *c;

	c = parse("[a \"x\"]\nk = 1\n[a \"y\"]\nk = 2\n[a]\nk = 3\n[b]\nk = 4\n"
	    "[a \"x\"]\nj = 5\n", &err);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_INT(csm_conf_once(c, "a", &err), 0);
	CHECK_INT(csm_conf_once(NULL, "a", &err), 0);
	csm_conf_free(c);
	c = parse("[a \"x\"]\nk = 1\n[b]\nk = 2\n[a \"x\"]\n  k = 3\n", &err);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_INT(csm_conf_once(c, "b", &err), 0);
	CHECK_INT(csm_conf_once(c, "a", &err), -1);
	CHECK_INT(err.code, CSM_ECONFIG);
	CHECK_STR(err.msg, "t.conf:6:7: 'k' in [a \"x\"] is set twice (first "
	    "at t.conf:2)");
	csm_conf_free(c);
	c = parse("[a]\nk = 1\nk = 2\n", &err);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_INT(csm_conf_once(c, "a", &err), -1);
	CHECK_STR(err.msg, "t.conf:3:5: 'k' in [a] is set twice (first at "
	    "t.conf:2)");
	csm_conf_free(c);
}

/* [include] is the parser's own: its keys and its header are checked. */
static void
test_conf_include_errors(void)
{
	ERROR("[include \"a.conf\"]\n", "t.conf:1:2: [include] takes no "
	    "name: write 'path = FILE' under it", 1, 2);
	ERROR("[include]\n  file = a.conf\n", "t.conf:2:10: unknown key "
	    "'file' in [include] (expected path)", 2, 10);
	ERROR("[include]\npaths = a.conf\n", "t.conf:2:9: unknown key "
	    "'paths' in [include] (did you mean 'path'?)", 2, 9);
}

/* "Did you mean": the typos a config holds. */
static void
test_conf_suggest(void)
{
	static const char *const keys[] = {"timezone", "reopen_window", NULL};
	static const char *const fkeys[] = {"type", "values", "types",
		"record", NULL};
	static const char *const secs[] = {"core", "field", "workflow", "sla",
		"kb", NULL};
	struct csm_conf_entry e;
	struct csm_err err;

	CHECK_STR(csm_conf_suggest("reopen-window", keys), "reopen_window");
	CHECK_STR(csm_conf_suggest("reopenwindow", keys), "reopen_window");
	CHECK_STR(csm_conf_suggest("time_zone", keys), "timezone");
	CHECK_STR(csm_conf_suggest("timezoen", keys), "timezone");
	CHECK(csm_conf_suggest("tz", keys) == NULL);
	CHECK(csm_conf_suggest("window", keys) == NULL);
	CHECK_STR(csm_conf_suggest("tpye", fkeys), "type");
	CHECK_STR(csm_conf_suggest("value", fkeys), "values");
	CHECK_STR(csm_conf_suggest("typ", fkeys), "type");
	CHECK(csm_conf_suggest("size", fkeys) == NULL);
	CHECK(csm_conf_suggest("colour", fkeys) == NULL);
	CHECK_STR(csm_conf_suggest("feild", secs), "field");
	CHECK_STR(csm_conf_suggest("fields", secs), "field");
	CHECK_STR(csm_conf_suggest("workflows", secs), "workflow");
	CHECK_STR(csm_conf_suggest("slas", secs), "sla");
	CHECK(csm_conf_suggest("x", secs) == NULL);
	CHECK(csm_conf_suggest("", secs) == NULL);
	CHECK(csm_conf_suggest("escalation", secs) == NULL);
	CHECK(csm_conf_suggest("a-very-long-key-name-past-any-candidate-"
	    "length", secs) == NULL);

	memset(&e, 0, sizeof(e));
	e.section = "core";
	e.key = "reopen-window";
	e.value = e.raw = "3d";
	e.file = "c.conf";
	e.line = 4;
	e.col = 18;
	memset(&err, 0, sizeof(err));
	CHECK_INT(csm_conf_unknown_key(&e, keys, &err), -1);
	CHECK_INT(err.code, CSM_ECONFIG);
	CHECK_STR(err.msg, "c.conf:4:18: unknown key 'reopen-window' in [core] "
	    "(did you mean 'reopen_window'?)");
	CHECK_INT(err.line, 4);
	e.key = "colour";
	CHECK_INT(csm_conf_unknown_key(&e, keys, &err), -1);
	CHECK_STR(err.msg, "c.conf:4:18: unknown key 'colour' in [core] "
	    "(expected timezone, reopen_window)");
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_sections();
	test_values();
	test_get();
	test_errors();
	test_files();
	test_conf_list();
	test_conf_raw();
	test_conf_sections();
	test_conf_include_errors();
	test_conf_suggest();
	test_conf_once();
	CHECK_INT(csm_t_rmtree(dir), 0);
	return TEST_REPORT();
}
