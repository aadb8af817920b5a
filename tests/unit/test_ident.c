/*
 * test_ident.c - customer identities (lib/ident.c): normalizing phone
 * numbers, emails and channel ids, and the identity cache of model.h
 * against a real store in a mkdtemp directory under /tmp.
 */
#include <sys/wait.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "csm_test.h"

static char dir[] = "/tmp/csm-test-ident.XXXXXX";

/* Normalizes s as kind: the result, or "!" and the message (static). */
static const char *
norm(int kind, const char *s)
{
	static char out[512];
	char buf[300];
	struct csm_err err;
	int n;

	memset(&err, 0, sizeof(err));
	n = csm_id_norm(kind, s, strlen(s), buf, sizeof(buf), &err);
	if (n < 0) {
		snprintf(out, sizeof(out), "!%s%s", err.msg,
		    err.code == CSM_EDATA ? "" : " (not CSM_EDATA)");
		return out;
	}
	if ((size_t)n != strlen(buf))
		return "(length does not match)";
	snprintf(out, sizeof(out), "%s", buf);
	return out;
}

#define PHONE(in, want) CHECK_STR(norm(CSM_ID_PHONE, in), want)
#define EMAIL(in, want) CHECK_STR(norm(CSM_ID_EMAIL, in), want)
#define WECHAT(in, want) CHECK_STR(norm(CSM_ID_WECHAT, in), want)

static void
test_phone(void)
{
	/* China, in every form it arrives in. */
	PHONE("13812345678", "13812345678");
	PHONE("+86 138 1234 5678", "13812345678");
	PHONE("+8613812345678", "13812345678");
	PHONE("0086-13812345678", "13812345678");
	PHONE("0086 138 1234 5678", "13812345678");
	PHONE("8613812345678", "13812345678");
	PHONE("86 138 1234 5678", "13812345678");
	PHONE("138-1234-5678", "13812345678");
	PHONE("138.1234.5678", "13812345678");
	PHONE("(138) 1234/5678", "13812345678");
	PHONE("  138 1234 5678\t", "13812345678");
	PHONE("(010) 1234-5678", "01012345678");
	PHONE("010-12345678", "01012345678");
	PHONE("+86 10 12345678", "01012345678");
	PHONE("+86 (0)10 1234 5678", "01012345678");
	PHONE("0086 10 1234 5678", "01012345678");
	PHONE("+86 21 6123 4567", "02161234567");
	PHONE("+86 755 8123 4567", "075581234567");
	PHONE("95588", "95588");
	/* Fullwidth digits, as typed with a Chinese input method. */
	PHONE("\xEF\xBC\x91\xEF\xBC\x93\xEF\xBC\x98\xEF\xBC\x91\xEF\xBC\x92"
	    "\xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x95\xEF\xBC\x96\xEF\xBC\x97"
	    "\xEF\xBC\x98", "13812345678");
	PHONE("+86 \xEF\xBC\x91\xEF\xBC\x93\xEF\xBC\x98 1234 5678",
	    "13812345678");
	/* Elsewhere: +<digits>. */
	PHONE("+1 415 555 0100", "+14155550100");
	PHONE("+1 (415) 555-0100", "+14155550100");
	PHONE("0044 20 7946 0958", "+442079460958");
	PHONE("+44 (0)20 7946 0958", "+442079460958");
	PHONE("0044 (0)20 7946 0958", "+442079460958");
	PHONE("+852 2345 6789", "+85223456789");
	/* Refused. */
	PHONE("138-1234-567a", "!not a phone number: \"138-1234-567a\"");
	PHONE("call 13812345678", "!not a phone number: \"call 13812345678\"");
	PHONE("1234", "!not a phone number: \"1234\"");
	PHONE("+1 234", "!not a phone number: \"+1 234\"");
	PHONE("+86", "!not a phone number: \"+86\"");
	PHONE("", "!not a phone number: \"\"");
	PHONE("   ", "!not a phone number: \"\"");
	PHONE("1234567890123456", "!not a phone number: \"1234567890123456\"");
	PHONE("+1234567890123456", "!not a phone number: "
	    "\"+1234567890123456\"");
	PHONE("12345678901234567890123456789012345678901",
	    "!not a phone number: \"12345678901234567890123456789012345678901\"");
	PHONE("138+1234", "!not a phone number: \"138+1234\"");
	PHONE("++8613812345678", "!not a phone number: \"++8613812345678\"");
	/* A phone typed in an input method's fullwidth mode has fullwidth
	 * separators too: ＋ － （ ） and the ideographic space. */
	PHONE("\xEF\xBC\x8B" "8613812345678", "13812345678");
	PHONE("\xEF\xBC\x91\xEF\xBC\x93\xEF\xBC\x98\xEF\xBC\x8D\xEF\xBC\x91"
	    "\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x8D\xEF\xBC\x95"
	    "\xEF\xBC\x96\xEF\xBC\x97\xEF\xBC\x98", "13812345678");
	PHONE("\xEF\xBC\x91\xEF\xBC\x93\xEF\xBC\x98\xE3\x80\x80\xEF\xBC\x91"
	    "\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94\xE3\x80\x80\xEF\xBC\x95"
	    "\xEF\xBC\x96\xEF\xBC\x97\xEF\xBC\x98", "13812345678");
	PHONE("\xEF\xBC\x88\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x89"
	    "\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x8D"
	    "\xEF\xBC\x95\xEF\xBC\x96\xEF\xBC\x97\xEF\xBC\x98", "01012345678");
	/* ... but a fullwidth letter is still a letter. */
	PHONE("138\xEF\xBD\x81" "12345678", "!not a phone number: "
	    "\"138\xEF\xBD\x81" "12345678\"");
	PHONE("138\x1b[2J12345678", "!not a phone number: "
	    "\"138\\u001b[2J12345678\"");
	PHONE("(0)20 7946 0958", "02079460958");
	/* Found by tests/fuzz (fuzz_text): "0086 00..." came out as
	 * "00...", which normalized again is another number ("+2760000");
	 * no Chinese number starts 00. */
	PHONE("008 6002760000", "!not a phone number: \"008 6002760000\"");
	PHONE("+86 00 2760 0000", "!not a phone number: "
	    "\"+86 00 2760 0000\"");
	PHONE("002760000", "+2760000");
}

