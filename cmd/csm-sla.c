/*
 * csm-sla - business calendars and SLA policies: the cron sweep that
 * records each warning, breach and escalation once, the status of the
 * clocks, the arithmetic behind one ticket's, a what-if replay under
 * another configuration, and two calendar filters for analysts (due and
 * elapsed).  As a filter it passes records on, tickets with their SLA
 * state added.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "rejects.h"

static const char usage_text[] =
"usage: csm-sla [-nq] [--db FILE] [-c FILE] [-o FORMAT] [--now TIME]\n"
"               [FILE ...]\n"
"       csm-sla sweep [-nq] [--all] [--batch N] [--by NAME] [--now TIME]\n"
"       csm-sla status [-w EXPR] [--all] [--now TIME]\n"
"       csm-sla explain [--as-of TIME] TICKET\n"
"       csm-sla replay -c OTHER.conf [-w EXPR] [--now TIME]\n"
"       csm-sla due --calendar NAME [-r FILE] [FILE ...]\n"
"       csm-sla elapsed --calendar NAME [-r FILE] [FILE ...]\n"
"       csm-sla --check [-c FILE]\n"
"\n"
"Keeps the promises of the [sla] policies of the configuration: sweep\n"
"records each warning, breach and escalation once and prints it; status\n"
"shows the clocks; explain shows one ticket's arithmetic; replay compares\n"
"the attainment kept with another configuration's.  Without a command,\n"
"passes records through, tickets with their SLA state.\n"
"\n"
"  --db FILE             the store (default $CSM_DB, else\n"
"                        $XDG_DATA_HOME/csm/csm.db)\n"
"  -c, --config FILE     configuration (default $CSM_CONFIG, else\n"
"                        $XDG_CONFIG_HOME/csm/csm.conf)\n"
"  -f, --format FORMAT   input format: jsonl, csv or tsv\n"
"  -w, --where EXPR      only tickets EXPR matches\n"
"      --all             sweep: recompute every ticket; status: closed\n"
"                        tickets too\n"
"  -n, --dry-run         show what would be recorded; write nothing\n"
"      --by NAME         who records the levels (default csm-sla)\n"
"      --calendar NAME   due, elapsed: the [calendar] to count in\n"
"  -r, --rejects FILE    due, elapsed: keep the records refused there\n"
"      --as-of TIME      explain: replay the history up to TIME\n"
"      --now TIME        the time taken as now\n"
"      --batch N         sweep: tickets per transaction (default 1000)\n"
"  -o, --output FORMAT   jsonl, csv, tsv or table (default: table on a\n"
"                        terminal, else jsonl)\n"
"      --color WHEN      auto, always or never\n"
"  -q, --quiet           no summary of the sweep and no warnings on stderr\n"
"      --check           check the configuration and exit\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n";

enum {
	OPT_DB = 256, OPT_ALL, OPT_BY, OPT_CALENDAR, OPT_AS_OF, OPT_NOW,
	OPT_BATCH, OPT_COLOR, OPT_CHECK, OPT_LIST
};

static const struct option longopts[] = {
	{"db", required_argument, NULL, OPT_DB},
	{"config", required_argument, NULL, 'c'},
	{"format", required_argument, NULL, 'f'},
	{"where", required_argument, NULL, 'w'},
	{"all", no_argument, NULL, OPT_ALL},
	{"dry-run", no_argument, NULL, 'n'},
	{"by", required_argument, NULL, OPT_BY},
	{"calendar", required_argument, NULL, OPT_CALENDAR},
	{"rejects", required_argument, NULL, 'r'},
	{"as-of", required_argument, NULL, OPT_AS_OF},
	{"now", required_argument, NULL, OPT_NOW},
	{"batch", required_argument, NULL, OPT_BATCH},
	{"output", required_argument, NULL, 'o'},
	{"color", required_argument, NULL, OPT_COLOR},
	{"quiet", no_argument, NULL, 'q'},
	{"check", no_argument, NULL, OPT_CHECK},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{"list-options", no_argument, NULL, OPT_LIST},
	{NULL, 0, NULL, 0}
};

enum { C_FILTER, C_SWEEP, C_STATUS, C_EXPLAIN, C_REPLAY, C_DUE, C_ELAPSED };
static const char *const commands[] = {
	"", "sweep", "status", "explain", "replay", "due", "elapsed", NULL
};

static const char *const sweep_cols[] = {
	"type", "event", "level", "ticket", "target", "policy", "at", "due",
	"priority", "group", "assignee", "text", NULL
};
static const char *const status_cols[] = {
	"ticket", "target", "policy", "state", "due", "left", "priority",
	"group", "assignee", "subject", NULL
};
static const char *const replay_cols[] = {
	"target", "tickets", "before_met", "before_breached", "before",
	"after_met", "after_breached", "after", "changed", NULL
};

struct sla_tool {
	int			 cmd;
	const char		*db;
	char			*path;
	const struct csm_model	*model;
	struct csm_rules	*rules;
	struct csm_sla		*sla;
	struct csm_store	*st;
	struct csm_desk		*d;
	struct csm_writer	*w;
	int			 out_fmt;
	const char		*by;
	int64_t			 now;
	int			 dry_run;
	int			 quiet;
	int			 all;
	long			 batch;
	const struct csm_expr	*where;
	const struct csm_cal	*cal;		/* due, elapsed */
	struct cmd_rejects	*rejects;
	int			 status;
	int			 in_txn;
	long			 in_batch;
	unsigned		 wflags;
	char			**cols;		/* due, elapsed in CSV, TSV or
						 * a table: the first record's
						 * fields */
};

