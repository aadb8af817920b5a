/*
 * fuzz_expr.c - the expression language of `when =` and `--where`
 * (lib/expr.c): the input is an expression, parsed, then evaluated
 * against a few fixed records.
 *
 * Invariants:
 *  - a parse error has code CSM_EDATA, a message and a column within the
 *    text (or just past it);
 *  - evaluation gives 1, 0, or -1 with a message, and the same twice;
 *  - "not (E)" parses whenever E does (short of the nesting limit) and
 *    evaluates to the negation of E.
 */
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "fuzz.h"

#define NOW	1772330400	/* 2026-03-01T10:00:00+08:00 */

static const char *const texts[] = {
	"{\"id\":\"T-000042\",\"type\":\"ticket\",\"source\":\"email\","
	"\"subject\":\"\xE6\x94\xAF\xE4\xBB\x98\xE5\xA4\xB1\xE8\xB4\xA5 "
	"\xF0\x9F\x98\x8A\",\"priority\":\"urgent\",\"tier\":\"vip\","
	"\"category\":\"\xE6\x94\xAF\xE4\xBB\x98\xE5\xA4\xB1\xE8\xB4\xA5\","
	"\"tags\":[\"vip\",\"\xE6\x94\xAF\xE4\xBB\x98\",3,null,[\"x\"]],"
	"\"score\":5,\"amount\":3101.99,\"ratio\":-0.0,"
	"\"created_at\":\"2026-02-28T09:30:00+08:00\",\"due\":\"2026-03-01\","
	"\"wait\":\"2h\",\"public\":true,\"auto\":false,"
	"\"nested\":{\"a\":{\"b\":\"x\"},\"n\":[1,2]},\"a.b\":\"dotted\","
	"\"a\":{\"b\":\"inner\"},\"empty\":\"\",\"nul\":null,"
	"\"big\":9223372036854775807,\"small\":-9223372036854775807,"
	"\"huge\":1e308,\"tiny\":5e-324,\"arr\":[[1],[2]],\"obj\":{}}",
	"{}",
	"{\"created_at\":1772330400,\"status\":\"open\",\"tags\":\"a;b\","
	"\"score\":\"5\",\"at\":\"not a time\",\"priority\":\"low\","
	"\"age\":\"3d\",\"n\":\"1e3\",\"s\":\"2026-\","
	"\"t\":\"2026-13-45\",\"leap\":\"2016-12-31T23:59:60Z\"}",
	"{\"a\":{\"b\":{\"c\":{\"d\":1}}},\"x\":[],\"created_at\":"
	"\"0000-01-01T00:00:00+14:00\",\"due\":\"9999-12-31T23:59:59-12:00\","
	"\"d\":\"-90s\",\"e\":\"1w\",\"f\":1.5,\"g\":\"1.5\"}",
};
#define NRECS (sizeof(texts) / sizeof(texts[0]))

static json_t *recs[NRECS];
static json_t *looked;
static struct csm_tz *tz;

static void
init(void)
{
	struct csm_err err;
	size_t i;

	if (looked != NULL)
		return;
	for (i = 0; i < NRECS; i++) {
		recs[i] = json_loads(texts[i], JSON_REJECT_DUPLICATES, NULL);
		FUZZ_ASSERT(recs[i] != NULL);
	}
	looked = json_pack("{s:s,s:i,s:[s,s]}", "tier", "vip", "open", 3,
	    "groups", "\xE5\x94\xAE\xE5\x90\x8E", "vip");
	FUZZ_ASSERT(looked != NULL);
	tz = csm_tz_load("Asia/Shanghai", &err);
	if (tz == NULL)
		tz = csm_tz_load("+08:00", &err);
	FUZZ_ASSERT(tz != NULL);
}

/* Names the caller knows before the record: "customer" and
 * "customer.tier". */
static json_t *
lookup(void *arg, const char *name)
{
	(void)arg;
	if (strcmp(name, "customer") == 0)
		return looked;
	if (strcmp(name, "customer.tier") == 0)
		return json_object_get(looked, "tier");
	return NULL;
}

static int
eval(const struct csm_expr *e, size_t i, int withlookup)
{
	struct csm_expr_ctx ctx;
	struct csm_err err;
	int rc, again;

	memset(&ctx, 0, sizeof(ctx));
	ctx.tz = i % 2 ? tz : NULL;
	ctx.now = NOW;
	if (withlookup)
		ctx.lookup = lookup;
	csm_err_clear(&err);
	rc = csm_expr_eval(e, recs[i], &ctx, &err);
	FUZZ_ASSERT(rc == 1 || rc == 0 || rc == -1);
	if (rc == -1)
		FUZZ_ASSERT(err.msg[0] != '\0');
	again = csm_expr_eval(e, recs[i], &ctx, &err);
	FUZZ_ASSERT(again == rc);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csm_expr *e, *ne;
	struct csm_err err;
	char *src, *neg;
	size_t len, i, opens = 0;
	int rc, nrc, w;

	init();
	src = fuzz_strndup(data, size);
	len = strlen(src);
	csm_err_clear(&err);
	e = csm_expr_parse(src, &err);
	if (e == NULL) {
		FUZZ_ASSERT(err.code == CSM_EDATA);
		FUZZ_ASSERT(err.msg[0] != '\0');
		FUZZ_ASSERT(err.col >= 1 && (size_t)err.col <= len + 1);
		free(src);
		return 0;
	}
	for (i = 0; i < len; i++)
		opens += src[i] == '(';
	neg = malloc(len + 8);
	FUZZ_ASSERT(neg != NULL);
	memcpy(neg, "not (", 5);
	memcpy(neg + 5, src, len);
	memcpy(neg + 5 + len, ")", 2);
	ne = csm_expr_parse(neg, &err);
	FUZZ_ASSERT(ne != NULL || opens >= 200);
	for (i = 0; i < NRECS; i++) {
		for (w = 0; w < 2; w++) {
			rc = eval(e, i, w);
			if (ne == NULL)
				continue;
			nrc = eval(ne, i, w);
			if (rc >= 0 && nrc >= 0)
				FUZZ_ASSERT(nrc == !rc);
		}
	}
	csm_expr_free(ne);
	csm_expr_free(e);
	free(neg);
	free(src);
	return 0;
}