/*
 * Issue 7 (defect 9): forms that split one customer in two.  A phone
 * column that went through a spreadsheet, China's 400/800 numbers written
 * with and without +86, and extensions: the identity is the line.
 */
static void
test_phone_forms(void)
{
	/* A spreadsheet's number: a float, or Excel's scientific form. */
	PHONE("13812345678.0", "13812345678");
	PHONE("13812345678.00", "13812345678");
	PHONE("8613812345678.0", "13812345678");
	PHONE("1.3812345678E+10", "13812345678");
	PHONE("1.3812345678e+10", "13812345678");
	PHONE("1.3812345678E10", "13812345678");
	PHONE("8.613812345678E+12", "13812345678");
	PHONE(" 1.3812345678E+10 ", "13812345678");
	/* ... but digits a narrow column cut off are not guessed. */
	PHONE("1.38123E+10", "!digits lost to a spreadsheet's number "
	    "format: \"1.38123E+10\"");
	PHONE("1.381234567812E+10", "!not a phone number: "
	    "\"1.381234567812E+10\"");
	PHONE("138.1234.5678", "13812345678");	/* dots as separators */
	PHONE("1234.0", "!not a phone number: \"1234.0\"");

	/* 400 and 800 numbers are national: no trunk 0 after +86. */
	PHONE("400-820-8820", "4008208820");
	PHONE("+86 400 820 8820", "4008208820");
	PHONE("+86-400-820-8820", "4008208820");
	PHONE("0086 400 820 8820", "4008208820");
	PHONE("+86 800 820 8820", "8008208820");
	PHONE("800-820-8820", "8008208820");
	/* Nor do the short service numbers (95xxx, 100xx, 123xx). */
	PHONE("+86 95588", "95588");
	PHONE("+86 10086", "10086");
	PHONE("+86 12315", "12315");
	PHONE("+86 955 88", "95588");
	/* A landline still gets its trunk 0. */
	PHONE("+86 10 8888 6666", "01088886666");
	PHONE("+86 571 8888 6666", "057188886666");

	/* Extensions: the identity is the line. */
	PHONE("010-8888 6666 ext 123", "01088886666");
	PHONE("010-8888 6666 ext. 123", "01088886666");
	PHONE("010-8888 6666 Ext.123", "01088886666");
	PHONE("010-8888 6666 EXTENSION 123", "01088886666");
	PHONE("010-8888 6666 extn 123", "01088886666");
	PHONE("010-8888 6666\xE8\xBD\xAC" "123", "01088886666");	/* 转 */
	PHONE("010-8888 6666 \xE8\xBD\xAC 123", "01088886666");
	PHONE("010-8888 6666 x123", "01088886666");
	PHONE("010-8888 6666 X 123", "01088886666");
	PHONE("010-8888 6666#123", "01088886666");
	PHONE("010-8888 6666,123", "01088886666");
	PHONE("010-8888 6666;123", "01088886666");
	PHONE("010-8888 6666 \xE5\x88\x86\xE6\x9C\xBA 123",	/* 分机 */
	    "01088886666");
	PHONE("010-8888 6666 \xE5\x88\x86\xE6\x9C\xBA\xE5\x8F\xB7\xEF\xBC\x9A"
	    "123", "01088886666");				/* 分机号： */
	PHONE("010-8888 6666 \xE5\x86\x85\xE7\xBA\xBF 8021",	/* 内线 */
	    "01088886666");
	PHONE("010-8888 6666\xEF\xBC\x83" "123", "01088886666");	/* ＃ */
	PHONE("010-8888 6666\xEF\xBC\x8C" "123", "01088886666");	/* ， */
	PHONE("010-8888 6666 (ext. 123)", "01088886666");
	PHONE("010-8888 6666\xEF\xBC\x88\xE8\xBD\xAC" "123\xEF\xBC\x89",
	    "01088886666");				/* （转123） */
	PHONE("010-8888 6666\xE8\xBD\xAC\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93",
	    "01088886666");				/* 转１２３ */
	PHONE("+1 415 555 0100 ext 2", "+14155550100");
	PHONE("+1 (415) 555-0100 x2", "+14155550100");
	PHONE("+86 10 8888 6666 ext 123", "01088886666");
	PHONE("400-820-8820 转 2", "4008208820");
	/* The Chinese office way: a trailing -group longer than a landline
	 * has room for. */
	PHONE("010-8888 6666-123", "01088886666");
	PHONE("010-88886666-123", "01088886666");
	PHONE("021-6123 4567-8021", "02161234567");
	PHONE("0755-8123 4567-802", "075581234567");
	PHONE("0571-8888666-12", "05718888666");
	PHONE("+86 10 8888 6666-123", "01088886666");
	/* Lines that fit stay whole. */
	PHONE("0755-8123-4567", "075581234567");
	PHONE("010-8888-6666", "01088886666");
	/* A marker with no extension after it, or more after it, is not a
	 * phone number. */
	PHONE("010-8888 6666 ext", "!not a phone number: "
	    "\"010-8888 6666 ext\"");
	PHONE("010-8888 6666 x", "!not a phone number: \"010-8888 6666 x\"");
	PHONE("010-8888 6666 ext 123 ask for Li", "!not a phone number: "
	    "\"010-8888 6666 ext 123 ask for Li\"");
	PHONE("010-8888 6666#123#4", "!not a phone number: "
	    "\"010-8888 6666#123#4\"");
	PHONE("ext 123", "!not a phone number: \"ext 123\"");
	PHONE("x13812345678", "!not a phone number: \"x13812345678\"");
	PHONE("138x1234", "!not a phone number: \"138x1234\"");
	PHONE("13812345678 ext 123456789", "!not a phone number: "
	    "\"13812345678 ext 123456789\"");
}

