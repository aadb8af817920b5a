/*
 * test_ingest.c - ingest through the library (lib/ingest.c, prep.c,
 * apply.c) against a real store: what is stored, what is printed, what is
 * refused, batches, strict and dry runs.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "csm_test.h"

static char dir[] = "/tmp/csm-test-ingest.XXXXXX";
static struct csm_store *st;
static struct csm_model *model;

struct run {
	struct csm_ingest_stats	 stats;
	char			*out;		/* what was printed (new) */
	size_t			 outlen;
	int			 rc;
	struct csm_err		 err;
	char			 rejects[2048];	/* "line:msg|raw\n" ... */
};

static void
on_reject(void *arg, const char *file, long line, const char *msg,
    const char *raw, size_t rawlen)
{
	struct run *r = arg;
	size_t n = strlen(r->rejects);

	(void)file;
	snprintf(r->rejects + n, sizeof(r->rejects) - n, "%ld:%s|%.*s\n", line,
	    msg, (int)rawlen, raw);
}

/* Ingests text (written to a file named name) with options o. */
static void
ingest(const char *name, const char *text, struct csm_ingest_opts *o,
    struct run *r)
{
	char path[256];
	FILE *fp, *out;
	struct csm_writer *w;
	struct csm_reader *rd;
	struct csm_ingest *ing;
	struct csm_ingest_hooks h = {on_reject, NULL, NULL, NULL, NULL};

	memset(r, 0, sizeof(*r));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	out = open_memstream(&r->out, &r->outlen);
	w = csm_writer_new(out, CSM_FMT_JSONL, NULL, 0);
	h.arg = r;
	o->keep_raw = 1;
	if (o->now == 0)
		o->now = 1790000000;
	ing = csm_ingest_new(st, model, w, o, &h, &r->err);
	rd = csm_reader_open(path, CSM_FMT_AUTO, NULL, &r->err);
	r->rc = csm_ingest_read(ing, rd, &r->err);
	if (r->rc == 0)
		r->rc = csm_ingest_end(ing, &r->err);
	csm_ingest_stats(ing, &r->stats);
	csm_reader_close(rd);
	csm_ingest_free(ing);
	csm_writer_finish(w, NULL, NULL);
	csm_writer_free(w);
	fclose(out);
}

static void
done(struct run *r)
{
	free(r->out);
	r->out = NULL;
}

static long
count(const char *sql)
{
	sqlite3_stmt *s;
	long n = -1;

	if (sqlite3_prepare_v2(csm_store_db(st), sql, -1, &s, NULL) !=
	    SQLITE_OK)
		return -2;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* Number of output lines containing needle. */
static int
lines_with(const struct run *r, const char *needle)
{
	const char *p = r->out;
	int n = 0;

	while (p != NULL && *p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, len);

		n += strstr(line, needle) != NULL;
		free(line);
		p = nl ? nl + 1 : p + len;
	}
	return n;
}

static const char tickets[] =
    "{\"type\":\"ticket\",\"source\":\"email\",\"source_id\":\"e1\","
    "\"subject\":\"退款\",\"email\":\"A@x.com\",\"created_at\":"
    "\"2026-11-01T10:00:00+08:00\",\"tags\":\"a; b ;;c\"}\n"
    "{\"type\":\"ticket\",\"source\":\"wechat\",\"source_id\":\"w1\","
    "\"subject\":\"hi\",\"wechat\":\"wx1\",\"phone\":\"138 0013 8000\","
    "\"created_at\":\"2026-11-02T10:00:00+08:00\",\"colour\":\"red\"}\n"
    "{\"type\":\"ticket\",\"source\":\"app\",\"source_id\":\"a1\","
    "\"subject\":\"both\",\"email\":\"a@X.com\",\"phone\":\"+8613800138000\","
    "\"created_at\":\"2026-11-03T10:00:00+08:00\"}\n";