static void
flush_out(struct sla_tool *s)
{
	struct csm_err err;
	int eno = 0;

	if (s->w == NULL)
		return;
	if (csm_writer_flush(s->w, &eno, &err) < 0) {
		if (eno == EPIPE)
			exit(0);
		cmd_die_err(&err);
	}
}

/* Opens the store: read-only for status, explain and replay. */
static void
open_store(struct sla_tool *s, int readonly)
{
	struct csm_err err;
	char name[256];
	unsigned flags = readonly ? CSM_STORE_READONLY : s->dry_run ?
	    CSM_STORE_DRYRUN : 0;

	if (s->st != NULL)
		return;
	if ((s->path = csm_store_path(s->db, &err)) == NULL)
		cmd_die_err(&err);
	if ((readonly || s->dry_run) && access(s->path, F_OK) != 0)
		cmd_die(EX_NOINPUT_, "no store at '%s'", cmd_name(s->path,
		    name, sizeof(name)));
	s->st = csm_store_open(s->path, flags, cmd_busy_ms(), &err);
	if (s->st == NULL)
		cmd_die(csm_err_exit(err.code), "%s: %s", cmd_name(s->path,
		    name, sizeof(name)), err.msg);
	s->d = csm_desk_new(s->st, s->model, s->by, s->now, &err);
	if (s->d == NULL)
		cmd_die_err(&err);
}

/* The writer of due and elapsed in CSV, TSV or a table: the columns are
 * those of the first record, the field added last. */
static void
calc_writer(struct sla_tool *s, const json_t *rec)
{
	const char *k;
	json_t *v;
	size_t n = 0;

	if ((s->cols = calloc(json_object_size(rec) + 1, sizeof(*s->cols))) ==
	    NULL)
		cmd_die(EX_SOFTWARE_, "out of memory");
	json_object_foreach((json_t *)(uintptr_t)rec, k, v)
		if ((s->cols[n++] = strdup(k)) == NULL)
			cmd_die(EX_SOFTWARE_, "out of memory");
	s->w = csm_writer_new(stdout, (enum csm_fmt)s->out_fmt,
	    (const char *const *)s->cols, s->wflags);
	if (s->w == NULL)
		cmd_die(EX_SOFTWARE_, "out of memory");
}

/* A record for the output: the table and CSV columns take their text. */
static void
put(struct sla_tool *s, const json_t *rec)
{
	const char *k;
	json_t *v;

	if (s->w == NULL)
		calc_writer(s, rec);
	csm_writer_begin(s->w);
	json_object_foreach((json_t *)(uintptr_t)rec, k, v)
		csm_writer_json(s->w, k, v);
	csm_writer_end(s->w);
}

/* Hooks of the library. */

static void
on_fired(void *arg, const json_t *rec)
{
	put(arg, rec);
}

static void
on_refused(void *arg, int64_t ticket, const char *msg)
{
	struct sla_tool *s = arg;
	char esc[512];

	cmd_warn("T-%06lld: actions refused and undone: %s",
	    (long long)ticket, csm_escape_controls(msg, strlen(msg), esc,
	    sizeof(esc)));
	s->status = EX_DATAERR_;
}

