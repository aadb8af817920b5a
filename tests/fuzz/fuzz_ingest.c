/*
 * fuzz_ingest.c - whole records through csm_ingest (lib/ingest.c, prep.c,
 * apply.c, ident.c, form.c) into a fresh in-memory store: record kinds,
 * field checks, custom fields, identities and merges, the ticket state
 * machine and its workflows.
 *
 * The input is the file csm-ingest would read.  If its first line starts
 * with "#!", that line holds options, words separated by spaces:
 *
 *	jsonl csv tsv		the format (JSONL by default)
 *	strict dry verbose	--strict, --dry-run, --verbose
 *	type=KIND source=NAME	--type, --source
 *	batch=N			records a transaction (1 .. 1000)
 *	twice			ingest the input a second time
 *	where=EXPR		--where: the rest of the line
 *
 * and the records start on the next line.  The model is fixed (the config
 * below: a time zone, custom fields of every type, a repair workflow).
 *
 * Invariants, after each ingest: every output line is a JSON object; the
 * store passes integrity_check and foreign_key_check; no ticket has a
 * status that is not a default status, or a stage without a workflow; no
 * identity, ticket or order belongs to a merged customer; custom fields
 * and tags are JSON objects and arrays; every refusal has a message.
 * With "twice", an input that was taken whole creates no ticket the
 * second time.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "fuzz.h"

#define NOW	1772330400	/* 2026-03-01T10:00:00+08:00 */

static const char config[] =
    "[core]\n"
    "\ttimezone = Asia/Shanghai\n"
    "\treopen_window = 14d\n"
    "[field \"serial_no\"]\n"
    "\ttype = string\n"
    "\trequired = true\n"
    "\tpattern = ^SN-[A-Z0-9]{4}-[0-9]{8}$\n"
    "\ttypes = repair\n"
    "[field \"order_no\"]\n"
    "\ttype = string\n"
    "\tpattern = ^(SO|WO)[0-9]+$\n"
    "[field \"count\"]\n"
    "\ttype = int\n"
    "[field \"weight\"]\n"
    "\ttype = number\n"
    "[field \"vip\"]\n"
    "\ttype = bool\n"
    "[field \"due\"]\n"
    "\ttype = date\n"
    "[field \"visit\"]\n"
    "\ttype = time\n"
    "[field \"level\"]\n"
    "\tvalues = gold, silver, \"bronze\"\n"
    "[field \"city\"]\n"
    "\trecord = customer\n"
    "\ttype = string\n"
    "[field \"rating\"]\n"
    "\trecord = survey\n"
    "\ttype = int\n"
    "[workflow \"repair\"]\n"
    "\tstatus = \xE5\x8F\x97\xE7\x90\x86 new\n"
    "\tstatus = \xE7\xBB\xB4\xE4\xBF\xAE\xE4\xB8\xAD open\n"
    "\tstatus = \xE5\xBE\x85\xE5\xAE\xA2\xE6\x88\xB7 pending\n"
    "\tstatus = \xE5\xB7\xB2\xE4\xBF\xAE\xE5\xA4\x8D resolved\n"
    "\tstatus = \xE5\xB7\xB2\xE5\x9B\x9E\xE8\xAE\xBF closed\n"
    "\ttransition = \xE5\x8F\x97\xE7\x90\x86 -> "
    "\xE7\xBB\xB4\xE4\xBF\xAE\xE4\xB8\xAD -> "
    "\xE5\xB7\xB2\xE4\xBF\xAE\xE5\xA4\x8D -> "
    "\xE5\xB7\xB2\xE5\x9B\x9E\xE8\xAE\xBF\n"
    "\ttransition = \xE7\xBB\xB4\xE4\xBF\xAE\xE4\xB8\xAD -> "
    "\xE5\xBE\x85\xE5\xAE\xA2\xE6\x88\xB7 -> "
    "\xE7\xBB\xB4\xE4\xBF\xAE\xE4\xB8\xAD\n"
    "\ttransition = \xE5\xB7\xB2\xE5\x9B\x9E\xE8\xAE\xBF -> "
    "\xE7\xBB\xB4\xE4\xBF\xAE\xE4\xB8\xAD\n"
    "\treopen = \xE7\xBB\xB4\xE4\xBF\xAE\xE4\xB8\xAD\n";

static struct csm_model *model;

struct opts {
	enum csm_fmt		fmt;
	int			twice;
	struct csm_ingest_opts	o;
	char			source[64];
	struct csm_expr		*where;		/* new */
};

static void
init(void)
{
	struct csm_conf *conf;
	struct csm_err err;

	if (model != NULL)
		return;
	conf = csm_conf_parse(config, sizeof(config) - 1, "fuzz.conf", &err);
	FUZZ_ASSERT(conf != NULL);
	model = csm_model_new(conf, &err);
	FUZZ_ASSERT(model != NULL);
	csm_conf_free(conf);
}