static void
test_tickets(void)
{
	struct csm_ingest_opts o = {0};
	struct run r;

	ingest("t.jsonl", tickets, &o, &r);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.stats.read, 3);
	CHECK_INT(r.stats.ops[CSM_KIND_TICKET][OP_CREATED], 3);
	CHECK_INT(r.stats.ops[CSM_KIND_CUSTOMER][OP_CREATED], 2);
	CHECK_INT(r.stats.ops[CSM_KIND_CUSTOMER][OP_MERGED], 1);
	CHECK_INT(count("SELECT count(*) FROM customers WHERE merged_into IS "
	    "NULL"), 1);
	CHECK_INT(count("SELECT count(DISTINCT customer) FROM tickets"), 1);
	CHECK_INT(count("SELECT count(*) FROM tickets WHERE tags = "
	    "'[\"a\",\"b\",\"c\"]'"), 1);
	CHECK_INT(count("SELECT count(*) FROM tickets WHERE attrs = "
	    "'{\"colour\":\"red\"}'"), 1);
	/* Output: customers and tickets, custom fields spliced in. */
	CHECK_INT(lines_with(&r, "\"type\":\"ticket\""), 3);
	CHECK_INT(lines_with(&r, "\"colour\":\"red\"}"), 1);
	CHECK_INT(lines_with(&r, "\"op\":\"merged\",\"type\":\"customer\","
	    "\"id\":\"C-000001\",\"merged\":[\"C-000002\"]"), 1);
	CHECK_INT(lines_with(&r, "\"tags\":[\"a\",\"b\",\"c\"]"), 1);
	done(&r);

	/* Idempotent: nothing the second time, "unchanged" with verbose. */
	o.verbose = 1;
	ingest("t.jsonl", tickets, &o, &r);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.stats.ops[CSM_KIND_TICKET][OP_UNCHANGED], 3);
	CHECK_INT(r.stats.ops[CSM_KIND_TICKET][OP_CREATED], 0);
	CHECK_INT(lines_with(&r, "\"op\":\"unchanged\""), 3);
	CHECK_INT(count("SELECT count(*) FROM tickets"), 3);
	done(&r);
}

static void
test_refused(void)
{
	struct csm_ingest_opts o = {0};
	struct run r;
	long before = count("SELECT count(*) FROM tickets");

	ingest("bad.jsonl",
	    "{\"type\":\"ticket\",\"source\":\"web\",\"source_id\":\"ok1\"}\n"
	    "{\"type\":\"ticket\",\"source\":\"Web!\"}\n"
	    "{\"type\":\"message\",\"ticket\":\"T-999\",\"direction\":\"in\"}\n"
	    "{\"type\":\"ticket\",\"source\":\"web\",\"source_id\":\"ok2\"}\n",
	    &o, &r);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.stats.rejected, 2);
	CHECK_STR(r.rejects,
	    "2:source: expected a channel name such as email, wechat or web, "
	    "got \"Web!\"|{\"type\":\"ticket\",\"source\":\"Web!\"}\n"
	    "3:ticket: no ticket T-000999|{\"type\":\"message\",\"ticket\":"
	    "\"T-999\",\"direction\":\"in\"}\n");
	CHECK_INT(count("SELECT count(*) FROM tickets"), before + 2);
	done(&r);

	/* Found by tests/fuzz (fuzz_ingest): a new ticket in an unknown
	 * status crashed the parser thread, which formats new tickets
	 * ahead and asked for no reason. */
	ingest("status.jsonl",
	    "{\"type\":\"ticket\",\"source\":\"web\",\"status\":\"bogus\"}\n"
	    "{\"type\":\"ticket\",\"source\":\"web\",\"status\":1}\n",
	    &o, &r);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.stats.rejected, 2);
	CHECK(strstr(r.rejects, "1:status: unknown status 'bogus'") != NULL);
	CHECK(strstr(r.rejects, "2:status: unknown status '1'") != NULL);
	CHECK_INT(count("SELECT count(*) FROM tickets"), before + 2);
	done(&r);

	/* Strict: the first refusal rolls everything back. */
	o.strict = 1;
	ingest("strict.jsonl",
	    "{\"type\":\"ticket\",\"source\":\"web\",\"source_id\":\"s1\"}\n"
	    "{\"type\":\"ticket\",\"source\":\"web\",\"priority\":\"now\"}\n",
	    &o, &r);
	CHECK_INT(r.rc, -1);
	CHECK_INT(r.err.code, CSM_EDATA);
	CHECK_INT(r.err.line, 2);
	CHECK_INT(count("SELECT count(*) FROM tickets WHERE source_id = 's1'"),
	    0);
	done(&r);
}