static void
test_email(void)
{
	EMAIL("alice@example.com", "alice@example.com");
	EMAIL("  Alice@Example.COM\t", "alice@example.com");
	EMAIL("Alice <alice@x.com>", "alice@x.com");
	EMAIL("Alice Wang <Alice.Wang@X.com>", "alice.wang@x.com");
	EMAIL("\"Wang, Alice\" <alice@x.com>", "alice@x.com");
	EMAIL("<alice@x.com>", "alice@x.com");
	EMAIL("Alice < alice@x.com >", "alice@x.com");
	EMAIL("mailto:Bob@X.com", "bob@x.com");
	EMAIL("MAILTO:bob@x.com", "bob@x.com");
	EMAIL("Bob <mailto:bob@x.com>", "bob@x.com");
	EMAIL("first.last+tag@sub.example.co.uk",
	    "first.last+tag@sub.example.co.uk");
	EMAIL("\xE5\xBC\xA0\xE4\xB8\x89@\xE4\xBE\x8B\xE5\xAD\x90.cn",
	    "\xE5\xBC\xA0\xE4\xB8\x89@\xE4\xBE\x8B\xE5\xAD\x90.cn");
	EMAIL("a@b@c.com", "!not an email address: \"a@b@c.com\"");
	EMAIL("alice.example.com", "!not an email address: "
	    "\"alice.example.com\"");
	EMAIL("alice @x.com", "!not an email address: \"alice @x.com\"");
	EMAIL("ali ce@x.com", "!not an email address: \"ali ce@x.com\"");
	EMAIL("@x.com", "!not an email address: \"@x.com\"");
	EMAIL("alice@", "!not an email address: \"alice@\"");
	EMAIL("", "!not an email address: \"\"");
	EMAIL("mailto:", "!not an email address: \"mailto:\"");
	EMAIL("Alice <>", "!not an email address: \"\"");
	EMAIL("a,b@x.com", "!not an email address: \"a,b@x.com\"");
	EMAIL("a;b@x.com", "!not an email address: \"a;b@x.com\"");
	EMAIL("a\x01@x.com", "!not an email address: \"a\\u0001@x.com\"");
	/* C1 controls are control characters too. */
	EMAIL("a\xC2\x85@x.com", "!not an email address: "
	    "\"a\\u0085@x.com\"");
	EMAIL("alice@x.com>", "!not an email address: \"alice@x.com>\"");
}

