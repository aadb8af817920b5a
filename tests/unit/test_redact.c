/*
 * test_redact.c - redaction: SipHash against the reference vectors,
 * pseudonyms, replaced fields and masked free text.
 */
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "csm_test.h"

static const unsigned char key[16] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
};

static void
test_siphash(void)
{
	unsigned char m[64];
	uint64_t k0 = 0x0706050403020100ULL, k1 = 0x0f0e0d0c0b0a0908ULL;
	int i;

	for (i = 0; i < 64; i++)
		m[i] = (unsigned char)i;
	/* From the SipHash paper and its reference vectors. */
	CHECK(csm_siphash(k0, k1, m, 0) == 0x726fdb47dd0e0e31ULL);
	CHECK(csm_siphash(k0, k1, m, 15) == 0xa129ca6149be45e5ULL);
	CHECK(csm_siphash(k0, k1, m, 8) == 0x93f5f5799a932462ULL);
	CHECK(csm_siphash(k0, k1, m, 1) == 0x74f839c593dc67fdULL);
	CHECK(csm_siphash(k0, k1, m, 7) != csm_siphash(k0, k1, m, 8));
}

static char *
text(const char *s)
{
	size_t n;
	char *t = csm_redact_text(s, strlen(s), &n);

	CHECK(t != NULL && strlen(t) == n);
	return t;
}

static void
test_text(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "no personal data here", "no personal data here" },
		{ "call me on 138 1234 5678 today", "call me on *** today" },
		{ "电话13812345678，谢谢", "电话***，谢谢" },
		{ "+86-138-1234-5678", "+***" },
		{ "order 123456 and 2026-11-20", "order 123456 and 2026-11-20" },
		{ "order 1234567", "order ***" },
		{ "write to Alice.W+cs@Example.COM please",
		    "write to ***@*** please" },
		{ "a@b", "***@***" },
		{ "@alice on weibo", "@alice on weibo" },
		{ "trailing@", "trailing@" },
		{ "1 2 3 4 5 6 7", "1 2 3 4 5 6 7" },
		{ "12-34-56-78", "***" },
		{ "room 12  345 6789", "room 12  ***" },
		{ "2026-11-20 13812345678", "2026-11-20 ***" },
		{ "+1 415 555 0100", "+***" },
		{ "12345678901234567890", "***" },
	};
	size_t i, n;
	char *t;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = text(cases[i].in);
		CHECK_STR(t, cases[i].out);
		free(t);
	}
	/* NUL bytes inside are kept as they are, the length says so. */
	t = csm_redact_text("a\0b 1234567", 11, &n);
	CHECK_INT(n, 7);
	CHECK(t != NULL && memcmp(t, "a\0b ***", 7) == 0);
	free(t);
}

static json_t *
rec(const char *s)
{
	json_error_t je;
	json_t *j = json_loads(s, 0, &je);

	CHECK(j != NULL);
	return j;
}

static void
test_records(void)
{
	struct csm_redactor *r = csm_redactor_with_key(key), *r2;
	struct csm_err err;
	json_t *a, *b, *c;
	char *ta;

	CHECK(r != NULL);
	if (r == NULL)
		return;
	a = rec("{\"type\":\"ticket\",\"source\":\"web\",\"source_id\":\"1\","
	    "\"phone\":\"+86 138-1234-5678\",\"email\":\"Alice@Example.com\","
	    "\"name\":\"王丽\",\"org\":\"ACME\",\"status\":\"open\","
	    "\"subject\":\"退款 13812345678\",\"priority\":\"high\","
	    "\"attrs\":{\"address\":\"北京市\",\"serial_no\":\"SN-1\","
	    "\"wechat\":\"wx_alice\"},\"tags\":[\"vip\"],\"crm_id\":null}");
	b = rec("{\"phone\":\"13812345678\",\"email\":\"alice@example.com\"}");
	CHECK_INT(csm_redact(r, a, &err), 0);
	CHECK_INT(csm_redact(r, b, &err), 0);
	ta = csm_json_text(a);
	/* Personal data is gone; the rest is as it was. */
	CHECK(strstr(ta, "5678") == NULL);
	CHECK(strstr(ta, "lice") == NULL);
	CHECK(strstr(ta, "王丽") == NULL);
	CHECK(strstr(ta, "ACME") == NULL);
	CHECK(strstr(ta, "北京") == NULL);
	CHECK_STR(json_string_value(json_object_get(a, "name")), "***");
	CHECK_STR(json_string_value(json_object_get(a, "subject")),
	    "退款 ***");
	CHECK_STR(json_string_value(json_object_get(a, "status")), "open");
	CHECK_STR(json_string_value(json_object_get(a, "priority")), "high");
	CHECK_STR(json_string_value(json_object_get(json_object_get(a,
	    "attrs"), "serial_no")), "SN-1");
	CHECK_STR(json_string_value(json_object_get(json_object_get(a,
	    "attrs"), "address")), "***");
	CHECK(json_is_null(json_object_get(a, "crm_id")));
	CHECK_STR(json_string_value(json_array_get(json_object_get(a,
	    "tags"), 0)), "vip");
	/* Pseudonyms: by kind, 12 hex digits, the same for the same
	 * identity however it was written. */
	CHECK(strncmp(json_string_value(json_object_get(a, "phone")),
	    "phone:", 6) == 0);
	CHECK_INT(strlen(json_string_value(json_object_get(a, "phone"))),
	    6 + 12);
	CHECK(strncmp(json_string_value(json_object_get(json_object_get(a,
	    "attrs"), "wechat")), "wechat:", 7) == 0);
	CHECK_STR(json_string_value(json_object_get(a, "phone")),
	    json_string_value(json_object_get(b, "phone")));
	CHECK_STR(json_string_value(json_object_get(a, "email")),
	    json_string_value(json_object_get(b, "email")));
	/* Another key, another pseudonym. */
	r2 = csm_redactor_new(&err);
	CHECK(r2 != NULL);
	c = rec("{\"phone\":\"13812345678\"}");
	if (r2 != NULL)
		CHECK_INT(csm_redact(r2, c, &err), 0);
	CHECK(strcmp(json_string_value(json_object_get(c, "phone")),
	    json_string_value(json_object_get(b, "phone"))) != 0);
	/* Not an object, or not a string identity: handled. */
	json_decref(c);
	c = rec("[1,2]");
	CHECK_INT(csm_redact(r, c, &err), 0);
	json_decref(c);
	c = rec("{\"phone\":12345678901,\"email\":{\"x\":1}}");
	CHECK_INT(csm_redact(r, c, &err), 0);
	CHECK_STR(json_string_value(json_object_get(c, "phone")), "***");
	CHECK_STR(json_string_value(json_object_get(c, "email")), "***");
	json_decref(c);
	free(ta);
	json_decref(a);
	json_decref(b);
	csm_redactor_free(r);
	csm_redactor_free(r2);
}

int
main(void)
{
	test_siphash();
	test_text();
	test_records();
	return TEST_REPORT();
}