static void
on_explain(void *arg, const char *line)
{
	(void)arg;
	printf("%s\n", line);
}

/* sweep: the cron job. */
static void
sweep(struct sla_tool *s)
{
	struct csm_sla_hooks h = {on_fired, on_fired, on_refused, NULL, s};
	struct csm_sla_stats stats;
	struct csm_err err;

	open_store(s, 0);
	if (csm_sla_sweep(s->sla, s->d, s->now, s->all, s->batch, &h, &stats,
	    &err) < 0)
		cmd_die_err(&err);
	if (s->dry_run)
		csm_store_rollback(s->st);
	flush_out(s);
	if (!s->quiet && isatty(STDERR_FILENO))
		cmd_warn("%llu tickets computed%s, %llu levels recorded%s",
		    (unsigned long long)stats.tickets, stats.full ?
		    " (all: first sweep, --all or the policies changed)" : "",
		    (unsigned long long)stats.fired, s->dry_run ?
		    " (dry run: nothing written)" : "");
}

/*
 * Business time left, for a table cell: "2d03h", "5h30m", "45m", "40s",
 * "-" before it when overdue; empty for a clock that was met.
 */
static json_t *
left_text(const char *state, int64_t secs)
{
	char buf[48];
	int64_t a = secs < 0 ? -secs : secs;
	const char *sign = secs < 0 ? "-" : "";

	if (state != NULL && strcmp(state, "met") == 0)
		return json_string("");
	if (a >= 86400)
		snprintf(buf, sizeof(buf), "%s%lldd%02lldh", sign,
		    (long long)(a / 86400), (long long)(a % 86400 / 3600));
	else if (a >= 3600)
		snprintf(buf, sizeof(buf), "%s%lldh%02lldm", sign,
		    (long long)(a / 3600), (long long)(a % 3600 / 60));
	else if (a >= 60)
		snprintf(buf, sizeof(buf), "%s%lldm", sign, (long long)(a / 60));
	else
		snprintf(buf, sizeof(buf), "%s%llds", sign, (long long)a);
	return json_string(buf);
}

/* A clock as a status line. */
static void
status_line(struct sla_tool *s, const json_t *rec, json_t *clock)
{
	static const char *const copy[] = {"priority", "group", "assignee",
		"subject", NULL};
	json_t *o = json_object(), *v;
	const char *k;
	size_t i;

	if (o == NULL)
		cmd_die(EX_SOFTWARE_, "out of memory");
	json_object_set(o, "ticket", json_object_get(rec, "id"));
	json_object_foreach(clock, k, v)
		if (s->out_fmt == CSM_FMT_TABLE && strcmp(k, "left") == 0)
			json_object_set_new(o, k, left_text(json_string_value(
			    json_object_get(clock, "state")),
			    json_integer_value(v)));
		else
			json_object_set(o, k, v);
	for (i = 0; copy[i] != NULL; i++)
		if ((v = json_object_get(rec, copy[i])) != NULL)
			json_object_set(o, copy[i], v);
	put(s, o);
	json_decref(o);
}

/* status: each clock of each open ticket (every ticket with --all). */
static void
status(struct sla_tool *s)
{
	struct csm_ticket_query q = {!s->all, 0, 0, s->where};
	struct csm_ticket_iter *it;
	struct csm_ticket *t;
	struct csm_err err;
	const json_t *rec;
	json_t *clocks;
	size_t i;
	int rc;

	open_store(s, 1);
	if ((it = csm_ticket_iter_new(s->d, &q, &err)) == NULL)
		cmd_die_err(&err);
	while ((rc = csm_ticket_iter_next(it, &t, &err)) > 0) {
		if (csm_sla_ticket(s->sla, s->d, t, s->now, 0, NULL, &clocks,
		    NULL, &err) < 0 || (rec = csm_ticket_record(s->d, t,
		    &err)) == NULL)
			cmd_die_err(&err);
		for (i = 0; i < json_array_size(clocks); i++)
			status_line(s, rec, json_array_get(clocks, i));
		json_decref(clocks);
		if (csm_writer_pending(s->w) > 65536)
			flush_out(s);
	}
	if (rc < 0)
		cmd_die_err(&err);
	csm_ticket_iter_free(it);
}