static void
test_other_ids(void)
{
	char big[300];

	/* Case-sensitive, trimmed, otherwise untouched. */
	WECHAT("wxid_AbC123", "wxid_AbC123");
	CHECK(strcmp(norm(CSM_ID_WECHAT, "WXID_abc"), "wxid_abc") != 0);
	WECHAT("  wxid_abc\t", "wxid_abc");
	WECHAT("\xE5\xBE\xAE\xE4\xBF\xA1 id", "\xE5\xBE\xAE\xE4\xBF\xA1 id");
	WECHAT("wx\x01id", "!not an identifier: \"wx\\u0001id\"");
	WECHAT("wx\nid", "!not an identifier: \"wx\\nid\"");
	WECHAT("wx\x7fid", "!not an identifier: \"wx\\u007fid\"");
	/* C1 controls (U+0080..U+009F): U+009B is a CSI to a terminal. */
	WECHAT("wx\xC2\x9B" "2Jid", "!not an identifier: \"wx\\u009b2Jid\"");
	WECHAT("wx\xC2\x85id", "!not an identifier: \"wx\\u0085id\"");
	WECHAT("wx\xC2\xA0id", "wx\xC2\xA0id");	/* NBSP is no control */
	WECHAT("", "!not an identifier: \"\"");
	WECHAT(" \t ", "!not an identifier: \"\"");
	CHECK_STR(norm(CSM_ID_CRM, "CRM-0001"), "CRM-0001");
	CHECK_STR(norm(CSM_ID_WEIBO, "@Weibo"), "@Weibo");
	CHECK_STR(norm(CSM_ID_WECOM, "x\x1b"), "!not an identifier: "
	    "\"x\\u001b\"");
	/* At most 255 bytes. */
	memset(big, 'a', 255);
	big[255] = '\0';
	CHECK_INT(strlen(norm(CSM_ID_WECHAT, big)), 255);
	big[255] = 'a';
	big[256] = '\0';
	CHECK(norm(CSM_ID_WECHAT, big)[0] == '!');
	memset(big, 'a', 250);
	strcpy(big + 250, "@x.co");
	CHECK_INT(strlen(norm(CSM_ID_EMAIL, big)), 255);
	strcpy(big + 250, "@x.com");
	CHECK(norm(CSM_ID_EMAIL, big)[0] == '!');

	/* Names and fields. */
	CHECK_STR(csm_id_field(CSM_ID_PHONE), "phone");
	CHECK_STR(csm_id_field(CSM_ID_EMAIL), "email");
	CHECK_STR(csm_id_field(CSM_ID_WECHAT), "wechat");
	CHECK_STR(csm_id_field(CSM_ID_WECOM), "wecom");
	CHECK_STR(csm_id_field(CSM_ID_DINGTALK), "dingtalk");
	CHECK_STR(csm_id_field(CSM_ID_WEIBO), "weibo");
	CHECK_STR(csm_id_field(CSM_ID_CRM), "crm_id");
	CHECK_STR(csm_id_name(CSM_ID_CRM), "crm");
	CHECK_STR(csm_id_name(CSM_ID_PHONE), "phone");
	CHECK(csm_id_field(-1) == NULL);
	CHECK(csm_id_field(CSM_NIDKINDS) == NULL);
	CHECK(csm_id_name(CSM_NIDKINDS) == NULL);
	CHECK_INT(csm_id_kind("crm"), CSM_ID_CRM);
	CHECK_INT(csm_id_kind("wechat"), CSM_ID_WECHAT);
	CHECK_INT(csm_id_kind("crm_id"), -1);
	CHECK_INT(csm_id_kind("Phone"), -1);
}