/* Reads the "#!" line; returns the bytes it takes. */
static size_t
options(const uint8_t *data, size_t size, struct opts *op)
{
	const char *p = (const char *)data, *e, *nl, *w;
	size_t n;

	memset(op, 0, sizeof(*op));
	op->fmt = CSM_FMT_JSONL;
	op->o.by = "fuzz";
	op->o.now = NOW;
	op->o.keep_raw = 1;
	if (size < 2 || memcmp(data, "#!", 2) != 0)
		return 0;
	nl = memchr(p, '\n', size);
	e = nl ? nl : p + size;
	for (w = p + 2; w < e; w += n) {
		while (w < e && *w == ' ')
			w++;
		n = 0;
		while (w + n < e && w[n] != ' ')
			n++;
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(w, lit, n) == 0)
#define HAS(lit) (n > sizeof(lit) - 1 && memcmp(w, lit, sizeof(lit) - 1) == 0)
		if (IS("csv"))
			op->fmt = CSM_FMT_CSV;
		else if (IS("tsv"))
			op->fmt = CSM_FMT_TSV;
		else if (IS("jsonl"))
			op->fmt = CSM_FMT_JSONL;
		else if (IS("strict"))
			op->o.strict = 1;
		else if (IS("dry"))
			op->o.dry_run = 1;
		else if (IS("verbose"))
			op->o.verbose = 1;
		else if (IS("twice"))
			op->twice = 1;
		else if (HAS("type=")) {
			char kind[16];
			size_t k = n - 5 < sizeof(kind) - 1 ? n - 5 :
			    sizeof(kind) - 1;

			memcpy(kind, w + 5, k);
			kind[k] = '\0';
			op->o.kind = csm_kind_parse(kind);
			if (op->o.kind < 0)
				op->o.kind = 0;
		} else if (HAS("source=")) {
			size_t k = n - 7 < sizeof(op->source) - 1 ? n - 7 :
			    sizeof(op->source) - 1;

			memcpy(op->source, w + 7, k);
			op->source[k] = '\0';
			op->o.source = op->source;
		} else if (HAS("where=")) {
			char *src = fuzz_strndup((const uint8_t *)w + 6,
			    (size_t)(e - w) - 6);
			struct csm_err err;

			csm_expr_free(op->where);
			op->where = csm_expr_parse(src, &err);
			op->o.where = op->where;
			free(src);
			break;
		} else if (HAS("batch=")) {
			long b = 0;
			size_t i;

			for (i = 6; i < n && i < 10; i++)
				if (w[i] >= '0' && w[i] <= '9')
					b = b * 10 + (w[i] - '0');
			op->o.batch = b < 1 ? 1 : b > 1000 ? 1000 : b;
		}
#undef IS
#undef HAS
	}
	return nl ? (size_t)(nl - p) + 1 : size;
}

static void
on_reject(void *arg, const char *file, long line, const char *msg,
    const char *raw, size_t rawlen)
{
	(void)arg;
	FUZZ_ASSERT(raw != NULL || rawlen == 0);
	FUZZ_ASSERT(file != NULL);
	FUZZ_ASSERT(line >= 0);
	FUZZ_ASSERT(msg != NULL && msg[0] != '\0');
}


#define NONE(st, sql) do { long n_ = fuzz_count(st, sql); if (n_ != 0) { \
	fprintf(stderr, "%ld rows: %s\n", n_, sql); FUZZ_ASSERT(n_ == 0); } \
	} while (0)

static void
check_store(struct csm_store *st)
{
	struct csm_err err;
	char *ok;

	ok = csm_store_check(st, &err);
	FUZZ_ASSERT(ok != NULL);
	if (strcmp(ok, "ok") != 0)
		fprintf(stderr, "integrity_check: %s\n", ok);
	FUZZ_ASSERT(strcmp(ok, "ok") == 0);
	free(ok);
	NONE(st, "SELECT count(*) FROM pragma_foreign_key_check");
	NONE(st, "SELECT count(*) FROM tickets WHERE status NOT IN ('new', "
	    "'open', 'pending', 'on_hold', 'resolved', 'closed')");
	NONE(st, "SELECT count(*) FROM tickets WHERE stage IS NOT NULL AND "
	    "ticket_type IS NOT 'repair'");
	NONE(st, "SELECT count(*) FROM tickets WHERE priority NOT IN ('low', "
	    "'normal', 'high', 'urgent')");
	NONE(st, "SELECT count(*) FROM identities i JOIN customers c ON "
	    "c.id = i.customer WHERE c.merged_into IS NOT NULL");
	NONE(st, "SELECT count(*) FROM tickets t JOIN customers c ON "
	    "c.id = t.customer WHERE c.merged_into IS NOT NULL");
	NONE(st, "SELECT count(*) FROM orders o JOIN customers c ON "
	    "c.id = o.customer WHERE c.merged_into IS NOT NULL");
	NONE(st, "SELECT count(*) FROM customers WHERE merged_into = id");
	NONE(st, "SELECT count(*) FROM (SELECT attrs FROM tickets UNION ALL "
	    "SELECT attrs FROM customers UNION ALL SELECT attrs FROM "
	    "messages UNION ALL SELECT attrs FROM orders UNION ALL SELECT "
	    "attrs FROM surveys) WHERE attrs IS NOT NULL AND "
	    "(json_valid(attrs) = 0 OR json_type(attrs) != 'object')");
	NONE(st, "SELECT count(*) FROM tickets WHERE tags IS NOT NULL AND "
	    "(json_valid(tags) = 0 OR json_type(tags) != 'array')");
	/* Times are kept within CSM_TIME_MIN .. CSM_TIME_MAX. */
	NONE(st, "SELECT count(*) FROM (SELECT created_at AS t FROM tickets "
	    "UNION ALL SELECT updated_at FROM tickets UNION ALL SELECT "
	    "first_response_at FROM tickets UNION ALL SELECT resolved_at "
	    "FROM tickets UNION ALL SELECT closed_at FROM tickets UNION ALL "
	    "SELECT at FROM messages UNION ALL SELECT at FROM events UNION "
	    "ALL SELECT at FROM surveys UNION ALL SELECT created_at FROM "
	    "customers UNION ALL SELECT updated_at FROM customers UNION ALL "
	    "SELECT purchased_at FROM orders UNION ALL SELECT warranty_until "
	    "FROM orders UNION ALL SELECT created_at FROM orders) WHERE t IS "
	    "NOT NULL AND t NOT BETWEEN 1 AND 253402128000");
}

