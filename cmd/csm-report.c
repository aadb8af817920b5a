/*
 * csm-report - metrics by any field, the 360-degree customer view, a
 * ticket's timeline, raw exports and the HTML dashboard, from the store
 * (read-only).  The work is libcsm's (csm_report_*); this file reads the
 * options and writes the tables in the format asked.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static const char usage_text[] =
"usage: csm-report [-m METRIC,...] [-b FIELD,...] [-w EXPR] [--since TIME]\n"
"                  [--until TIME] [--top N] [--calendar NAME] [-o FORMAT]\n"
"       csm-report customer ID|PHONE|EMAIL|WECHAT\n"
"       csm-report ticket TICKET\n"
"       csm-report export tickets|messages|events|customers [-w EXPR]\n"
"                  [--redact]\n"
"       csm-report dashboard [--since TIME] [--until TIME] [-o html]\n"
"\n"
"Reads the store and reports: metrics by group (the default), one\n"
"customer's 360-degree view, one ticket's timeline, raw rows for BI tools,\n"
"or a dashboard.  Every figure is defined in csm-report(1).\n"
"\n"
"  --db FILE             the store (default $CSM_DB, else\n"
"                        $XDG_DATA_HOME/csm/csm.db)\n"
"  -c, --config FILE     configuration (default $CSM_CONFIG, else\n"
"                        $XDG_CONFIG_HOME/csm/csm.conf)\n"
"  -m, --metrics LIST    created, resolved, reopened, frt, resolution,\n"
"                        first_resolution, fcr, csat, nps, sla, backlog,\n"
"                        workload (default created,frt,resolution,fcr,\n"
"                        csat,nps,sla)\n"
"  -b, --by LIST         group by ticket fields, custom fields,\n"
"                        customer.FIELD, day, week, month (of creation),\n"
"                        resolved_day, resolved_week, resolved_month\n"
"  -w, --where EXPR      only tickets (export: rows) EXPR matches\n"
"      --since TIME      tickets created at or after TIME (default: all)\n"
"      --until TIME      tickets created before TIME (default: now)\n"
"      --top N           the N groups with the most tickets, biggest first\n"
"      --calendar NAME   time metrics in business seconds of [calendar]\n"
"      --fcr-definition D  one-touch (default), at-most-one-reply,\n"
"                        no-reopen or no-follow-up\n"
"      --redact          export: pseudonymous ids, masked phones, e-mails\n"
"      --now TIME        the time taken as now\n"
"  -o, --output FORMAT   table, jsonl, csv, tsv, xlsx or html (default:\n"
"                        table on a terminal, else jsonl)\n"
"      --bom             CSV: a UTF-8 byte order mark first (Excel)\n"
"      --crlf            CSV: \\r\\n line ends\n"
"      --excel-safe      CSV: ' before fields starting = + - @\n"
"      --color WHEN      auto, always or never\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n";

enum {
	OPT_DB = 256, OPT_SINCE, OPT_UNTIL, OPT_TOP, OPT_CALENDAR, OPT_FCR,
	OPT_REDACT, OPT_NOW, OPT_BOM, OPT_CRLF, OPT_EXCEL, OPT_COLOR,
	OPT_LIST
};

static const struct option longopts[] = {
	{"db", required_argument, NULL, OPT_DB},
	{"config", required_argument, NULL, 'c'},
	{"metrics", required_argument, NULL, 'm'},
	{"by", required_argument, NULL, 'b'},
	{"where", required_argument, NULL, 'w'},
	{"since", required_argument, NULL, OPT_SINCE},
	{"until", required_argument, NULL, OPT_UNTIL},
	{"top", required_argument, NULL, OPT_TOP},
	{"calendar", required_argument, NULL, OPT_CALENDAR},
	{"fcr-definition", required_argument, NULL, OPT_FCR},
	{"redact", no_argument, NULL, OPT_REDACT},
	{"now", required_argument, NULL, OPT_NOW},
	{"output", required_argument, NULL, 'o'},
	{"bom", no_argument, NULL, OPT_BOM},
	{"crlf", no_argument, NULL, OPT_CRLF},
	{"excel-safe", no_argument, NULL, OPT_EXCEL},
	{"color", required_argument, NULL, OPT_COLOR},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{"list-options", no_argument, NULL, OPT_LIST},
	{NULL, 0, NULL, 0}
};

enum { C_METRICS, C_CUSTOMER, C_TICKET, C_EXPORT, C_DASHBOARD };
static const char *const commands[] = {
	"", "customer", "ticket", "export", "dashboard", NULL
};

/* Output formats beyond the record writers'. */
enum { OUT_XLSX = 100, OUT_HTML };

