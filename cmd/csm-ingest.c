/*
 * csm-ingest - take tickets, messages, events, customers, orders and
 * survey answers from files or stdin into the store, resolving customers
 * across channels; print a JSONL line per record created or changed.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "rejects.h"

static const char usage_text[] =
"usage: csm-ingest [-nqsv] [--db FILE] [-c FILE] [-f FORMAT] [-t TYPE]\n"
"                  [--source NAME] [--by NAME] [-e ENCODING] [-r FILE]\n"
"                  [-w EXPR] [-o FORMAT] [--batch N] [--now TIME] [--stats]\n"
"                  [--check] [FILE ...]\n"
"\n"
"Reads records (JSONL, CSV or TSV) from each FILE, or stdin, into the store\n"
"and prints a line per record created or changed.\n"
"\n"
"  --db FILE             the store (default $CSM_DB, else\n"
"                        $XDG_DATA_HOME/csm/csm.db)\n"
"  -c, --config FILE     configuration (default $CSM_CONFIG, else\n"
"                        $XDG_CONFIG_HOME/csm/csm.conf)\n"
"  -f, --format FORMAT   input format: jsonl, csv or tsv (default: by\n"
"                        extension, else jsonl)\n"
"  -t, --type TYPE       every record is a ticket, message, event,\n"
"                        customer, order or survey\n"
"      --source NAME     channel of records that do not name one\n"
"      --by NAME         who makes the changes, in their events (default\n"
"                        csm-ingest)\n"
"  -e, --encoding ENC    input encoding: utf-8 (default), gbk, gb18030\n"
"  -r, --rejects FILE    write refused records there, as they were read\n"
"  -w, --where EXPR      ingest only the records EXPR matches\n"
"  -n, --dry-run         check and print what would change; write nothing\n"
"  -s, --strict          refuse the whole input at the first bad record\n"
"  -v, --verbose         also print records that did not change\n"
"  -q, --quiet           no progress, no --stats summary\n"
"  -o, --output FORMAT   jsonl, csv, tsv or table (default: table on a\n"
"                        terminal, else jsonl)\n"
"      --bom             CSV output: start with a UTF-8 byte order mark\n"
"      --crlf            CSV output: end lines with CR LF\n"
"      --excel-safe      CSV output: ' before = + - @ tab CR (numbers stay)\n"
"      --batch N         records per transaction (default 20000)\n"
"      --now TIME        the time of records that carry none\n"
"      --stats           print a summary on stderr at the end\n"
"      --[no-]progress   progress on stderr (default: if a terminal)\n"
"      --color WHEN      auto, always or never\n"
"      --check           check the configuration and exit\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n";

enum {
	OPT_DB = 256, OPT_SOURCE, OPT_BOM, OPT_CRLF, OPT_EXCEL, OPT_BATCH,
	OPT_NOW, OPT_STATS, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_COLOR,
	OPT_CHECK, OPT_LIST, OPT_BY
};

static const struct option longopts[] = {
	{"db", required_argument, NULL, OPT_DB},
	{"config", required_argument, NULL, 'c'},
	{"format", required_argument, NULL, 'f'},
	{"type", required_argument, NULL, 't'},
	{"source", required_argument, NULL, OPT_SOURCE},
	{"by", required_argument, NULL, OPT_BY},
	{"encoding", required_argument, NULL, 'e'},
	{"rejects", required_argument, NULL, 'r'},
	{"where", required_argument, NULL, 'w'},
	{"dry-run", no_argument, NULL, 'n'},
	{"strict", no_argument, NULL, 's'},
	{"verbose", no_argument, NULL, 'v'},
	{"quiet", no_argument, NULL, 'q'},
	{"output", required_argument, NULL, 'o'},
	{"bom", no_argument, NULL, OPT_BOM},
	{"crlf", no_argument, NULL, OPT_CRLF},
	{"excel-safe", no_argument, NULL, OPT_EXCEL},
	{"batch", required_argument, NULL, OPT_BATCH},
	{"now", required_argument, NULL, OPT_NOW},
	{"stats", no_argument, NULL, OPT_STATS},
	{"progress", no_argument, NULL, OPT_PROGRESS},
	{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
	{"color", required_argument, NULL, OPT_COLOR},
	{"check", no_argument, NULL, OPT_CHECK},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{"list-options", no_argument, NULL, OPT_LIST},
	{NULL, 0, NULL, 0}
};

static const char *const table_cols[] = {
	"op", "type", "id", "ticket", "customer", "status", "priority",
	"subject", NULL
};

struct ctx {
	struct cmd_rejects *rejects;
	const char	*rejects_path;
	struct csm_reader *r;
	int		 progress;
	int		 shown;		/* progress is on the screen */
	struct timespec	 start;
	const char	*file;
};

