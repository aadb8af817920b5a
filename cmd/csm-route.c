/*
 * csm-route - the rules engine and dispatcher: runs the [rule]s of
 * csm.conf(5) on tickets and assigns them by their group's strategy.  As a
 * filter it reads what csm-ingest prints and passes every record on,
 * tickets in their new state; with --where or --all it runs the rules on
 * tickets of the store (the cron job of time rules).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "rejects.h"

static const char usage_text[] =
"usage: csm-route [-nqv] [--db FILE] [-c FILE] [-f FORMAT] [-w EXPR | --all]\n"
"                 [--on KINDS] [--changed] [--explain] [--by NAME]\n"
"                 [-r FILE] [-o FORMAT] [--batch N] [--now TIME] [--check]\n"
"                 [FILE ...]\n"
"\n"
"Runs the rules of the configuration on the tickets of the records read\n"
"(csm-ingest's output), assigns them, and prints every record read, tickets\n"
"in their new state; with --where or --all, on tickets of the store.\n"
"\n"
"  --db FILE             the store (default $CSM_DB, else\n"
"                        $XDG_DATA_HOME/csm/csm.db)\n"
"  -c, --config FILE     configuration (default $CSM_CONFIG, else\n"
"                        $XDG_CONFIG_HOME/csm/csm.conf)\n"
"  -f, --format FORMAT   input format: jsonl, csv or tsv (default: by\n"
"                        extension, else jsonl)\n"
"  -w, --where EXPR      run on the stored tickets EXPR matches\n"
"      --all             run on every stored ticket\n"
"      --on KINDS        the rules to run: created, updated, message,\n"
"                        survey, time (default: as each record says; time\n"
"                        with --where and --all)\n"
"      --changed         print only the tickets changed and what rules made\n"
"  -n, --dry-run         show what would change; write nothing\n"
"      --explain         on stderr, each rule considered on each ticket:\n"
"                        fired or not, and why\n"
"      --by NAME         who makes the changes (default csm-route)\n"
"  -r, --rejects FILE    write the records refused there, as they were read\n"
"  -q, --quiet           no warnings about queued tickets\n"
"  -v, --verbose         also print tickets the rules did not change in\n"
"                        store mode\n"
"  -o, --output FORMAT   jsonl, csv, tsv or table (default: table on a\n"
"                        terminal, else jsonl)\n"
"      --batch N         tickets per transaction (default 1000)\n"
"      --now TIME        the time the rules see as now\n"
"      --color WHEN      auto, always or never\n"
"      --check           check the configuration and exit\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n";

enum {
	OPT_DB = 256, OPT_ALL, OPT_ON, OPT_CHANGED, OPT_EXPLAIN, OPT_BY,
	OPT_BATCH, OPT_NOW, OPT_COLOR, OPT_CHECK, OPT_LIST
};

static const struct option longopts[] = {
	{"db", required_argument, NULL, OPT_DB},
	{"config", required_argument, NULL, 'c'},
	{"format", required_argument, NULL, 'f'},
	{"where", required_argument, NULL, 'w'},
	{"all", no_argument, NULL, OPT_ALL},
	{"on", required_argument, NULL, OPT_ON},
	{"changed", no_argument, NULL, OPT_CHANGED},
	{"dry-run", no_argument, NULL, 'n'},
	{"explain", no_argument, NULL, OPT_EXPLAIN},
	{"by", required_argument, NULL, OPT_BY},
	{"rejects", required_argument, NULL, 'r'},
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"output", required_argument, NULL, 'o'},
	{"batch", required_argument, NULL, OPT_BATCH},
	{"now", required_argument, NULL, OPT_NOW},
	{"color", required_argument, NULL, OPT_COLOR},
	{"check", no_argument, NULL, OPT_CHECK},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{"list-options", no_argument, NULL, OPT_LIST},
	{NULL, 0, NULL, 0}
};

static const char *const table_cols[] = {
	"op", "type", "id", "ticket", "status", "priority", "group",
	"assignee", "subject", NULL
};

struct route {
	const char		*db;		/* --db */
	char			*path;		/* the store's, once open */
	const struct csm_model	*model;
	const char		*by;
	int64_t			 now;
	struct csm_store	*st;		/* opened at the first need */
	struct csm_desk		*d;
	struct csm_rules	*rules;
	struct csm_writer	*w;
	unsigned		 on;		/* --on, or 0 */
	int			 changed_only;
	int			 explain;
	int			 verbose;
	int			 quiet;
	int			 dry_run;
	long			 batch;
	long			 in_batch;
	int			 in_txn;
	time_t			 txn_start;
	int			 status;	/* EX_DATAERR_ when anything was
						 * refused */
	const char		*file;		/* the input, for messages */
	long			 line;
	struct cmd_rejects	*rejects;	/* --rejects, or NULL */
	int			 refused;	/* the record read was */
	uint64_t		 tickets, changed, fired_records;
};