struct opts {
	const char	*db, *config, *where, *since, *until, *calendar;
	const char	*now, *color;
	int		 cmd, out, redact;
	unsigned	 wflags;
	struct csm_report_query q;
};

static int
command(const char *s)
{
	int i;

	for (i = 1; commands[i] != NULL; i++)
		if (strcmp(s, commands[i]) == 0)
			return i;
	return 0;
}

static int
out_format(const char *arg)
{
	if (strcmp(arg, "xlsx") == 0)
		return OUT_XLSX;
	if (strcmp(arg, "html") == 0)
		return OUT_HTML;
	if (strcmp(arg, "table") != 0 && strcmp(arg, "jsonl") != 0 &&
	    strcmp(arg, "json") != 0 && strcmp(arg, "ndjson") != 0 &&
	    strcmp(arg, "csv") != 0 && strcmp(arg, "tsv") != 0)
		cmd_usage_error("-o: unknown format '%s' (expected table, "
		    "jsonl, csv, tsv, xlsx or html)", arg);
	return cmd_out_format(arg);
}

static long
top_arg(const char *arg)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || n <= 0)
		cmd_usage_error("--top: expected a positive number, got '%s'",
		    arg);
	return n;
}

static void
parse(int argc, char **argv, struct opts *o)
{
	int ch;

	while ((ch = getopt_long(argc, argv, "c:m:b:w:o:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_DB:
			o->db = optarg;
			break;
		case 'c':
			o->config = optarg;
			break;
		case 'm':
			if (o->q.metrics != NULL)
				cmd_usage_error("-m: given twice (list the "
				    "metrics with commas: -m frt,csat)");
			o->q.metrics = optarg;
			break;
		case 'b':
			if (o->q.by != NULL)
				cmd_usage_error("--by: given twice (list the "
				    "fields with commas: --by category,month)");
			o->q.by = optarg;
			break;
		case 'w':
			o->where = optarg;
			break;
		case OPT_SINCE:
			o->since = optarg;
			break;
		case OPT_UNTIL:
			o->until = optarg;
			break;
		case OPT_TOP:
			o->q.top = top_arg(optarg);
			break;
		case OPT_CALENDAR:
			o->calendar = optarg;
			break;
		case OPT_FCR:
			o->q.fcr = optarg;
			break;
		case OPT_REDACT:
			o->redact = 1;
			break;
		case OPT_NOW:
			o->now = optarg;
			break;
		case 'o':
			o->out = out_format(optarg);
			break;
		case OPT_BOM:
			o->wflags |= CSM_W_BOM;
			break;
		case OPT_CRLF:
			o->wflags |= CSM_W_CRLF;
			break;
		case OPT_EXCEL:
			o->wflags |= CSM_W_EXCEL_SAFE;
			break;
		case OPT_COLOR:
			o->color = cmd_color_arg(optarg);
			break;
		case 'h':
			cmd_help(usage_text);
		case 'V':
			cmd_version();
		case OPT_LIST:
			cmd_list_options(longopts);
		default:
			fprintf(stderr, "Try '%s --help'.\n", progname);
			exit(EX_USAGE_);
		}
	}
}

/* What each command takes: a usage error for what it does not. */
static void
check_args(const struct opts *o, int argc, const char *first)
{
	const char *name = commands[o->cmd];
	int grouped = o->cmd == C_METRICS;

	if ((o->cmd == C_CUSTOMER || o->cmd == C_TICKET ||
	    o->cmd == C_EXPORT) && argc != 1)
		cmd_usage_error("%s: expected one %s", name, o->cmd ==
		    C_CUSTOMER ? "customer (id, phone, e-mail or WeChat id)" :
		    o->cmd == C_TICKET ? "ticket id" : "table: tickets, "
		    "messages, events or customers");
	if (o->cmd == C_METRICS && argc > 0)
		cmd_usage_error("unknown command '%s' (expected customer, "
		    "ticket, export or dashboard)", first);
	if (o->cmd == C_DASHBOARD && argc > 0)
		cmd_usage_error("dashboard: takes no operand");
	if (!grouped && (o->q.metrics != NULL || o->q.by != NULL ||
	    o->q.top != 0 || o->q.fcr != NULL))
		cmd_usage_error("%s: -m, --by, --top and --fcr-definition "
		    "are for the metrics report", name);
	if (o->where != NULL && !grouped && o->cmd != C_EXPORT)
		cmd_usage_error("%s: --where is for the metrics report and "
		    "export", name);
	if (o->calendar != NULL && !grouped && o->cmd != C_DASHBOARD)
		cmd_usage_error("%s: --calendar is for the metrics report "
		    "and the dashboard", name);
	if ((o->since != NULL || o->until != NULL) && !grouped &&
	    o->cmd != C_DASHBOARD)
		cmd_usage_error("%s: --since and --until are for the metrics "
		    "report and the dashboard", name);
	if (o->redact && o->cmd != C_EXPORT)
		cmd_usage_error("--redact: only with export");
	if (o->out == OUT_HTML && o->cmd != C_DASHBOARD)
		cmd_usage_error("-o html: only with dashboard (try 'csm-report "
		    "dashboard -o html')");
	if (o->cmd == C_DASHBOARD && o->out != OUT_HTML && o->out !=
	    CSM_FMT_JSONL && o->out != -1)
		cmd_usage_error("dashboard: -o html or jsonl");
	if (o->out == OUT_XLSX && o->cmd == C_EXPORT)
		cmd_usage_error("export: -o jsonl, csv or tsv (an export is "
		    "too big for a sheet)");
	cmd_check_csv_flags(o->out >= OUT_XLSX ? CSM_FMT_JSONL : o->out,
	    o->wflags);
}

/* A time option in tz, into *t. */
static void
time_arg(const char *name, const char *arg, const struct csm_tz *tz,
    int64_t *t)
{
	struct csm_err err;

	if (csm_time_parse(arg, strlen(arg), tz, t, &err) < 0 ||
	    !csm_time_check(*t, &err))
		cmd_usage_error("%s: %s", name, err.msg);
}

struct tool {
	struct opts		 o;
	struct csm_conf		*conf;
	struct csm_model	*model;
	struct csm_cal		*cal;
	struct csm_expr		*where;
	struct csm_store	*st;
	struct csm_desk		*d;
	char			*path;
	int64_t			 now;
};

static void
open_store(struct tool *t)
{
	struct csm_err err;
	char name[256];

	if ((t->path = csm_store_path(t->o.db, &err)) == NULL)
		cmd_die_err(&err);
	if (access(t->path, F_OK) != 0)
		cmd_die(EX_NOINPUT_, "no store at '%s'", cmd_name(t->path,
		    name, sizeof(name)));
	t->st = csm_store_open(t->path, CSM_STORE_READONLY, cmd_busy_ms(),
	    &err);
	if (t->st == NULL)
		cmd_die(csm_err_exit(err.code), "%s: %s", cmd_name(t->path,
		    name, sizeof(name)), err.msg);
	if ((t->d = csm_desk_new(t->st, t->model, "csm-report", t->now,
	    &err)) == NULL)
		cmd_die_err(&err);
}

static void
setup(struct tool *t)
{
	const struct csm_tz *tz;
	struct csm_err err;

	t->conf = cmd_config(t->o.config);
	t->model = cmd_model(t->conf);
	tz = csm_model_tz(t->model);
	t->now = (int64_t)time(NULL);
	if (t->o.now != NULL)
		cmd_now_arg(t->o.now, tz, &t->now);
	t->o.q.since = INT64_MIN;
	t->o.q.until = t->now;
	if (t->o.since != NULL)
		time_arg("--since", t->o.since, tz, &t->o.q.since);
	if (t->o.until != NULL)
		time_arg("--until", t->o.until, tz, &t->o.q.until);
	if (t->o.q.since >= t->o.q.until)
		cmd_usage_error("--since: the window is empty (--since must "
		    "come before --until)");
	if (t->o.calendar != NULL && (t->cal = csm_cal_new(t->conf,
	    t->o.calendar, &err)) == NULL)
		cmd_die_err(&err);
	t->o.q.cal = t->cal;
	if (t->o.where != NULL && (t->where = csm_expr_parse(t->o.where,
	    &err)) == NULL)
		cmd_usage_error("--where: column %ld: %s", err.col, err.msg);
	t->o.q.where = t->where;
	open_store(t);
}

/* A value for a table on a terminal: durations and percentages as a
 * person reads them. */
static void
cell_text(const json_t *v, const char *type, char *buf, size_t n)
{
	if (json_is_null(v)) {
		snprintf(buf, n, "-");
	} else if (strcmp(type, "seconds") == 0 && json_is_integer(v)) {
		json_int_t s = json_integer_value(v);

		if (s < 60 && s > -60)
			snprintf(buf, n, "%llds", (long long)s);
		else if (s < 3600 && s > -3600)
			snprintf(buf, n, "%lldm%02llds", (long long)(s / 60),
			    (long long)llabs(s % 60));
		else if (s < 86400 && s > -86400)
			snprintf(buf, n, "%lldh%02lldm", (long long)(s / 3600),
			    (long long)llabs(s % 3600 / 60));
		else
			snprintf(buf, n, "%lldd%02lldh", (long long)(s /
			    86400), (long long)llabs(s % 86400 / 3600));
	} else if (strcmp(type, "percent") == 0 && json_is_number(v)) {
		snprintf(buf, n, "%.1f%%", json_number_value(v));
	} else
		buf[0] = '\0';
}

/* Writes one table: its rows under its columns; in JSONL each row an
 * object (with "type": kind first when kind is not NULL). */
static void
write_table(const json_t *tab, const char *kind, int fmt, unsigned wflags)
{
	const json_t *cols = json_object_get(tab, "columns");
	const json_t *rows = json_object_get(tab, "rows"), *row;
	size_t ncol = json_array_size(cols), i, j;
	const char **names = calloc(ncol + 2, sizeof(*names));
	struct csm_writer *w;
	struct csm_err err;
	char buf[64];
	int eno = 0;

	if (names == NULL)
		cmd_die(EX_SOFTWARE_, "out of memory");
	for (i = 0; i < ncol; i++)
		names[i] = json_string_value(json_object_get(
		    json_array_get(cols, i), "name"));
	if ((w = csm_writer_new(stdout, (enum csm_fmt)fmt, names, wflags)) ==
	    NULL)
		cmd_die(EX_SOFTWARE_, "out of memory");
	json_array_foreach(rows, i, row) {
		csm_writer_begin(w);
		if (kind != NULL && fmt == CSM_FMT_JSONL)
			csm_writer_str(w, "type", kind, strlen(kind));
		for (j = 0; j < ncol; j++) {
			const json_t *v = json_array_get(row, j);
			const char *type = json_string_value(json_object_get(
			    json_array_get(cols, j), "type"));

			cell_text(v, type, buf, sizeof(buf));
			if (fmt == CSM_FMT_TABLE && buf[0] != '\0')
				csm_writer_str(w, names[j], buf, strlen(buf));
			else if (!json_is_null(v) || fmt == CSM_FMT_JSONL)
				csm_writer_json(w, names[j], v);
		}
		csm_writer_end(w);
		if (csm_writer_flush(w, &eno, &err) < 0)
			break;
	}
	if (eno == 0)
		csm_writer_finish(w, &eno, &err);
	if (eno != 0 && eno != EPIPE)
		cmd_die(EX_IOERR_, "%s", err.msg);
	csm_writer_free(w);
	free(names);
	if (eno == EPIPE)
		exit(0);
}

/* Writes a workbook of the named tables (views: one sheet each). */
static void
write_xlsx(const json_t *sheets)
{
	struct csm_err err;
	json_t *book = json_pack("{s:O}", "sheets", sheets);

	if (book == NULL)
		cmd_die(EX_SOFTWARE_, "out of memory");
	if (isatty(STDOUT_FILENO))
		cmd_die(EX_USAGE_, "-o xlsx: will not write a workbook to a "
		    "terminal (redirect it to a file)");
	if (csm_xlsx_write(stdout, book, &err) < 0)
		cmd_die_err(&err);
	json_decref(book);
}

/* Writes named tables [{"name", "columns", "rows"}, ...] in o's format:
 * one after another, a title line over each on a terminal. */
static void
write_sheets(const struct opts *o, const json_t *sheets, int named)
{
	const json_t *s;
	size_t i;

	if (o->out == OUT_XLSX) {
		write_xlsx(sheets);
		return;
	}
	json_array_foreach(sheets, i, s) {
		const char *name = json_string_value(json_object_get(s,
		    "name"));

		if (o->out == CSM_FMT_TABLE && named) {
			printf("%s%s\n", i > 0 ? "\n" : "", name);
		} else if (i > 0 && o->out != CSM_FMT_JSONL)
			putchar('\n');
		write_table(s, named ? name : NULL, o->out, o->wflags |
		    (o->out == CSM_FMT_TABLE && cmd_color(o->color,
		    STDOUT_FILENO) ? CSM_W_COLOR : 0));
	}
}

static void
run_metrics(struct tool *t)
{
	struct csm_err err;
	json_t *tab = csm_report_metrics(t->d, &t->o.q, &err), *sheets;

	if (tab == NULL)
		cmd_die_err(&err);
	json_object_set_new(tab, "name", json_string("report"));
	if ((sheets = json_pack("[o]", tab)) == NULL)
		cmd_die(EX_SOFTWARE_, "out of memory");
	write_sheets(&t->o, sheets, 0);
	json_decref(sheets);
}

static void
run_view(struct tool *t, const char *arg)
{
	struct csm_err err;
	json_t *sheets = t->o.cmd == C_CUSTOMER ?
	    csm_report_customer(t->d, arg, &err) :
	    csm_report_ticket(t->d, arg, &err);

	if (sheets == NULL)
		cmd_die_err(&err);
	write_sheets(&t->o, sheets, 1);
	json_decref(sheets);
}

static void
run_export(struct tool *t, const char *table)
{
	struct csm_redactor *red = NULL;
	struct csm_writer *w;
	struct csm_err err;
	int kind, eno = 0, rc;

	if ((kind = csm_report_export_kind(table)) < 0)
		cmd_usage_error("export: unknown table '%s' (expected "
		    "tickets, messages, events or customers)", table);
	if (t->o.redact && (red = csm_redactor_new(&err)) == NULL)
		cmd_die_err(&err);
	if ((w = csm_writer_new(stdout, (enum csm_fmt)t->o.out,
	    cmd_record_cols, t->o.wflags)) == NULL)
		cmd_die(EX_SOFTWARE_, "out of memory");
	rc = csm_report_export(t->d, kind, t->where, red, w, &eno, &err);
	if (rc == 0 && csm_writer_finish(w, &eno, &err) < 0 && eno != EPIPE)
		cmd_die(EX_IOERR_, "%s", err.msg);
	if (rc < 0 && eno != EPIPE)
		cmd_die_err(&err);
	csm_writer_free(w);
	csm_redactor_free(red);
}

static void
run_dashboard(struct tool *t)
{
	struct csm_err err;
	json_t *dash = csm_report_dashboard(t->d, &t->o.q, &err);

	if (dash == NULL)
		cmd_die_err(&err);
	if (t->o.out == OUT_HTML) {
		if (csm_report_html(stdout, dash, &err) < 0)
			cmd_die_err(&err);
	} else if (json_dumpf(dash, stdout, JSON_COMPACT |
	    JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)) < 0 ||
	    putchar('\n') == EOF)
		cmd_die(EX_IOERR_, "stdout: %s", strerror(errno));
	json_decref(dash);
}