static void
test_dry_run_and_where(void)
{
	struct csm_ingest_opts o = {0};
	struct csm_expr *e;
	struct csm_err err;
	struct run r;
	long before = count("SELECT count(*) FROM tickets");

	o.dry_run = 1;
	ingest("dry.jsonl",
	    "{\"type\":\"ticket\",\"source\":\"web\",\"source_id\":\"d1\"}\n",
	    &o, &r);
	CHECK_INT(r.rc, 0);
	CHECK_INT(lines_with(&r, "\"source_id\":\"d1\""), 1);
	CHECK_INT(count("SELECT count(*) FROM tickets"), before);
	done(&r);

	e = csm_expr_parse("priority = \"high\"", &err);
	CHECK(e != NULL);
	memset(&o, 0, sizeof(o));
	o.where = e;
	ingest("where.jsonl",
	    "{\"type\":\"ticket\",\"source\":\"web\",\"source_id\":\"w1\","
	    "\"priority\":\"high\"}\n"
	    "{\"type\":\"ticket\",\"source\":\"web\",\"source_id\":\"w2\"}\n",
	    &o, &r);
	CHECK_INT(r.stats.skipped, 1);
	CHECK_INT(count("SELECT count(*) FROM tickets WHERE source = 'web' AND "
	    "source_id IN ('w1', 'w2')"), 1);
	done(&r);
	csm_expr_free(e);
}

static void
test_lifecycle(void)
{
	struct csm_ingest_opts o = {0};
	struct run r;

	o.batch = 1;	/* a transaction a record */
	ingest("life.jsonl",
	    "{\"type\":\"ticket\",\"source\":\"chat\",\"source_id\":\"c9\","
	    "\"thread_id\":\"t9\",\"created_at\":\"2026-11-01T09:00:00Z\"}\n"
	    "{\"type\":\"message\",\"source\":\"chat\",\"thread_id\":\"t9\","
	    "\"source_id\":\"m1\",\"direction\":\"out\",\"author\":\"al\","
	    "\"at\":\"2026-11-01T09:10:00Z\"}\n"
	    "{\"type\":\"event\",\"source\":\"chat\",\"thread_id\":\"t9\","
	    "\"action\":\"transfer\",\"group\":\"二线\",\"assignee\":\"bo\","
	    "\"at\":\"2026-11-01T09:20:00Z\"}\n"
	    "{\"type\":\"event\",\"source\":\"chat\",\"thread_id\":\"t9\","
	    "\"action\":\"status\",\"status\":\"resolved\","
	    "\"at\":\"2026-11-01T10:00:00Z\"}\n"
	    "{\"type\":\"event\",\"source\":\"chat\",\"thread_id\":\"t9\","
	    "\"action\":\"assign\",\"assignee\":\"cy\","
	    "\"at\":\"2026-11-01T09:30:00Z\"}\n"
	    "{\"type\":\"survey\",\"source\":\"chat\",\"thread_id\":\"t9\","
	    "\"kind\":\"nps\",\"score\":9}\n"
	    "{\"type\":\"message\",\"source\":\"chat\",\"thread_id\":\"t9\","
	    "\"source_id\":\"m2\",\"direction\":\"in\","
	    "\"at\":\"2026-11-02T09:00:00Z\"}\n",
	    &o, &r);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.stats.rejected, 0);
	/* First response from the agent reply, new -> open with it. */
	CHECK_INT(count("SELECT first_response_at FROM tickets WHERE "
	    "source_id = 'c9'"), 1793524200);	/* 2026-11-01T09:10:00Z */
	/* The transfer set group and assignee: two events, one keyed. */
	CHECK_INT(count("SELECT count(*) FROM events WHERE action = 'transfer'"),
	    2);
	CHECK_INT(count("SELECT count(*) FROM events WHERE action = 'transfer' "
	    "AND ext IS NOT NULL"), 1);
	/* The assign at 09:30 came after the 10:00 resolution: kept in the
	 * history, not applied. */
	CHECK_INT(count("SELECT count(*) FROM tickets WHERE source_id = 'c9' "
	    "AND assignee = 'bo'"), 1);
	CHECK_INT(count("SELECT count(*) FROM events WHERE action = 'assign' "
	    "AND data = '{\"stale\":true}'"), 1);
	/* The customer's message the next day reopened it. */
	CHECK_INT(count("SELECT reopens FROM tickets WHERE source_id = 'c9'"),
	    1);
	CHECK_INT(count("SELECT count(*) FROM tickets WHERE source_id = 'c9' "
	    "AND status = 'open' AND resolved_at IS NULL"), 1);
	CHECK_INT(count("SELECT score FROM surveys"), 9);
	done(&r);
}

/*
 * Customers, orders and surveys replace what is stored.  An input read
 * again (a rerun after a crash, an old export) must not undo a later
 * record: found by tests/crash, where a rerun reverted orders, surveys and
 * merged profiles, logged them twice and put old surveys on follow-ups.
 */