/*
 * The output buffer's size is respected: nothing is written past n, and
 * what does not fit is refused.
 */
static void
test_sizes(void)
{
	static const struct {
		int kind;
		const char *in, *out;
	} cases[] = {
		{CSM_ID_PHONE, "+1 415 555 0100", "+14155550100"},
		{CSM_ID_PHONE, "+86 10 12345678", "01012345678"},
		{CSM_ID_PHONE, "13812345678", "13812345678"},
		{CSM_ID_EMAIL, "Alice <Alice@X.com>", "alice@x.com"},
		{CSM_ID_WECHAT, "wxid_abc", "wxid_abc"},
	};
	size_t i, n, overrun = 0, wrong = 0;
	struct csm_err err;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t need = strlen(cases[i].out) + 1;

		for (n = 0; n <= need + 2; n++) {
			char buf[64];
			int rc, k;

			memset(buf, 'Z', sizeof(buf));
			rc = csm_id_norm(cases[i].kind, cases[i].in,
			    strlen(cases[i].in), buf, n, &err);
			for (k = (int)n; k < (int)sizeof(buf); k++)
				if (buf[k] != 'Z')
					overrun++;
			if (n < need ? rc != -1 : (rc != (int)need - 1 ||
			    strcmp(buf, cases[i].out) != 0))
				wrong++;
		}
	}
	CHECK_INT(overrun, 0);
	CHECK_INT(wrong, 0);
}