int
main(int argc, char **argv)
{
	struct tool t;
	struct csm_err err;
	int status = 0;

	cmd_init("csm-report");
	cmd_argv0(argv);
	memset(&t, 0, sizeof(t));
	t.o.out = -1;
	parse(argc, argv, &t.o);
	argc -= optind;
	argv += optind;
	if (argc > 0 && (t.o.cmd = command(argv[0])) > 0) {
		argc--;
		argv++;
	}
	if (t.o.out == -1)
		t.o.out = t.o.cmd == C_DASHBOARD ? OUT_HTML :
		    isatty(STDOUT_FILENO) ? CSM_FMT_TABLE : CSM_FMT_JSONL;
	check_args(&t.o, argc, argc > 0 ? argv[0] : "");
	setup(&t);
	switch (t.o.cmd) {
	case C_CUSTOMER:
	case C_TICKET:
		run_view(&t, argv[0]);
		break;
	case C_EXPORT:
		run_export(&t, argv[0]);
		break;
	case C_DASHBOARD:
		run_dashboard(&t);
		break;
	default:
		run_metrics(&t);
	}
	csm_desk_free(t.d);
	if (csm_store_close(t.st, &err) < 0)
		status = EX_IOERR_;
	free(t.path);
	csm_cal_free(t.cal);
	csm_expr_free(t.where);
	csm_model_free(t.model);
	csm_conf_free(t.conf);
	cmd_close_stdout();
	return status;
}