static void
on_reject(void *arg, const char *file, long line, const char *msg,
    const char *raw, size_t rawlen)
{
	struct ctx *c = arg;
	char name[256];

	csm_escape(file, strlen(file), name, sizeof(name));
	if (c->shown)
		fputs("\r\033[K", stderr);
	if (line > 0)
		cmd_warn("%s:%ld: %s", name, line, msg);
	else
		cmd_warn("%s: %s", name, msg);
	cmd_rejects_add(c->rejects, c->r, c->file, line, raw, rawlen);
}

static void
on_progress(void *arg, uint64_t done, uint64_t total, uint64_t records)
{
	struct ctx *c = arg;
	struct timespec now;
	char name[128];

	/* As git does: nothing for work that is over within a second. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - c->start.tv_sec < 1)
		return;
	c->shown = 1;
	cmd_name(c->file, name, sizeof(name));
	if (total > 0)
		fprintf(stderr, "\r\033[K%s: %s: %3d%% %llu records", progname,
		    name, (int)(done * 100 / total),
		    (unsigned long long)records);
	else
		fprintf(stderr, "\r\033[K%s: %s: %llu MB, %llu records",
		    progname, name, (unsigned long long)(done >> 20),
		    (unsigned long long)records);
}

static void
print_stats(const struct csm_ingest_stats *s, double secs, int color)
{
	static const char *const cols[] = {
		"kind", "created", "updated", "merged", "unchanged", NULL
	};
	struct csm_writer *w;
	int k, op;

	w = csm_writer_new(stderr, CSM_FMT_TABLE, cols,
	    color ? CSM_W_COLOR : 0);
	if (w == NULL)
		return;
	for (k = 1; k < CSM_NKINDS; k++) {
		uint64_t any = 0;

		for (op = 0; op < 4; op++)
			any += s->ops[k][op];
		if (any == 0)
			continue;
		csm_writer_begin(w);
		csm_writer_str(w, "kind", csm_kind_name(k),
		    strlen(csm_kind_name(k)));
		for (op = 0; op < 4; op++)
			csm_writer_int(w, cols[op + 1], (int64_t)s->ops[k][op]);
		csm_writer_end(w);
	}
	csm_writer_finish(w, NULL, NULL);
	csm_writer_free(w);
	if (s->id_loaded)
		fprintf(stderr, "%s: identities: the table was loaded whole "
		    "after %llu lookups\n", progname,
		    (unsigned long long)s->id_lookups);
	else
		fprintf(stderr, "%s: identities: %llu looked up one by one\n",
		    progname, (unsigned long long)s->id_lookups);
	fprintf(stderr, "%s: %llu records read, %llu rejected, %llu skipped "
	    "in %.2f s (%.0f records/s)\n", progname,
	    (unsigned long long)s->read, (unsigned long long)s->rejected,
	    (unsigned long long)s->skipped, secs,
	    secs > 0 ? (double)s->read / secs : 0.0);
}

/* --source: a channel name as records carry it. */
static void
check_source(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 64)
		cmd_usage_error("--source: expected a channel name such as "
		    "email, wechat or web, got '%s'", s);
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			cmd_usage_error("--source: expected a channel name of "
			    "lowercase letters, digits, '.', '-' and '_', got "
			    "'%s'", s);
}