/* Writes rec (borrowed): op and type first, custom fields as such. */
static void
put_record(struct route *r, const json_t *rec)
{
	const char *k;
	json_t *v, *custom = NULL;
	char *text;

	csm_writer_begin(r->w);
	if ((v = json_object_get(rec, "op")) != NULL)
		csm_writer_json(r->w, "op", v);
	if ((v = json_object_get(rec, "type")) != NULL)
		csm_writer_json(r->w, "type", v);
	json_object_foreach((json_t *)(uintptr_t)rec, k, v) {
		if (strcmp(k, "op") == 0 || strcmp(k, "type") == 0)
			continue;
		if (csm_field_reserved(k)) {
			csm_writer_json(r->w, k, v);
			continue;
		}
		if (custom == NULL && (custom = json_object()) == NULL)
			cmd_die(EX_SOFTWARE_, "out of memory");
		json_object_set(custom, k, v);
	}
	if (custom != NULL) {
		if ((text = csm_json_text(custom)) == NULL)
			cmd_die(EX_SOFTWARE_, "out of memory");
		csm_writer_custom(r->w, text, strlen(text));
		free(text);
		json_decref(custom);
	}
	csm_writer_end(r->w);
}

/* A ticket's line: its record with op and type. */
static void
put_ticket(struct route *r, struct csm_ticket *t, const char *op)
{
	struct csm_err err;
	const json_t *rec = csm_ticket_record(r->d, t, &err);
	json_t *out;

	if (rec == NULL)
		cmd_die_err(&err);
	if ((out = json_deep_copy(rec)) == NULL)
		cmd_die(EX_SOFTWARE_, "out of memory");
	json_object_set_new(out, "op", json_string(op));
	json_object_set_new(out, "type", json_string("ticket"));
	put_record(r, out);
	json_decref(out);
}

/* Hooks. */

static void
on_explain(void *arg, int64_t ticket, const char *rule, int fired,
    const char *why)
{
	char ref[24], esc[1024];

	(void)arg;
	snprintf(ref, sizeof(ref), "T-%06lld", (long long)ticket);
	fprintf(stderr, "%s: %s: rule '%s': %s%s%s\n", progname, ref, rule,
	    fired ? "fired" : "no", why[0] ? ": " : "",
	    csm_escape_controls(why, strlen(why), esc, sizeof(esc)));
}

static void
on_record(void *arg, const json_t *rec)
{
	struct route *r = arg;

	r->fired_records++;
	put_record(r, rec);
}

static void
on_queued(void *arg, int64_t ticket, const char *group, const char *why)
{
	struct route *r = arg;
	char esc[256];

	if (!r->quiet)
		cmd_warn("warning: T-%06lld: left in the queue of '%s': %s",
		    (long long)ticket, csm_escape(group, strlen(group), esc,
		    sizeof(esc)), why);
}

/*
 * Opens the store when first needed: a filter after csm-ingest opens it
 * once a record has come, so the store is there and up to date (a dry
 * run holding a schema upgrade could not let go of the lock).
 */