/* explain TICKET: the arithmetic, as of now or --as-of. */
static void
explain(struct sla_tool *s, const char *ref)
{
	struct csm_sla_hooks h = {NULL, NULL, NULL, on_explain, s};
	struct csm_ticket *t;
	struct csm_err err;
	const json_t *rec;
	char esc[256], when[40];
	int64_t id = csm_ref_parse('T', ref, strlen(ref));
	int rc;

	if (id <= 0)
		cmd_usage_error("explain: '%s' is not a ticket id",
		    csm_escape(ref, strlen(ref), esc, sizeof(esc)));
	open_store(s, 1);
	if ((rc = csm_ticket_load(s->d, id, 0, &t, &err)) < 0)
		cmd_die_err(&err);
	if (rc == 0)
		cmd_die(EX_DATAERR_, "explain: no ticket %s", csm_escape(ref,
		    strlen(ref), esc, sizeof(esc)));
	if ((rec = csm_ticket_record(s->d, t, &err)) == NULL)
		cmd_die_err(&err);
	csm_time_format(s->now, csm_model_tz(s->model), when);
	printf("%s as of %s\n", json_string_value(json_object_get(rec, "id")),
	    when);
	if ((rc = csm_sla_ticket(s->sla, s->d, t, s->now, 0, &h, NULL, NULL,
	    &err)) < 0)
		cmd_die_err(&err);
	if (rc == 0)
		printf("no [sla] policy applies to it\n");
	csm_ticket_free(t);
}

/* replay: the attainment kept in the store against this configuration's. */
struct tally {
	uint64_t	tickets, met[2], breached[2], changed;
};

static void
tally_clock(struct tally *ta, int side, const char *state)
{
	if (state == NULL)
		return;
	if (strcmp(state, "met") == 0)
		ta->met[side]++;
	else if (strcmp(state, "breached") == 0)
		ta->breached[side]++;
}

static json_t *
pct(uint64_t met, uint64_t breached)
{
	char buf[16];

	if (met + breached == 0)
		return json_null();
	snprintf(buf, sizeof(buf), "%.1f%%", 100.0 * (double)met /
	    (double)(met + breached));
	return json_string(buf);
}

static void
replay(struct sla_tool *s)
{
	static const char *const targets[] = {"first_response",
		"next_response", "resolution"};
	struct csm_ticket_query q = {0, 0, 0, s->where};
	struct csm_ticket_iter *it;
	struct csm_ticket *t;
	struct csm_err err;
	struct tally ta[3];
	json_t *before, *after, *o;
	size_t i, j, k;
	int rc;

	memset(ta, 0, sizeof(ta));
	open_store(s, 1);
	if ((it = csm_ticket_iter_new(s->d, &q, &err)) == NULL)
		cmd_die_err(&err);
	while ((rc = csm_ticket_iter_next(it, &t, &err)) > 0) {
		if (csm_sla_kept(s->d, t, &before, &err) < 0 ||
		    csm_sla_ticket(s->sla, s->d, t, s->now, 0, NULL, &after,
		    NULL, &err) < 0)
			cmd_die_err(&err);
		for (k = 0; k < 3; k++) {
			const char *sb = NULL, *sa = NULL;

			for (i = 0; i < json_array_size(before); i++) {
				o = json_array_get(before, i);
				if (strcmp(json_string_value(json_object_get(o,
				    "target")), targets[k]) == 0)
					tally_clock(&ta[k], 0, sb =
					    json_string_value(json_object_get(
					    o, "state")));
			}
			for (j = 0; j < json_array_size(after); j++) {
				o = json_array_get(after, j);
				if (strcmp(json_string_value(json_object_get(o,
				    "target")), targets[k]) == 0)
					tally_clock(&ta[k], 1, sa =
					    json_string_value(json_object_get(
					    o, "state")));
			}
			if (sb != NULL || sa != NULL)
				ta[k].tickets++;
			if ((sb == NULL) != (sa == NULL) || (sb != NULL &&
			    strcmp(sb, sa) != 0))
				ta[k].changed++;
		}
		json_decref(before);
		json_decref(after);
	}
	if (rc < 0)
		cmd_die_err(&err);
	csm_ticket_iter_free(it);
	for (k = 0; k < 3; k++) {
		if (ta[k].tickets == 0)
			continue;
		o = json_pack("{sssIsIsIsosIsIsosI}", "target", targets[k],
		    "tickets", (json_int_t)ta[k].tickets,
		    "before_met", (json_int_t)ta[k].met[0],
		    "before_breached", (json_int_t)ta[k].breached[0],
		    "before", pct(ta[k].met[0], ta[k].breached[0]),
		    "after_met", (json_int_t)ta[k].met[1],
		    "after_breached", (json_int_t)ta[k].breached[1],
		    "after", pct(ta[k].met[1], ta[k].breached[1]),
		    "changed", (json_int_t)ta[k].changed);
		if (o == NULL)
			cmd_die(EX_SOFTWARE_, "out of memory");
		put(s, o);
		json_decref(o);
	}
}