static void
test_cache_memory(void)
{
	struct csm_idcache *c = csm_idcache_new();
	uint32_t i;
	size_t miss = 0;
	char key[32];

	CHECK(c != NULL);
	CHECK_INT(csm_idcache_loaded(c), 0);
	CHECK_INT(csm_idcache_get(c, CSM_ID_PHONE, "13812345678", 11), 0);
	CHECK_INT(csm_idcache_put(c, CSM_ID_PHONE, "13812345678", 11, 7), 0);
	CHECK_INT(csm_idcache_get(c, CSM_ID_PHONE, "13812345678", 11), 7);
	/* The kind is part of the key; so is every byte. */
	CHECK_INT(csm_idcache_get(c, CSM_ID_WECHAT, "13812345678", 11), 0);
	CHECK_INT(csm_idcache_get(c, CSM_ID_PHONE, "1381234567", 10), 0);
	CHECK_INT(csm_idcache_get(c, CSM_ID_PHONE, "13812345679", 11), 0);
	CHECK_INT(csm_idcache_put(c, CSM_ID_WECHAT, "13812345678", 11, 8), 0);
	CHECK_INT(csm_idcache_get(c, CSM_ID_WECHAT, "13812345678", 11), 8);
	CHECK_INT(csm_idcache_get(c, CSM_ID_PHONE, "13812345678", 11), 7);
	CHECK_INT(csm_idcache_put(c, CSM_ID_WECHAT, "WxId", 4, 9), 0);
	CHECK_INT(csm_idcache_get(c, CSM_ID_WECHAT, "wxid", 4), 0);
	CHECK_INT(csm_idcache_get(c, CSM_ID_WECHAT, "WxId", 4), 9);
	/* Putting again moves the identity. */
	CHECK_INT(csm_idcache_put(c, CSM_ID_PHONE, "13812345678", 11, 9), 0);
	CHECK_INT(csm_idcache_get(c, CSM_ID_PHONE, "13812345678", 11), 9);
	/* Too long for the cache. */
	{
		char big[300];

		memset(big, 'x', sizeof(big));
		CHECK_INT(csm_idcache_put(c, CSM_ID_CRM, big, 256, 1), -1);
		CHECK_INT(csm_idcache_put(c, CSM_ID_CRM, big, 255, 1), 0);
		CHECK_INT(csm_idcache_get(c, CSM_ID_CRM, big, 255), 1);
		CHECK_INT(csm_idcache_get(c, CSM_ID_CRM, big, 254), 0);
	}

	/* Merges: identities of the merged customer resolve to the one
	 * kept, through chains, with the profile flags joined. */
	csm_idcache_set_flags(c, 8, CSM_PROF_EXISTS | CSM_PROF_TIER);
	csm_idcache_set_flags(c, 9, CSM_PROF_EXISTS | CSM_PROF_NAME);
	CHECK_INT(csm_idcache_flags(c, 8), CSM_PROF_EXISTS | CSM_PROF_TIER);
	CHECK_INT(csm_idcache_merge(c, 8, 9), 0);
	CHECK_INT(csm_idcache_root(c, 8), 9);
	CHECK_INT(csm_idcache_root(c, 9), 9);
	CHECK_INT(csm_idcache_get(c, CSM_ID_WECHAT, "13812345678", 11), 9);
	CHECK_INT(csm_idcache_flags(c, 9), CSM_PROF_EXISTS | CSM_PROF_NAME |
	    CSM_PROF_TIER);
	CHECK_INT(csm_idcache_merge(c, 9, 20), 0);
	CHECK_INT(csm_idcache_root(c, 8), 20);
	CHECK_INT(csm_idcache_get(c, CSM_ID_WECHAT, "13812345678", 11), 20);
	CHECK_INT(csm_idcache_flags(c, 20), CSM_PROF_EXISTS | CSM_PROF_NAME |
	    CSM_PROF_TIER);
	/* Merging into itself, or again, changes nothing. */
	CHECK_INT(csm_idcache_merge(c, 20, 20), 0);
	CHECK_INT(csm_idcache_merge(c, 8, 20), 0);
	CHECK_INT(csm_idcache_root(c, 20), 20);
	CHECK_INT(csm_idcache_root(c, 9), 20);
	/* Customers the cache has never seen are their own roots. */
	CHECK_INT(csm_idcache_root(c, 123456789), 123456789);
	CHECK_INT(csm_idcache_flags(c, 123456789), 0);
	CHECK_INT(csm_idcache_flags(c, 7), 0);

	/* Clearing forgets everything. */
	csm_idcache_clear(c);
	CHECK_INT(csm_idcache_loaded(c), 0);
	CHECK_INT(csm_idcache_get(c, CSM_ID_WECHAT, "WxId", 4), 0);
	CHECK_INT(csm_idcache_root(c, 8), 8);
	CHECK_INT(csm_idcache_flags(c, 9), 0);

	/* 100,000 identities, of two kinds, and growth past many
	 * rehashes. */
	for (i = 1; i <= 100000; i++) {
		int n = snprintf(key, sizeof(key), "1380%07u", i);

		if (csm_idcache_put(c, CSM_ID_PHONE, key, (size_t)n, i) < 0 ||
		    csm_idcache_put(c, CSM_ID_EMAIL, key, (size_t)n,
		    i + 200000) < 0)
			miss++;
	}
	CHECK_INT(miss, 0);
	for (i = 1; i <= 100000; i++) {
		int n = snprintf(key, sizeof(key), "1380%07u", i);

		if (csm_idcache_get(c, CSM_ID_PHONE, key, (size_t)n) != i ||
		    csm_idcache_get(c, CSM_ID_EMAIL, key, (size_t)n) !=
		    i + 200000)
			miss++;
	}
	CHECK_INT(miss, 0);
	CHECK_INT(csm_idcache_get(c, CSM_ID_PHONE, "13800000000", 11), 0);
	CHECK_INT(csm_idcache_get(c, CSM_ID_PHONE, "13800100001", 11), 0);
	csm_idcache_clear(c);
	CHECK_INT(csm_idcache_get(c, CSM_ID_PHONE, "13800000001", 11), 0);
	csm_idcache_free(c);
	csm_idcache_free(NULL);
}