static void
open_store(struct route *r)
{
	struct csm_err err;
	char name[256];

	if (r->st != NULL)
		return;
	if ((r->path = csm_store_path(r->db, &err)) == NULL)
		cmd_die_err(&err);
	/* A dry run never makes a store: there would be nothing to route. */
	if (r->dry_run && access(r->path, F_OK) != 0)
		cmd_die(EX_NOINPUT_, "no store at '%s' (a dry run makes none)",
		    cmd_name(r->path, name, sizeof(name)));
	r->st = csm_store_open(r->path, r->dry_run ? CSM_STORE_DRYRUN : 0,
	    cmd_busy_ms(), &err);
	if (r->st == NULL)
		cmd_die(csm_err_exit(err.code), "%s: %s", cmd_name(r->path,
		    name, sizeof(name)), err.msg);
	if ((r->d = csm_desk_new(r->st, r->model, r->by, r->now, &err)) ==
	    NULL)
		cmd_die_err(&err);
}

/* Transactions: at most --batch tickets, or a second, each. */

static void
begin(struct route *r)
{
	struct csm_err err;

	if (r->in_txn)
		return;
	open_store(r);
	if (csm_store_begin(r->st, &err) < 0)
		cmd_die_err(&err);
	r->in_txn = 1;
	r->in_batch = 0;
	r->txn_start = time(NULL);
}

static void
flush_out(struct route *r)
{
	struct csm_err err;
	int eno = 0;

	if (csm_writer_flush(r->w, &eno, &err) < 0) {
		if (eno == EPIPE)
			exit(0);
		cmd_die_err(&err);
	}
}

static void
commit(struct route *r)
{
	struct csm_err err;

	if (!r->in_txn)
		return;
	r->in_txn = 0;
	if (r->dry_run) {
		csm_store_rollback(r->st);
	} else if (csm_store_commit(r->st, &err) < 0)
		cmd_die_err(&err);
	/* Output only for what the store holds. */
	flush_out(r);
}

static void
step(struct route *r)
{
	r->in_batch++;
	if (r->in_batch < r->batch && time(NULL) - r->txn_start < 1)
		return;
	if (r->dry_run) {
		/* Nothing to commit; the output need not wait. */
		flush_out(r);
		r->in_batch = 0;
		r->txn_start = time(NULL);
	} else
		commit(r);
}

/* Runs the rules of on on t; prints it as op if changed or asked. */
static void
run_rules(struct route *r, struct csm_ticket *t, unsigned on,
    const json_t *extra, const char *key)
{
	struct csm_rules_hooks h = {NULL, on_record, on_queued, r};
	struct csm_rules_run run = {on, extra, key};
	struct csm_err err;
	int changed = 0;

	if (r->explain)
		h.explain = on_explain;
	if (csm_rules_apply(r->rules, r->d, t, &run, &h, &changed,
	    &err) < 0) {
		if (err.code != CSM_EDATA)
			cmd_die_err(&err);
		cmd_warn("T-%06lld: %s", (long long)csm_ticket_id(t),
		    err.msg);
		r->status = EX_DATAERR_;
		r->refused = 1;
	}
	r->changed += changed != 0;
}

/* Which rules a record of the input runs: 0 none. */
static unsigned
on_of(const struct route *r, const char *type, const char *op)
{
	unsigned on = 0;

	if (strcmp(type, "ticket") == 0)
		on = op == NULL || strcmp(op, "updated") == 0 ?
		    CSM_ON_UPDATED : strcmp(op, "created") == 0 ?
		    CSM_ON_CREATED : 0;
	else if (strcmp(type, "message") == 0)
		on = op == NULL || strcmp(op, "created") == 0 ?
		    CSM_ON_MESSAGE : 0;
	else if (strcmp(type, "survey") == 0)
		on = op == NULL || strcmp(op, "unchanged") != 0 ?
		    CSM_ON_SURVEY : 0;
	if (r->on != 0)
		on &= r->on;
	return on;
}