/* Records in: a data error names the input, its line and the field. */
struct input {
	struct sla_tool		*s;
	const char		*path;
	struct csm_reader	*rd;
	long			 line;
	int			 refused;
};

static void refuse(struct input *in, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
refuse(struct input *in, const char *fmt, ...)
{
	char msg[512], name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cmd_warn("%s: line %ld: %s", cmd_name(in->path, name, sizeof(name)),
	    in->line, msg);
	in->refused = 1;
	in->s->status = EX_DATAERR_;
}

/* A time field of rec: 0 and *t, or -1 refused. */
static int
time_field(struct input *in, const json_t *rec, const char *field,
    int64_t *t)
{
	const json_t *v = json_object_get(rec, field);
	struct csm_err err;
	char esc[128];

	if (v == NULL || json_is_null(v)) {
		refuse(in, "field '%s': missing", field);
		return -1;
	}
	if (!json_is_string(v)) {
		refuse(in, "field '%s': not a time: %s", field,
		    csm_escape_json(v, esc, sizeof(esc)));
		return -1;
	}
	if (csm_time_parse(json_string_value(v), json_string_length(v),
	    csm_cal_tz(in->s->cal), t, &err) < 0 || !csm_time_check(*t,
	    &err)) {
		refuse(in, "field '%s': %s", field, err.msg);
		return -1;
	}
	return 0;
}

/* The target of a due record: seconds (an integer) or duration. */
static int
target_field(struct input *in, const json_t *rec, int64_t *secs)
{
	const json_t *n = json_object_get(rec, "seconds");
	const json_t *d = json_object_get(rec, "duration");
	struct csm_err err;
	char esc[128];

	if (n != NULL && d != NULL) {
		refuse(in, "fields 'seconds' and 'duration': give one");
		return -1;
	}
	if (n != NULL) {
		/* A number, or its digits as CSV and TSV give them. */
		const char *p = json_string_value(n), *q;

		if (p != NULL && *p != '\0' && strlen(p) < 16) {
			for (q = p; *q >= '0' && *q <= '9'; q++)
				continue;
			if (*q == '\0') {
				*secs = strtoll(p, NULL, 10);
				return 0;
			}
		}
		if (!json_is_integer(n) || json_integer_value(n) < 0) {
			refuse(in, "field 'seconds': not a number of seconds: "
			    "%s", csm_escape_json(n, esc, sizeof(esc)));
			return -1;
		}
		*secs = json_integer_value(n);
		return 0;
	}
	if (d == NULL) {
		refuse(in, "field 'seconds' or 'duration': missing");
		return -1;
	}
	if (!json_is_string(d) || csm_dur_parse(json_string_value(d),
	    json_string_length(d), secs, &err) < 0 || *secs < 0) {
		refuse(in, "field 'duration': not a duration: %s",
		    csm_escape_json(d, esc, sizeof(esc)));
		return -1;
	}
	return 0;
}

/* due and elapsed: the record with one field added. */
static void
calc_one(struct input *in, json_t *rec)
{
	struct sla_tool *s = in->s;
	int64_t start, end, secs, due;
	char buf[40];

	if (time_field(in, rec, "start", &start) < 0)
		return;
	if (s->cmd == C_DUE) {
		if (target_field(in, rec, &secs) < 0)
			return;
		due = csm_cal_due(s->cal, start, secs);
		if (due == CSM_CAL_NEVER || due > CSM_TIME_MAX) {
			refuse(in, "calendar '%s' is not open long enough "
			    "before 9999 for this target",
			    csm_cal_name(s->cal));
			return;
		}
		csm_time_format(due, csm_cal_tz(s->cal), buf);
		json_object_set_new(rec, "due", json_string(buf));
	} else {
		if (time_field(in, rec, "end", &end) < 0)
			return;
		json_object_set_new(rec, "seconds", json_integer(
		    csm_cal_elapsed(s->cal, start, end)));
	}
	put(s, rec);
}

/* Transactions of the filter: --batch tickets each, never held while
 * waiting for input (the writer before us in the pipe needs the lock). */
static void
commit(struct sla_tool *s)
{
	struct csm_err err;

	if (!s->in_txn)
		return;
	s->in_txn = 0;
	if (s->dry_run)
		csm_store_rollback(s->st);
	else if (csm_store_commit(s->st, &err) < 0)
		cmd_die_err(&err);
	flush_out(s);
}

static void
begin(struct sla_tool *s)
{
	struct csm_err err;

	open_store(s, 0);
	if (s->in_txn)
		return;
	if (csm_store_begin(s->st, &err) < 0)
		cmd_die_err(&err);
	s->in_txn = 1;
	s->in_batch = 0;
}

/* The filter: a ticket record gets "sla", its clocks by target (the
 * latest cycle of next_response), kept in the store; others pass. */
static void
filter_one(struct input *in, json_t *rec)
{
	struct sla_tool *s = in->s;
	const json_t *type = json_object_get(rec, "type");
	const json_t *id = json_object_get(rec, "id");
	struct csm_ticket *t;
	struct csm_err err;
	json_t *clocks, *by, *c;
	int64_t tid;
	size_t i;
	int rc;

	if (!json_is_string(type) || strcmp(json_string_value(type),
	    "ticket") != 0 || !json_is_string(id) || (tid = csm_ref_parse('T',
	    json_string_value(id), json_string_length(id))) <= 0) {
		put(s, rec);
		return;
	}
	begin(s);
	if ((rc = csm_ticket_load(s->d, tid, 1, &t, &err)) < 0)
		cmd_die_err(&err);
	if (rc == 0) {
		refuse(in, "field 'id': no ticket %s in the store",
		    json_string_value(id));
		put(s, rec);
		return;
	}
	if (csm_sla_ticket(s->sla, s->d, t, s->now, CSM_SLA_KEEP, NULL,
	    &clocks, NULL, &err) < 0)
		cmd_die_err(&err);
	csm_ticket_free(t);
	if ((by = json_object()) == NULL)
		cmd_die(EX_SOFTWARE_, "out of memory");
	for (i = 0; i < json_array_size(clocks); i++) {
		c = json_array_get(clocks, i);
		json_object_set(by, json_string_value(json_object_get(c,
		    "target")), c);
		json_object_del(c, "target");
	}
	json_decref(clocks);
	json_object_set_new(rec, "sla", by);
	put(s, rec);
	if (++s->in_batch >= s->batch)
		commit(s);
}

static void
read_input(struct sla_tool *s, const char *path, int fmt)
{
	struct input in = {s, path, NULL, 0, 0};
	struct csm_rec rec;
	struct csm_err err;
	char name[256];
	int rc;

	if ((in.rd = csm_reader_open(path, (enum csm_fmt)fmt, NULL,
	    &err)) == NULL) {
		cmd_warn("cannot open %s: %s", cmd_name(path, name,
		    sizeof(name)), err.msg);
		if (s->status == 0)
			s->status = EX_NOINPUT_;
		return;
	}
	for (;;) {
		if (s->in_txn && !csm_reader_ready(in.rd)) {
			commit(s);
			csm_store_dryrun_forget(s->st);
		}
		if ((rc = csm_reader_next(in.rd, &rec, &err)) == 0)
			break;
		in.line = rec.line;
		in.refused = 0;
		if (rc == -2) {
			cmd_warn("%s: %s", cmd_name(path, name, sizeof(name)),
			    err.msg);
			s->status = csm_err_exit(err.code);
			break;
		}
		if (rc == -1)
			refuse(&in, "%s", err.msg);
		else {
			if (s->cmd == C_FILTER)
				filter_one(&in, rec.obj);
			else
				calc_one(&in, rec.obj);
			json_decref(rec.obj);
		}
		if (in.refused)
			cmd_rejects_add(s->rejects, in.rd, path, rec.line,
			    rec.raw, rec.rawlen);
		if (s->w != NULL && csm_writer_pending(s->w) > 65536 &&
		    !s->in_txn)
			flush_out(s);
	}
	csm_reader_close(in.rd);
}

static int
command(const char *name)
{
	int i;

	for (i = 1; commands[i] != NULL; i++)
		if (strcmp(name, commands[i]) == 0)
			return i;
	return -1;
}

/* --check: the configuration compiles; its warnings are printed. */
static int
check(const struct csm_conf *conf, const struct csm_model *m,
    struct csm_rules *rules)
{
	struct csm_err err;
	struct csm_sla *sla;
	size_t k;

	const struct csm_conf_section *secs;
	struct csm_cal *cal;
	size_t n;

	for (k = 0; csm_rules_warning(rules, k) != NULL; k++)
		cmd_warn("warning: %s", csm_rules_warning(rules, k));
	if ((sla = csm_sla_new(conf, m, rules, &err)) == NULL)
		cmd_die_err(&err);
	for (k = 0; csm_sla_warning(sla, k) != NULL; k++)
		cmd_warn("warning: %s", csm_sla_warning(sla, k));
	csm_sla_free(sla);
	/* Every calendar, those no policy names too (csm-sla due). */
	secs = csm_conf_sections(conf, &n);
	for (k = 0; k < n; k++) {
		if (strcmp(secs[k].section, "calendar") != 0 ||
		    secs[k].name == NULL)
			continue;
		if ((cal = csm_cal_new(conf, secs[k].name, &err)) == NULL)
			cmd_die_err(&err);
		csm_cal_free(cal);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *db = NULL, *config = NULL, *where_src = NULL;
	const char *rejects = NULL, *calendar = NULL, *color = NULL;
	const char *now_text = NULL, *as_of = NULL;
	int fmt = CSM_FMT_AUTO, ch, chk = 0, i, nstdin = 0;
	struct sla_tool s;
	struct csm_conf *conf;
	struct csm_model *model;
	struct csm_expr *where = NULL;
	struct csm_cal *cal = NULL;
	struct csm_err err;
	const char *const *cols;

	cmd_init("csm-sla");
	cmd_argv0(argv);
	memset(&s, 0, sizeof(s));
	s.batch = 1000;
	s.by = "csm-sla";
	s.out_fmt = -1;
	while ((ch = getopt_long(argc, argv, "c:f:w:nr:o:qhV", longopts,
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
			s.all = 1;
			break;
		case 'n':
			s.dry_run = 1;
			break;
		case OPT_BY:
			if (optarg[0] == '\0')
				cmd_usage_error("--by: expected a name");
			s.by = optarg;
			break;
		case OPT_CALENDAR:
			calendar = optarg;
			break;
		case 'r':
			rejects = optarg;
			break;
		case OPT_AS_OF:
			as_of = optarg;
			break;
		case OPT_NOW:
			now_text = optarg;
			break;
		case OPT_BATCH:
			s.batch = cmd_batch_arg(optarg);
			break;
		case 'o':
			s.out_fmt = cmd_out_format(optarg);
			break;
		case OPT_COLOR:
			color = cmd_color_arg(optarg);
			break;
		case 'q':
			s.quiet = 1;
			break;
		case OPT_CHECK:
			chk = 1;
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
	if (argc > 0 && (i = command(argv[0])) > 0) {
		s.cmd = i;
		argc--;
		argv++;
	}
	if (s.cmd == C_EXPLAIN && argc != 1)
		cmd_usage_error("explain: expected one ticket id");
	if (s.cmd != C_EXPLAIN && s.cmd != C_FILTER && s.cmd != C_DUE &&
	    s.cmd != C_ELAPSED && argc > 0)
		cmd_usage_error("%s: reads the store, not files",
		    commands[s.cmd]);
	if ((s.cmd == C_DUE || s.cmd == C_ELAPSED) && calendar == NULL &&
	    !chk)
		cmd_usage_error("%s: --calendar NAME is needed",
		    commands[s.cmd]);
	if (calendar != NULL && s.cmd != C_DUE && s.cmd != C_ELAPSED)
		cmd_usage_error("--calendar: only with due and elapsed");
	if (rejects != NULL && s.cmd != C_DUE && s.cmd != C_ELAPSED &&
	    s.cmd != C_FILTER)
		cmd_usage_error("--rejects: only when reading records");
	if (as_of != NULL && s.cmd != C_EXPLAIN)
		cmd_usage_error("--as-of: only with explain");
	if (where_src != NULL && s.cmd != C_STATUS && s.cmd != C_REPLAY)
		cmd_usage_error("--where: only with status and replay");
	if (s.all && s.cmd != C_SWEEP && s.cmd != C_STATUS)
		cmd_usage_error("--all: only with sweep and status");
	for (i = 0; i < argc; i++)
		nstdin += strcmp(argv[i], "-") == 0;
	if (nstdin > 1)
		cmd_usage_error("stdin ('-') given more than once");

	conf = cmd_config(config);
	model = cmd_model(conf);
	if ((s.rules = csm_rules_new(conf, model, &err)) == NULL)
		cmd_die_err(&err);
	if (chk) {
		i = check(conf, model, s.rules);
		csm_rules_free(s.rules);
		csm_model_free(model);
		csm_conf_free(conf);
		return i;
	}
	if (s.cmd == C_DUE || s.cmd == C_ELAPSED) {
		if ((cal = csm_cal_new(conf, calendar, &err)) == NULL)
			cmd_die_err(&err);
		s.cal = cal;
	} else if ((s.sla = csm_sla_new(conf, model, s.rules, &err)) == NULL)
		cmd_die_err(&err);
	else if (csm_sla_count(s.sla) == 0 && !s.quiet)
		cmd_warn("warning: the configuration has no [sla] policy: no "
		    "ticket has clocks (see csm.conf(5))");
	if (where_src != NULL && (where = csm_expr_parse(where_src,
	    &err)) == NULL)
		cmd_usage_error("--where: column %ld: %s", err.col, err.msg);
	s.where = where;
	s.now = (int64_t)time(NULL);
	if (now_text != NULL)
		cmd_now_arg(now_text, csm_model_tz(model), &s.now);
	if (as_of != NULL && (csm_time_parse(as_of, strlen(as_of),
	    csm_model_tz(model), &s.now, &err) < 0 || !csm_time_check(s.now,
	    &err)))
		cmd_usage_error("--as-of: %s", err.msg);
	if (s.out_fmt == -1)
		s.out_fmt = isatty(STDOUT_FILENO) && s.cmd != C_FILTER &&
		    s.cmd != C_DUE && s.cmd != C_ELAPSED ? CSM_FMT_TABLE :
		    CSM_FMT_JSONL;
	cols = s.cmd == C_SWEEP ? sweep_cols : s.cmd == C_STATUS ?
	    status_cols : s.cmd == C_REPLAY ? replay_cols : cmd_record_cols;
	s.wflags = cmd_color(color, STDOUT_FILENO) && s.out_fmt ==
	    CSM_FMT_TABLE ? CSM_W_COLOR : 0;
	if ((s.cmd != C_DUE && s.cmd != C_ELAPSED) || s.out_fmt ==
	    CSM_FMT_JSONL) {
		s.w = csm_writer_new(stdout, (enum csm_fmt)s.out_fmt, cols,
		    s.wflags);
		if (s.w == NULL)
			cmd_die(EX_SOFTWARE_, "out of memory");
	}
	if (rejects != NULL)
		s.rejects = cmd_rejects_open(rejects, argv, argc);
	s.db = db;
	s.model = model;

	switch (s.cmd) {
	case C_SWEEP:
		sweep(&s);
		break;
	case C_STATUS:
		status(&s);
		break;
	case C_EXPLAIN:
		explain(&s, argv[0]);
		break;
	case C_REPLAY:
		replay(&s);
		break;
	default:
		if (argc == 0)
			read_input(&s, "-", fmt);
		for (i = 0; i < argc; i++)
			read_input(&s, argv[i], fmt);
		commit(&s);
	}
	if (s.w != NULL && csm_writer_finish(s.w, NULL, &err) < 0 &&
	    errno != EPIPE)
		cmd_die(EX_IOERR_, "%s", err.msg);
	csm_writer_free(s.w);
	for (i = 0; s.cols != NULL && s.cols[i] != NULL; i++)
		free(s.cols[i]);
	free(s.cols);
	cmd_rejects_close(s.rejects);
	csm_desk_free(s.d);
	if (csm_store_close(s.st, &err) < 0 && s.status == 0)
		s.status = EX_IOERR_;
	free(s.path);
	csm_sla_free(s.sla);
	csm_cal_free(cal);
	csm_rules_free(s.rules);
	csm_expr_free(where);
	csm_model_free(model);
	csm_conf_free(conf);
	cmd_close_stdout();
	return s.status;
}