static void
test_read_again(void)
{
	static const char first[] =
	    "{\"type\":\"ticket\",\"source\":\"web\",\"source_id\":\"ra1\","
	    "\"thread_id\":\"ra1\",\"created_at\":\"2026-10-01T09:00:00Z\","
	    "\"phone\":\"139 1111 2222\"}\n"
	    "{\"type\":\"customer\",\"crm_id\":\"CRM-RA1\",\"name\":\"甲\","
	    "\"phone\":\"13911112222\",\"tier\":\"gold\"}\n"
	    "{\"type\":\"order\",\"order_no\":\"SO-RA1\",\"phone\":"
	    "\"13911112222\",\"warranty_until\":\"2027-01-01\"}\n"
	    "{\"type\":\"survey\",\"source\":\"web\",\"thread_id\":\"ra1\","
	    "\"kind\":\"csat\",\"score\":2,\"at\":\"2026-10-02T09:00:00Z\"}\n";
	static const char later[] =
	    "{\"type\":\"customer\",\"crm_id\":\"CRM-RA1\",\"name\":\"乙\","
	    "\"tier\":\"vip\"}\n"
	    "{\"type\":\"order\",\"order_no\":\"SO-RA1\","
	    "\"warranty_until\":\"2029-01-01\"}\n"
	    "{\"type\":\"survey\",\"source\":\"web\",\"thread_id\":\"ra1\","
	    "\"kind\":\"csat\",\"score\":5,\"at\":\"2026-10-09T09:00:00Z\"}\n";
	struct csm_ingest_opts o = {0};
	struct run r;
	long events;

	ingest("first.jsonl", first, &o, &r);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.stats.rejected, 0);
	done(&r);
	ingest("later.jsonl", later, &o, &r);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.stats.ops[CSM_KIND_ORDER][OP_UPDATED], 1);
	CHECK_INT(r.stats.ops[CSM_KIND_SURVEY][OP_UPDATED], 1);
	done(&r);
	events = count("SELECT count(*) FROM events");

	o.verbose = 1;
	ingest("first.jsonl", first, &o, &r);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.stats.ops[CSM_KIND_CUSTOMER][OP_UNCHANGED], 1);
	CHECK_INT(r.stats.ops[CSM_KIND_ORDER][OP_UNCHANGED], 1);
	CHECK_INT(r.stats.ops[CSM_KIND_SURVEY][OP_UNCHANGED], 1);
	CHECK_INT(lines_with(&r, "\"op\":\"unchanged\""), 4);
	CHECK_INT(lines_with(&r, "\"op\":\"updated\""), 0);
	CHECK_INT(count("SELECT count(*) FROM customers WHERE name = '乙' AND "
	    "tier = 'vip'"), 1);
	CHECK_INT(count("SELECT warranty_until FROM orders WHERE order_no = "
	    "'SO-RA1'"), 1861920000);	/* 2029-01-01T00:00:00Z */
	CHECK_INT(count("SELECT score FROM surveys s JOIN tickets t ON "
	    "t.id = s.ticket WHERE t.source_id = 'ra1'"), 5);
	CHECK_INT(count("SELECT count(*) FROM events"), events);
	done(&r);

	/* A record that differs in anything is new, and applies. */
	o.verbose = 0;
	ingest("again.jsonl",
	    "{\"type\":\"order\",\"order_no\":\"SO-RA1\","
	    "\"warranty_until\":\"2027-01-01\",\"note\":\"fix\"}\n", &o, &r);
	CHECK_INT(r.stats.ops[CSM_KIND_ORDER][OP_UPDATED], 1);
	CHECK_INT(count("SELECT warranty_until FROM orders WHERE order_no = "
	    "'SO-RA1'"), 1798761600);	/* 2027-01-01T00:00:00Z */
	done(&r);
}

int
main(void)
{
	struct csm_err err;

	if (mkdtemp(dir) == NULL)
		return 1;
	model = csm_model_new(NULL, &err);
	st = csm_store_open(":memory:", CSM_STORE_MEMORY, 1000, &err);
	CHECK(model != NULL && st != NULL);
	test_tickets();
	test_refused();
	test_dry_run_and_where();
	test_lifecycle();
	test_read_again();
	csm_store_close(st, NULL);
	csm_model_free(model);
	CHECK_INT(csm_t_rmtree(dir), 0);
	return TEST_REPORT();
}