/* A record refused: reported with its place, the run goes on. */
static void refuse(struct route *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
refuse(struct route *r, const char *fmt, ...)
{
	char name[256];
	va_list ap;

	cmd_name(r->file, name, sizeof(name));
	fprintf(stderr, "%s: %s:%ld: ", progname, name, r->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	r->status = EX_DATAERR_;
	r->refused = 1;
}

/* A reference from the input, fit for a message (static buffer). */
static const char *
esc_ref(const char *s)
{
	static char buf[64];

	return csm_escape(s, strlen(s), buf, sizeof(buf));
}

/* One record of the input: rules on its ticket, then printed. */
static void
filter_one(struct route *r, const json_t *rec)
{
	const char *type = json_string_value(json_object_get(rec, "type"));
	const char *op = json_string_value(json_object_get(rec, "op"));
	const char *ref, *id, *upd;
	struct csm_ticket *t = NULL;
	struct csm_err err;
	char key[128];
	unsigned on;
	int64_t tid;
	uint64_t before;
	int rc;

	on = type != NULL ? on_of(r, type, op) : 0;
	if (on == 0) {
		if (!r->changed_only)
			put_record(r, rec);
		return;
	}
	ref = json_string_value(json_object_get(rec, on & (CSM_ON_CREATED |
	    CSM_ON_UPDATED) ? "id" : "ticket"));
	tid = ref != NULL ? csm_ref_parse('T', ref, strlen(ref)) : 0;
	if (tid <= 0) {
		refuse(r, "%s: no ticket id (expected %s, as csm-ingest "
		    "prints it)", type, on & (CSM_ON_CREATED | CSM_ON_UPDATED) ?
		    "\"id\"" : "\"ticket\"");
		return;
	}
	begin(r);
	/* A ticket record is that ticket, merged or not; a message or an
	 * answer belongs where its ticket lives now. */
	rc = csm_ticket_load(r->d, tid, (on & (CSM_ON_CREATED |
	    CSM_ON_UPDATED)) != 0, &t, &err);
	if (rc < 0)
		cmd_die_err(&err);
	if (rc == 0) {
		refuse(r, "ticket %s is not in the store", esc_ref(ref));
		return;
	}
	r->tickets++;
	id = json_string_value(json_object_get(rec, "id"));
	/* The change the record tells of names the firing: read again, it
	 * fires nothing again (the ticket's own updated_at may since be a
	 * rule's change). */
	upd = json_string_value(json_object_get(rec, "updated_at"));
	if (on & (CSM_ON_MESSAGE | CSM_ON_SURVEY))
		snprintf(key, sizeof(key), "%s%s%s", id ? id : "-",
		    on == CSM_ON_SURVEY ? ":" : "", on == CSM_ON_SURVEY &&
		    json_string_value(json_object_get(rec, "at")) ?
		    json_string_value(json_object_get(rec, "at")) : "");
	else if (on == CSM_ON_UPDATED && upd != NULL)
		snprintf(key, sizeof(key), "%s", upd);
	before = r->changed;
	run_rules(r, t, on, on & (CSM_ON_MESSAGE | CSM_ON_SURVEY) ? rec : NULL,
	    (on & (CSM_ON_MESSAGE | CSM_ON_SURVEY)) || (on == CSM_ON_UPDATED &&
	    upd != NULL) ? key : NULL);
	if (on & (CSM_ON_CREATED | CSM_ON_UPDATED)) {
		if (!r->changed_only || r->changed != before)
			put_ticket(r, t, op != NULL ? op : "updated");
	} else {
		if (!r->changed_only)
			put_record(r, rec);
		if (r->changed != before)
			put_ticket(r, t, "updated");
	}
	csm_ticket_free(t);
	step(r);
}

static void
filter(struct route *r, const char *path, int fmt)
{
	struct csm_reader *rd;
	struct csm_rec rec;
	struct csm_err err;
	char name[256];
	int rc;

	r->file = path;
	rd = csm_reader_open(path, (enum csm_fmt)fmt, NULL, &err);
	if (rd == NULL) {
		cmd_warn("cannot open %s: %s", cmd_name(path, name,
		    sizeof(name)), err.msg);
		if (r->status == 0)
			r->status = EX_NOINPUT_;
		return;
	}
	for (;;) {
		/* Never wait for input holding the store's write lock: the
		 * csm-ingest before us in the pipe needs it to go on. */
		if (!csm_reader_ready(rd) && r->st != NULL) {
			commit(r);
			csm_store_dryrun_forget(r->st);
		}
		if ((rc = csm_reader_next(rd, &rec, &err)) == 0)
			break;
		r->line = rec.line;
		r->refused = 0;
		if (rc == -2) {
			cmd_warn("%s: %s", cmd_name(path, name, sizeof(name)),
			    err.msg);
			r->status = csm_err_exit(err.code);
			break;
		}
		if (rc == -1)
			refuse(r, "%s", err.msg);
		else {
			filter_one(r, rec.obj);
			json_decref(rec.obj);
		}
		if (r->refused)
			cmd_rejects_add(r->rejects, rd, path, rec.line,
			    rec.raw, rec.rawlen);
	}
	csm_reader_close(rd);
}

/* Store mode: the rules on every ticket where matches. */
static void
sweep(struct route *r, const struct csm_expr *where)
{
	struct csm_ticket_query q = {0, 0, 0, where};
	struct csm_ticket_iter *it;
	struct csm_ticket *t;
	struct csm_err err;
	unsigned on = r->on != 0 ? r->on : CSM_ON_TIME, bit;
	uint64_t before;
	int rc;

	begin(r);
	if ((it = csm_ticket_iter_new(r->d, &q, &err)) == NULL)
		cmd_die_err(&err);
	while ((rc = csm_ticket_iter_next(it, &t, &err)) > 0) {
		r->tickets++;
		before = r->changed;
		for (bit = CSM_ON_CREATED; bit <= CSM_ON_TIME; bit <<= 1)
			if (on & bit & ~(CSM_ON_MESSAGE | CSM_ON_SURVEY))
				run_rules(r, t, bit, NULL, NULL);
		if (r->changed != before || r->verbose)
			put_ticket(r, t, r->changed != before ? "updated" :
			    "unchanged");
		/* A commit between tickets: the iteration reads on.  A dry
		 * run commits nothing, but its output need not wait. */
		r->in_batch++;
		if (r->in_batch >= r->batch || time(NULL) - r->txn_start >=
		    1) {
			if (r->dry_run) {
				flush_out(r);
				r->in_batch = 0;
				r->txn_start = time(NULL);
			} else {
				commit(r);
				begin(r);
			}
		}
	}
	if (rc < 0)
		cmd_die_err(&err);
	csm_ticket_iter_free(it);
}

/* --on created,updated,... */
static unsigned
parse_on(const char *s)
{
	static const char *const names[] = {
		"created", "updated", "message", "survey", "time"
	};
	unsigned on = 0;
	size_t i, len;

	while (*s != '\0') {
		len = strcspn(s, ",");
		for (i = 0; i < 5; i++)
			if (strlen(names[i]) == len &&
			    strncmp(s, names[i], len) == 0)
				break;
		if (i == 5)
			cmd_usage_error("--on: expected created, updated, "
			    "message, survey or time, got '%.*s'", (int)len,
			    s);
		on |= 1u << i;
		s += len;
		if (*s == ',')
			s++;
	}
	if (on == 0)
		cmd_usage_error("--on: expected a list of kinds");
	return on;
}

int
main(int argc, char **argv)
{
	const char *db = NULL, *config = NULL, *where_src = NULL;
	const char *rejects = NULL;
	const char *color = NULL, *now_text = NULL, *by = "csm-route";
	int fmt = CSM_FMT_AUTO, out_fmt = -1, ch, check = 0, all = 0, i;
	int nstdin = 0;
	struct route r;
	struct csm_conf *conf;
	struct csm_model *model;
	struct csm_expr *where = NULL;
	struct csm_err err;
	int64_t now;
	size_t k;

	cmd_init("csm-route");
	cmd_argv0(argv);
	memset(&r, 0, sizeof(r));
	r.batch = 1000;
	while ((ch = getopt_long(argc, argv, "c:f:w:nqvr:o:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_DB:
			db = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'f':
			fmt = cmd_in_format(optarg);
			break;
		case 'w':
			where_src = optarg;
			break;
		case OPT_ALL:
			all = 1;
			break;
		case OPT_ON:
			r.on = parse_on(optarg);
			break;
		case OPT_CHANGED:
			r.changed_only = 1;
			break;
		case 'n':
			r.dry_run = 1;
			break;
		case OPT_EXPLAIN:
			r.explain = 1;
			break;
		case OPT_BY:
			if (optarg[0] == '\0')
				cmd_usage_error("--by: expected a name");
			by = optarg;
			break;
		case 'r':
			rejects = optarg;
			break;
		case 'q':
			r.quiet = 1;
			break;
		case 'v':
			r.verbose = 1;
			break;
		case 'o':
			out_fmt = cmd_out_format(optarg);
			break;
		case OPT_BATCH:
			r.batch = cmd_batch_arg(optarg);
			break;
		case OPT_NOW:
			now_text = optarg;
			break;
		case OPT_COLOR:
			color = cmd_color_arg(optarg);
			break;
		case OPT_CHECK:
			check = 1;
			break;
		case 'h':
			cmd_help(usage_text);
		case 'V':
			cmd_version();
		case OPT_LIST:
			cmd_list_options(longopts);
		default:
			fprintf(stderr, "Try '%s --help'.\n", progname);
			return EX_USAGE_;
		}
	}
	argc -= optind;
	argv += optind;
	if (where_src != NULL && all)
		cmd_usage_error("--where and --all: one or the other");
	if ((where_src != NULL || all) && argc > 0)
		cmd_usage_error("--where and --all read the store, not files");
	if ((where_src != NULL || all) && (r.on & (CSM_ON_MESSAGE |
	    CSM_ON_SURVEY)))
		cmd_usage_error("--on message and survey: only when reading "
		    "records (their rules see the message or the answer)");
	if ((where_src != NULL || all) && rejects != NULL)
		cmd_usage_error("--rejects: only when reading records, not "
		    "with --where or --all");
	for (i = 0; i < argc; i++)
		nstdin += strcmp(argv[i], "-") == 0;
	if (nstdin > 1)
		cmd_usage_error("stdin ('-') given more than once");

	conf = cmd_config(config);
	model = cmd_model(conf);
	r.rules = csm_rules_new(conf, model, &err);
	if (r.rules == NULL)
		cmd_die_err(&err);
	if (check) {
		for (k = 0; csm_rules_warning(r.rules, k) != NULL; k++)
			cmd_warn("warning: %s", csm_rules_warning(r.rules, k));
		csm_rules_free(r.rules);
		csm_model_free(model);
		csm_conf_free(conf);
		return 0;
	}
	if (where_src != NULL && (where = csm_expr_parse(where_src,
	    &err)) == NULL)
		cmd_usage_error("--where: column %ld: %s", err.col, err.msg);
	now = (int64_t)time(NULL);
	if (now_text != NULL)
		cmd_now_arg(now_text, csm_model_tz(model), &now);
	if (out_fmt == -1)
		out_fmt = isatty(STDOUT_FILENO) ? CSM_FMT_TABLE : CSM_FMT_JSONL;
	r.w = csm_writer_new(stdout, (enum csm_fmt)out_fmt,
	    out_fmt == CSM_FMT_TABLE ? table_cols : cmd_record_cols,
	    cmd_color(color, STDOUT_FILENO) && out_fmt == CSM_FMT_TABLE ?
	    CSM_W_COLOR : 0);
	if (r.w == NULL)
		cmd_die(EX_SOFTWARE_, "out of memory");

	if (rejects != NULL)
		r.rejects = cmd_rejects_open(rejects, argv, argc);
	r.db = db;
	r.by = by;
	r.now = now;
	r.model = model;
	if (where != NULL || all)
		sweep(&r, where);
	else if (argc == 0)
		filter(&r, "-", fmt);
	else
		for (i = 0; i < argc; i++)
			filter(&r, argv[i], fmt);
	commit(&r);
	if (csm_writer_finish(r.w, NULL, &err) < 0 && errno != EPIPE)
		cmd_die(EX_IOERR_, "%s", err.msg);

	csm_writer_free(r.w);
	cmd_rejects_close(r.rejects);
	csm_desk_free(r.d);
	if (csm_store_close(r.st, &err) < 0 && r.status == 0)
		r.status = EX_IOERR_;
	free(r.path);
	csm_rules_free(r.rules);
	csm_expr_free(where);
	csm_model_free(model);
	csm_conf_free(conf);
	cmd_close_stdout();
	return r.status;
}