int
main(int argc, char **argv)
{
	const char *db = NULL, *config = NULL, *encoding = NULL;
	const char *where_src = NULL, *color = NULL, *now_text = NULL;
	int fmt = CSM_FMT_AUTO, out_fmt = -1, ch, quiet = 0, stats = 0;
	int progress = -1, check = 0, status = 0, missing = 0;
	unsigned wflags = 0;
	struct csm_ingest_opts o;
	struct csm_ingest_hooks h;
	struct csm_ingest_stats st;
	struct csm_ingest *ing;
	struct csm_conf *conf;
	struct csm_model *model;
	struct csm_store *store;
	struct csm_writer *w;
	struct csm_expr *where = NULL;
	struct csm_err err;
	struct ctx c;
	struct timespec t0, t1;
	FILE *out;
	char *path, name[256];
	int i, nfiles, rc, unreadable = 0;
	static volatile sig_atomic_t stop;

	cmd_init("csm-ingest");
	cmd_argv0(argv);
	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	csm_err_clear(&err);
	while ((ch = getopt_long(argc, argv, "c:f:t:e:r:w:nsvqo:hV", longopts,
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
		case 't':
			o.kind = csm_kind_parse(optarg);
			if (o.kind < 0)
				cmd_usage_error("unknown record type '%s' "
				    "(expected ticket, message, event, "
				    "customer, order or survey)", optarg);
			break;
		case OPT_SOURCE:
			check_source(optarg);
			o.source = optarg;
			break;
		case OPT_BY:
			if (optarg[0] == '\0')
				cmd_usage_error("--by: expected a name");
			o.by = optarg;
			break;
		case 'e':
			encoding = optarg;
			break;
		case 'r':
			c.rejects_path = optarg;
			break;
		case 'w':
			where_src = optarg;
			break;
		case 'n':
			o.dry_run = 1;
			break;
		case 's':
			o.strict = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'o':
			out_fmt = cmd_out_format(optarg);
			break;
		case OPT_BOM:
			wflags |= CSM_W_BOM;
			break;
		case OPT_CRLF:
			wflags |= CSM_W_CRLF;
			break;
		case OPT_EXCEL:
			wflags |= CSM_W_EXCEL_SAFE;
			break;
		case OPT_BATCH:
			o.batch = cmd_batch_arg(optarg);
			break;
		case OPT_NOW:
			now_text = optarg;
			break;
		case OPT_STATS:
			stats = 1;
			break;
		case OPT_PROGRESS:
			progress = 1;
			break;
		case OPT_NO_PROGRESS:
			progress = 0;
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
	for (i = 0, nfiles = 0; i < argc; i++)
		nfiles += strcmp(argv[i], "-") == 0;
	if (nfiles > 1)
		cmd_usage_error("stdin ('-') given more than once");

	conf = cmd_config(config);
	model = cmd_model(conf);
	if (check) {
		csm_model_free(model);
		csm_conf_free(conf);
		return 0;
	}
	if (where_src != NULL) {
		where = csm_expr_parse(where_src, &err);
		if (where == NULL)
			cmd_usage_error("--where: column %ld: %s", err.col,
			    err.msg);
	}
	o.now = (int64_t)time(NULL);
	if (now_text != NULL)
		cmd_now_arg(now_text, csm_model_tz(model), &o.now);
	o.where = where;
	o.keep_raw = c.rejects_path != NULL;
	if (o.verbose && out_fmt == -1 && !isatty(STDOUT_FILENO))
		out_fmt = CSM_FMT_JSONL;
	if (out_fmt == -1)
		out_fmt = isatty(STDOUT_FILENO) ? CSM_FMT_TABLE : CSM_FMT_JSONL;
	cmd_check_csv_flags(out_fmt, wflags);
	if (cmd_color(color, STDOUT_FILENO) && out_fmt == CSM_FMT_TABLE)
		wflags |= CSM_W_COLOR;

	/* Open everything that can fail before touching the store. */
	if (c.rejects_path != NULL)
		c.rejects = cmd_rejects_open(c.rejects_path, argv, argc);
	path = csm_store_path(db, &err);
	if (path == NULL)
		cmd_die_err(&err);
	if (o.dry_run && access(path, F_OK) < 0)
		store = csm_store_open(path, CSM_STORE_MEMORY, cmd_busy_ms(),
		    &err);
	else
		store = csm_store_open(path, o.dry_run ? CSM_STORE_DRYRUN : 0,
		    cmd_busy_ms(), &err);
	if (store == NULL) {
		char p[256];

		/* Freed before exit, so that LeakSanitizer never sees it. */
		cmd_name(path, p, sizeof(p));
		free(path);
		cmd_die(csm_err_exit(err.code), "%s: %s", p, err.msg);
	}
	/* Strict and dry runs decide at the end: hold output in a file. */
	out = stdout;
	if (o.strict || o.dry_run) {
		out = tmpfile();
		if (out == NULL)
			cmd_die(EX_CANTCREAT_, "cannot create a temporary "
			    "file: %s", strerror(errno));
	}
	w = csm_writer_new(out, (enum csm_fmt)out_fmt,
	    out_fmt == CSM_FMT_TABLE ? table_cols : cmd_record_cols, wflags);
	if (w == NULL)
		cmd_die(EX_SOFTWARE_, "out of memory");
	c.progress = cmd_progress(progress, quiet);
	memset(&h, 0, sizeof(h));
	h.reject = on_reject;
	h.warn = cmd_expr_warn;
	h.progress = c.progress ? on_progress : NULL;
	h.arg = &c;
	cmd_catch_stop(&stop);
	o.stop = &stop;
	ing = csm_ingest_new(store, model, w, &o, &h, &err);
	if (ing == NULL)
		cmd_die_err(&err);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	c.start = t0;
	if (argc == 0) {
		static char stdin_name[] = "-";
		static char *dash[] = {stdin_name, NULL};

		argv = dash;
		argc = 1;
	}
	for (i = 0; i < argc && status == 0 && !stop; i++) {
		c.file = argv[i];
		c.r = csm_reader_open(argv[i], (enum csm_fmt)fmt, encoding,
		    &err);
		if (c.r == NULL) {
			if (err.code == CSM_EUSAGE)
				cmd_usage_error("%s", err.msg);
			cmd_warn("cannot open %s: %s", cmd_name(argv[i], name,
			    sizeof(name)), err.msg);
			missing = 1;
			continue;
		}
		rc = csm_ingest_read(ing, c.r, &err);
		if (rc == -2) {
			/* Like cut(1): say so, go on, fail at the end. */
			if (err.line > 0)
				cmd_warn("%s:%ld: %s", cmd_name(argv[i], name,
				    sizeof(name)), err.line, err.msg);
			else
				cmd_warn("%s: %s", cmd_name(argv[i], name,
				    sizeof(name)), err.msg);
			unreadable = csm_err_exit(err.code);
		} else if (rc < 0) {
			csm_ingest_stats(ing, &st);
			if (st.epipe)
				status = -1;
			else if (err.code == CSM_EDATA) {
				/* A refused record was reported already; an
				 * input that could not be read was not. */
				if (st.rejected == 0)
					cmd_warn("%s:%ld: %s", cmd_name(argv[i],
					    name, sizeof(name)), err.line,
					    err.msg);
				status = EX_DATAERR_;
			}
			else {
				cmd_warn("%s: %s", cmd_name(argv[i], name,
				    sizeof(name)), err.msg);
				status = csm_err_exit(err.code);
			}
		}
		csm_reader_close(c.r);
		c.r = NULL;
	}
	/* Stopped by a signal: what is whole is committed, unless --strict
	 * wants all or nothing. */
	if (stop && o.strict && status == 0) {
		cmd_warn("--strict: stopped by a signal; nothing was stored");
		status = -2;
	}
	if (status == 0 && csm_ingest_end(ing, &err) < 0) {
		csm_ingest_stats(ing, &st);
		if (!st.epipe) {
			cmd_warn("%s", err.msg);
			status = csm_err_exit(err.code);
		} else
			status = -1;
	}
	if (c.shown)
		fputs("\r\033[K", stderr);
	csm_ingest_stats(ing, &st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (status == 0 && csm_writer_finish(w, NULL, &err) < 0 &&
	    errno != EPIPE)
		cmd_die(EX_IOERR_, "%s", err.msg);
	if (out != stdout && status == 0 && cmd_copy(out, stdout) < 0 &&
	    errno != EPIPE)
		cmd_die(EX_IOERR_, "write error: %s", strerror(errno));
	if (o.strict && status == EX_DATAERR_)
		cmd_warn("--strict: nothing was stored");
	if (stats && !quiet)
		print_stats(&st, (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		    cmd_color(color, STDERR_FILENO));
	csm_ingest_free(ing);
	csm_writer_free(w);
	if (out != stdout)
		fclose(out);
	if (csm_store_close(store, &err) < 0 && status == 0)
		status = EX_IOERR_;
	cmd_rejects_close(c.rejects);
	csm_expr_free(where);
	csm_model_free(model);
	csm_conf_free(conf);
	free(path);
	cmd_close_stdout();
	if (stop)
		cmd_die_of_signal(stop);
	if (status == -1)
		return 0;	/* the reader of our output went away */
	if (status != 0)
		return status;
	if (st.rejected > 0)
		return EX_DATAERR_;
	if (unreadable)
		return unreadable;
	return missing ? EX_NOINPUT_ : 0;
}