static int
sql(struct csm_store *st, const char *s)
{
	char *msg = NULL;
	int rc = sqlite3_exec(csm_store_db(st), s, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		fprintf(stderr, "sql: %s: %s\n", s, msg ? msg : "?");
	sqlite3_free(msg);
	return rc;
}

static void
test_cache_store(void)
{
	char path[600];
	struct csm_err err;
	struct csm_store *st;
	struct csm_idcache *c;
	sqlite3_stmt *ins;
	uint32_t i;
	size_t miss = 0;

	snprintf(path, sizeof(path), "%s/csm.db", dir);
	memset(&err, 0, sizeof(err));
	st = csm_store_open(path, 0, 1000, &err);
	CHECK(st != NULL);
	if (st == NULL) {
		fprintf(stderr, "store: %s\n", err.msg);
		return;
	}
	CHECK_INT(sql(st,
	    "INSERT INTO customers (id, name, tier, org, created_at, "
	    "updated_at, merged_into) VALUES "
	    "(1, 'Alice', NULL, NULL, 0, 0, NULL),"
	    "(2, NULL, 'vip', NULL, 0, 0, 1),"
	    "(3, NULL, NULL, 'ACME', 0, 0, NULL),"
	    "(4, NULL, NULL, NULL, 0, 0, NULL),"
	    "(5, 'Eve', 'gold', 'X', 0, 0, 2);"
	    "INSERT INTO identities (kind, value, customer) VALUES "
	    "('phone', '13812345678', 1),"
	    "('email', 'a@x.com', 2),"
	    "('wechat', 'WxId', 3),"
	    "('crm', 'C-1', 4),"
	    "('phone', '01012345678', 5),"
	    "('fax', '123', 1);"), SQLITE_OK);

	c = csm_idcache_new();
	/* Whatever was put before is replaced by the store's content. */
	csm_idcache_put(c, CSM_ID_PHONE, "99999", 5, 42);
	CHECK_INT(csm_idcache_load(c, st, &err), 0);
	CHECK_INT(csm_idcache_loaded(c), 1);
	CHECK_INT(csm_idcache_get(c, CSM_ID_PHONE, "99999", 5), 0);
	CHECK_INT(csm_idcache_get(c, CSM_ID_PHONE, "13812345678", 11), 1);
	CHECK_INT(csm_idcache_get(c, CSM_ID_EMAIL, "a@x.com", 7), 1);
	CHECK_INT(csm_idcache_get(c, CSM_ID_WECHAT, "WxId", 4), 3);
	CHECK_INT(csm_idcache_get(c, CSM_ID_WECHAT, "wxid", 4), 0);
	CHECK_INT(csm_idcache_get(c, CSM_ID_CRM, "C-1", 3), 4);
	/* Merged twice over: 5 -> 2 -> 1. */
	CHECK_INT(csm_idcache_get(c, CSM_ID_PHONE, "01012345678", 11), 1);
	CHECK_INT(csm_idcache_root(c, 5), 1);
	CHECK_INT(csm_idcache_root(c, 2), 1);
	CHECK_INT(csm_idcache_root(c, 3), 3);
	/* An unknown kind in the store is skipped. */
	CHECK_INT(csm_idcache_get(c, CSM_ID_PHONE, "123", 3), 0);
	/* Profile flags from the customers' rows. */
	CHECK_INT(csm_idcache_flags(c, 1), CSM_PROF_EXISTS | CSM_PROF_NAME);
	CHECK_INT(csm_idcache_flags(c, 2), CSM_PROF_EXISTS | CSM_PROF_TIER);
	CHECK_INT(csm_idcache_flags(c, 3), CSM_PROF_EXISTS | CSM_PROF_ORG);
	CHECK_INT(csm_idcache_flags(c, 4), CSM_PROF_EXISTS);
	CHECK_INT(csm_idcache_flags(c, 5), CSM_PROF_EXISTS | CSM_PROF_NAME |
	    CSM_PROF_TIER | CSM_PROF_ORG);
	CHECK_INT(csm_idcache_flags(c, 6), 0);

	/* A reload sees what was written since. */
	CHECK_INT(sql(st, "INSERT INTO customers (id, created_at, updated_at) "
	    "VALUES (6, 0, 0); INSERT INTO identities VALUES ('dingtalk', "
	    "'dt-1', 6); UPDATE identities SET customer = 4 WHERE value = "
	    "'WxId'"), SQLITE_OK);
	CHECK_INT(csm_idcache_get(c, CSM_ID_DINGTALK, "dt-1", 4), 0);
	CHECK_INT(csm_idcache_load(c, st, &err), 0);
	CHECK_INT(csm_idcache_get(c, CSM_ID_DINGTALK, "dt-1", 4), 6);
	CHECK_INT(csm_idcache_get(c, CSM_ID_WECHAT, "WxId", 4), 4);
	CHECK_INT(csm_idcache_flags(c, 6), CSM_PROF_EXISTS);

	/* 100,000 identities through the store. */
	CHECK_INT(sql(st, "BEGIN"), SQLITE_OK);
	CHECK_INT(sqlite3_prepare_v2(csm_store_db(st), "INSERT INTO customers "
	    "(id, created_at, updated_at) VALUES (?1, 0, 0)", -1, &ins, NULL),
	    SQLITE_OK);
	for (i = 1000; i < 101000; i++) {
		sqlite3_bind_int64(ins, 1, i);
		if (sqlite3_step(ins) != SQLITE_DONE)
			miss++;
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	CHECK_INT(sqlite3_prepare_v2(csm_store_db(st), "INSERT INTO identities "
	    "VALUES ('email', 'user' || ?1 || '@example.com', ?1)", -1, &ins,
	    NULL), SQLITE_OK);
	for (i = 1000; i < 101000; i++) {
		sqlite3_bind_int64(ins, 1, i);
		if (sqlite3_step(ins) != SQLITE_DONE)
			miss++;
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	CHECK_INT(sql(st, "COMMIT"), SQLITE_OK);
	CHECK_INT(miss, 0);
	CHECK_INT(csm_idcache_load(c, st, &err), 0);
	for (i = 1000; i < 101000; i++) {
		char key[64];
		int n = snprintf(key, sizeof(key), "user%u@example.com", i);

		if (csm_idcache_get(c, CSM_ID_EMAIL, key, (size_t)n) != i)
			miss++;
		if (csm_idcache_flags(c, i) != CSM_PROF_EXISTS)
			miss++;
	}
	CHECK_INT(miss, 0);
	CHECK_INT(csm_idcache_get(c, CSM_ID_PHONE, "13812345678", 11), 1);

	csm_idcache_clear(c);
	CHECK_INT(csm_idcache_loaded(c), 0);
	CHECK_INT(csm_idcache_get(c, CSM_ID_EMAIL, "user1000@example.com",
	    20), 0);
	csm_idcache_free(c);
	CHECK_INT(csm_store_close(st, &err), 0);
}

/*
 * A store whose merged_into rows loop (a customer merged into itself, two
 * merged into each other: a hand edit or a damaged store) must not hang
 * the cache.  The cache runs in a child with a five-second alarm, so that
 * a hang is a failure and not a stuck test run.
 */
static void
test_cache_cycles(void)
{
	char path[600];
	struct csm_err err;
	struct csm_store *st;
	pid_t pid;
	int status = 0;

	snprintf(path, sizeof(path), "%s/cycle.db", dir);
	memset(&err, 0, sizeof(err));
	st = csm_store_open(path, 0, 1000, &err);
	CHECK(st != NULL);
	if (st == NULL)
		return;
	CHECK_INT(sql(st,
	    "INSERT INTO customers (id, created_at, updated_at) VALUES "
	    "(1, 0, 0), (2, 0, 0), (3, 0, 0);"
	    "UPDATE customers SET merged_into = 1 WHERE id = 1;"
	    "UPDATE customers SET merged_into = 3 WHERE id = 2;"
	    "UPDATE customers SET merged_into = 2 WHERE id = 3;"
	    "INSERT INTO identities VALUES ('phone', '13812345678', 1),"
	    "('phone', '13900000000', 2);"), SQLITE_OK);
	CHECK_INT(csm_store_close(st, &err), 0);

	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct csm_idcache *c = csm_idcache_new();
		uint32_t a, b;

		alarm(5);
		st = csm_store_open(path, 0, 1000, &err);
		if (st == NULL || csm_idcache_load(c, st, &err) < 0)
			_exit(3);
		a = csm_idcache_get(c, CSM_ID_PHONE, "13812345678", 11);
		b = csm_idcache_get(c, CSM_ID_PHONE, "13900000000", 11);
		/* Customer 1 is its own; 2 and 3 end in one of them. */
		_exit(a == 1 && (b == 2 || b == 3) ? 0 : 2);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		fprintf(stderr, "%s:%d: the cache did not return in 5 s "
		    "(signal %d)\n", __FILE__, __LINE__, WTERMSIG(status));
	CHECK(WIFEXITED(status));
	CHECK_INT(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_phone();
	test_phone_forms();
	test_email();
	test_other_ids();
	test_sizes();
	test_cache_memory();
	test_cache_store();
	test_cache_cycles();
	CHECK_INT(csm_t_rmtree(dir), 0);
	return TEST_REPORT();
}