/* Every output line is a JSON object. */
static void
check_output(const char *out, size_t len)
{
	const char *p = out, *e = out + len, *nl;
	json_t *v;

	while (p < e) {
		nl = memchr(p, '\n', (size_t)(e - p));
		FUZZ_ASSERT(nl != NULL);
		v = json_loadb(p, (size_t)(nl - p), JSON_REJECT_DUPLICATES,
		    NULL);
		if (v == NULL || !json_is_object(v))
			fprintf(stderr, "output: %.*s\n", (int)(nl - p), p);
		FUZZ_ASSERT(v != NULL && json_is_object(v));
		json_decref(v);
		p = nl + 1;
	}
}

/* Ingests the file at path into st; returns what it counted. */
static struct csm_ingest_stats
ingest(struct csm_store *st, const struct opts *op, const char *path)
{
	struct csm_ingest_hooks h = {on_reject, NULL, NULL, NULL, NULL};
	struct csm_ingest_stats stats;
	struct csm_ingest *ing;
	struct csm_reader *r;
	struct csm_writer *w;
	struct csm_err err;
	char *out = NULL;
	size_t outlen = 0;
	FILE *fp;
	int rc;

	fp = open_memstream(&out, &outlen);
	FUZZ_ASSERT(fp != NULL);
	w = csm_writer_new(fp, CSM_FMT_JSONL, NULL, 0);
	FUZZ_ASSERT(w != NULL);
	ing = csm_ingest_new(st, model, w, &op->o, &h, &err);
	FUZZ_ASSERT(ing != NULL);
	r = csm_reader_open(path, op->fmt, NULL, &err);
	FUZZ_ASSERT(r != NULL);
	csm_err_clear(&err);
	rc = csm_ingest_read(ing, r, &err);
	if (rc < 0)
		FUZZ_ASSERT(err.msg[0] != '\0');
	if (rc == -1)
		FUZZ_ASSERT(err.code == CSM_EDATA && op->o.strict);
	if (rc != -1) {
		csm_err_clear(&err);
		if (csm_ingest_end(ing, &err) < 0)
			FUZZ_ASSERT(err.msg[0] != '\0');
	}
	csm_ingest_stats(ing, &stats);
	FUZZ_ASSERT(stats.rejected <= stats.read);
	csm_reader_close(r);
	csm_ingest_free(ing);
	FUZZ_ASSERT(csm_writer_finish(w, NULL, &err) == 0);
	csm_writer_free(w);
	FUZZ_ASSERT(fclose(fp) == 0);
	check_output(out, outlen);
	free(out);
	check_store(st);
	return stats;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csm_ingest_stats first, second;
	struct csm_store *st;
	struct csm_err err;
	struct opts op;
	const char *path;
	size_t skip;

	init();
	skip = options(data, size, &op);
	path = fuzz_file(0, data + skip, size - skip);
	FUZZ_ASSERT(path != NULL);
	st = csm_store_open(":memory:", CSM_STORE_MEMORY, 1000, &err);
	FUZZ_ASSERT(st != NULL);
	first = ingest(st, &op, path);
	if (op.twice) {
		second = ingest(st, &op, path);
		/* Ingest is idempotent: what was all taken the first time
		 * creates no ticket the second. */
		if (first.rejected == 0 && !op.o.dry_run)
			FUZZ_ASSERT(second.ops[CSM_KIND_TICKET][OP_CREATED] ==
			    0);
	}
	FUZZ_ASSERT(csm_store_close(st, &err) == 0);
	csm_expr_free(op.where);
	return 0;
}
