/*
 * test_sla.c - the SLA engine: policies compiled from csm.conf(5)
 * (lib/sla_conf.c), a ticket's clocks from its history (lib/sla_clock.c:
 * pauses, reopens, replies, cycles, levels and the strictness of "reached"),
 * and the store side (lib/sla.c): a ticket computed, kept, fired once.
 * 2026-11-23 is a Monday; the office opens 09:00-12:00 and 13:00-18:00 in
 * UTC, so that instants read plainly.
 */
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "csm_test.h"
#include "sla.h"

#define H 3600LL
#define MON 1795392000LL	/* 2026-11-23T00:00:00Z, a Monday */

static const char office[] =
    "[core]\n\ttimezone = UTC\n"
    "[calendar \"office\"]\n\ttimezone = UTC\n"
    "\thours = mon-fri 09:00-12:00 13:00-18:00\n";

static struct csm_model *model;

static struct csm_sla *
sla_of(const char *policies, struct csm_err *err)
{
	char text[4096];
	struct csm_conf *c;
	struct csm_sla *s;

	snprintf(text, sizeof(text), "%s%s", office, policies);
	if ((c = csm_conf_parse(text, strlen(text), "s.conf", err)) == NULL)
		return NULL;
	s = csm_sla_new(c, model, NULL, err);
	csm_conf_free(c);
	return s;
}

/* The clocks of policy 0 of s on h at now, priority normal. */
static int
clocks(struct csm_sla *s, const struct sla_hist *h, int64_t now,
    struct sla_clock *c)
{
	return sla_clocks(&s->pol[0], PRIO_NORMAL, h, now, c, 16, NULL, NULL);
}

static void
test_conf_errors(void)
{
	struct csm_err err;
	struct csm_sla *s;
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{"[sla \"a\"]\n\tfirst_response = 1h, 2h\n",
		    "expected PRIORITY DURATION in a list"},
		{"[sla \"a\"]\n\tresolution = high 1h, high 2h\n",
		    "priority 'high' given twice"},
		{"[sla \"a\"]\n\tresolution = 1h\n\twarn = 0s\n",
		    "a warning 0 before due is the breach"},
		{"[sla \"a\"]\n\tresolution = 1h\n\tescalate = -1h\n", "escalate"},
		{"[sla \"a\"]\n\tresolution = 1h\n\tpause = pending\n"
		    "\tresolution_pause = on_hold\n", "say the same"},
		{"[sla]\n\tresolution = 1h\n", "[sla] needs a name"},
		{"[sla \"a\"]\n\tcalendar = office\n", "sets no target"},
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = sla_of(bad[i].text, &err);
		CHECK(s == NULL);
		CHECK_INT(err.code, CSM_ECONFIG);
		if (strstr(err.msg, bad[i].msg) == NULL)
			fprintf(stderr, "want '%s', got '%s'\n", bad[i].msg,
			    err.msg);
		CHECK(strstr(err.msg, bad[i].msg) != NULL);
		csm_sla_free(s);
	}
	/* warn and escalate add up over entries; a policy continued. */
	s = sla_of("[sla \"a\"]\n\tresolution = 10h\n\twarn = 50%\n"
	    "[sla \"a\"]\n\twarn = 1h, 90%\n\tescalate = 1h\n\tescalate = 2h\n",
	    &err);
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK_INT(s->npol, 1);
		CHECK_INT(s->pol[0].nwarns, 3);
		CHECK_INT(s->pol[0].nescalate, 2);
		CHECK_INT(s->pol[0].t[SLA_RESOLUTION].secs[PRIO_LOW], 10 * H);
		CHECK_INT(s->pol[0].t[SLA_FIRST].secs[PRIO_LOW], -1);
		CHECK(s->pol[0].cal == s->always);
	}
	csm_sla_free(s);
}

/* Status and messages of a ticket created Monday 09:00. */
static void
hist_init(struct sla_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->id = 1;
	h->created = MON + 9 * H;
	sla_hist_step(h, h->created, CSM_ST_NEW);
}

static void
test_resolution(void)
{
	struct csm_err err;
	struct csm_sla *s = sla_of("[sla \"a\"]\n\tcalendar = office\n"
	    "\tresolution = 16h\n\twarn = 50%, 1h\n\tescalate = 2h\n", &err);
	struct sla_clock c[16];
	struct sla_hist h;
	int n;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	hist_init(&h);
	/* Running: 16h of office time from Monday 09:00 is Tuesday 18:00;
	 * 50% Monday 18:00, the last hour Tuesday 17:00. */
	n = clocks(s, &h, MON + 10 * H, c);
	CHECK_INT(n, 1);
	CHECK_INT(c[0].state, CLK_RUNNING);
	CHECK_INT(c[0].due, MON + 24 * H + 18 * H);
	CHECK_INT(c[0].elapsed, H);
	CHECK_INT(c[0].next, MON + 18 * H);
	CHECK_INT(c[0].nlv, 4);
	CHECK_INT(c[0].lv[0].kind, LV_WARN);
	CHECK_INT(c[0].lv[0].n, 1);
	CHECK_INT(c[0].lv[1].n, 2);
	CHECK_INT(c[0].lv[3].kind, LV_ESCALATE);
	/* A warning at 50% is reached strictly after its instant. */
	n = clocks(s, &h, MON + 18 * H, c);
	CHECK_INT(c[0].lv[0].at, 0);
	n = clocks(s, &h, MON + 18 * H + 1, c);
	CHECK_INT(c[0].lv[0].at, MON + 18 * H);
	/* Pending Monday 12:00 to Wednesday 09:00: paused, no due. */
	sla_hist_step(&h, MON + 12 * H, CSM_ST_PENDING);
	n = clocks(s, &h, MON + 30 * H, c);
	CHECK_INT(c[0].state, CLK_PAUSED);
	CHECK_INT(c[0].due, 0);
	CHECK_INT(c[0].next, 0);
	CHECK_INT(c[0].elapsed, 3 * H);
	CHECK_INT(c[0].paused, 18 * H);
	sla_hist_step(&h, MON + 57 * H, CSM_ST_OPEN);
	n = clocks(s, &h, MON + 58 * H, c);
	CHECK_INT(c[0].state, CLK_RUNNING);
	CHECK_INT(c[0].paused, 45 * H);
	/* 13h left from Wednesday 09:00: Thursday 15:00. */
	CHECK_INT(c[0].due, MON + 72 * H + 15 * H);
	/* Resolved Wednesday 11:00, reopened Thursday 09:00: 11h left,
	 * Friday 12:00. */
	sla_hist_step(&h, MON + 59 * H, CSM_ST_RESOLVED);
	n = clocks(s, &h, MON + 60 * H, c);
	CHECK_INT(c[0].state, CLK_MET);
	CHECK_INT(c[0].stop, MON + 59 * H);
	CHECK_INT(c[0].elapsed, 5 * H);
	sla_hist_step(&h, MON + 81 * H, CSM_ST_OPEN);
	n = clocks(s, &h, MON + 82 * H, c);
	CHECK_INT(c[0].state, CLK_RUNNING);
	CHECK_INT(c[0].due, MON + 96 * H + 12 * H);
	/* Closed after the due: breached, the breach at the due. */
	sla_hist_step(&h, MON + 96 * H + 17 * H, CSM_ST_CLOSED);
	n = clocks(s, &h, MON + 200 * H, c);
	CHECK_INT(n, 1);
	CHECK_INT(c[0].state, CLK_BREACHED);
	CHECK_INT(c[0].breached, MON + 96 * H + 12 * H);
	CHECK_INT(c[0].stop, MON + 96 * H + 17 * H);
	/* Escalation 2h of office time after the due: Friday 15:00. */
	CHECK_INT(c[0].lv[3].at, MON + 96 * H + 15 * H);
	free(h.steps);
	free(h.msgs);
	csm_sla_free(s);
}

static void
test_responses(void)
{
	struct csm_err err;
	struct csm_sla *s = sla_of("[sla \"a\"]\n\tcalendar = office\n"
	    "\tfirst_response = 2h\n\tnext_response = 1h\n", &err);
	struct sla_clock c[16];
	struct sla_hist h;
	int n;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	hist_init(&h);
	/* No reply: running, then breached at 11:00. */
	n = clocks(s, &h, MON + 11 * H, c);
	CHECK_INT(n, 1);
	CHECK_INT(c[0].state, CLK_RUNNING);
	CHECK_INT(c[0].due, MON + 11 * H);
	/* A reply at the due second itself is in time. */
	sla_hist_msg(&h, MON + 11 * H, 1, MSG_REPLY);
	n = clocks(s, &h, MON + 12 * H, c);
	CHECK_INT(c[0].state, CLK_MET);
	CHECK_INT(c[0].breached, 0);
	/* Customer messages at 11:30 and 11:45 (one cycle, from the
	 * oldest), a reply at 14:00 (breached at 13:30), another message
	 * at 15:00 (running; due 16:00). */
	sla_hist_msg(&h, MON + 11 * H + 1800, 2, MSG_IN);
	sla_hist_msg(&h, MON + 11 * H + 2700, 3, MSG_IN);
	sla_hist_msg(&h, MON + 14 * H, 4, MSG_REPLY);
	sla_hist_msg(&h, MON + 15 * H, 5, MSG_IN);
	sla_hist_sort(&h);
	n = clocks(s, &h, MON + 15 * H + 60, c);
	CHECK_INT(n, 3);
	CHECK_INT(c[1].target, SLA_NEXT);
	CHECK_INT(c[1].cycle, 2);
	CHECK_INT(c[1].state, CLK_BREACHED);
	CHECK_INT(c[1].breached, MON + 13 * H + 1800);
	CHECK_INT(c[2].cycle, 5);
	CHECK_INT(c[2].state, CLK_RUNNING);
	CHECK_INT(c[2].due, MON + 16 * H);
	/* Resolved at 15:30 with no reply: the clock ends, met. */
	sla_hist_step(&h, MON + 15 * H + 1800, CSM_ST_RESOLVED);
	n = clocks(s, &h, MON + 20 * H, c);
	CHECK_INT(c[2].state, CLK_MET);
	CHECK_INT(c[2].stop_resolved, 1);
	CHECK_INT(c[2].stop, MON + 15 * H + 1800);
	free(h.steps);
	free(h.msgs);
	csm_sla_free(s);
}

/* Through a store: computed, kept, fired once; the explain lines. */
static int nfired;
static char lines[8192];

static void
fired(void *arg, const json_t *rec)
{
	(void)arg;
	(void)rec;
	nfired++;
}

static void
line(void *arg, const char *l)
{
	(void)arg;
	strncat(lines, l, sizeof(lines) - strlen(lines) - 2);
	strcat(lines, "\n");
}

static void
test_store(void)
{
	struct csm_err err;
	struct csm_store *st = csm_store_open(":memory:", CSM_STORE_MEMORY,
	    1000, &err);
	struct csm_desk *d;
	struct csm_sla *s = sla_of("[sla \"vip\"]\n\twhen = tier = \"vip\"\n"
	    "\tcalendar = office\n\tfirst_response = 1h\n\twarn = 50%\n"
	    "[sla \"all\"]\n\tresolution = 2h\n", &err);
	struct csm_sla_hooks h = {fired, NULL, NULL, NULL, NULL};
	struct csm_ticket *t = NULL;
	struct csm_sla_stats stats;
	json_t *rec, *cl = NULL;

	CHECK(st != NULL && s != NULL);
	if (st == NULL || s == NULL)
		return;
	d = csm_desk_new(st, model, "test", MON, &err);
	rec = json_pack("{ss ss ss ss ss}", "source", "web", "source_id",
	    "1", "subject", "x", "tier", "vip", "created_at",
	    "2026-11-23T09:00:00Z");
	CHECK(csm_store_begin(st, &err) == 0);
	CHECK_INT(csm_ticket_create(d, rec, NULL, &t, &err), 1);
	CHECK(csm_store_commit(st, &err) == 0);
	json_decref(rec);
	csm_ticket_free(t);
	/* The sweep: the warning at 09:30 and the breach at 10:00. */
	CHECK_INT(csm_sla_sweep(s, d, MON + 11 * H, 0, 10, &h, &stats, &err),
	    0);
	CHECK_INT(stats.full, 1);
	CHECK_INT(stats.tickets, 1);
	CHECK_INT(nfired, 2);
	CHECK_INT(csm_sla_sweep(s, d, MON + 11 * H, 0, 10, &h, &stats, &err),
	    0);
	CHECK_INT(stats.full, 0);
	CHECK_INT(stats.tickets, 0);
	CHECK_INT(nfired, 2);
	CHECK_INT(csm_sla_sweep(s, d, MON + 11 * H, 1, 10, &h, &stats, &err),
	    0);
	CHECK_INT(stats.tickets, 1);
	CHECK_INT(nfired, 2);
	/* What is kept, and the arithmetic. */
	CHECK_INT(csm_ticket_load(d, 1, 0, &t, &err), 1);
	CHECK_INT(csm_sla_kept(d, t, &cl, &err), 0);
	CHECK_INT(json_array_size(cl), 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(cl, 0),
	    "state")), "breached");
	CHECK_STR(json_string_value(json_object_get(json_array_get(cl, 0),
	    "due")), "2026-11-23T10:00:00+00:00");
	json_decref(cl);
	h.explain = line;
	CHECK_INT(csm_sla_ticket(s, d, t, MON + 9 * H + 1200, 0, &h, &cl,
	    NULL, &err), 1);
	CHECK(strstr(lines, "first_response: policy vip, calendar office, "
	    "target 1h\n") != NULL);
	CHECK(strstr(lines, "warn 1 at 30m of business time: not reached")
	    != NULL);
	CHECK(strstr(lines, "running: 20m counted, due "
	    "2026-11-23T10:00:00+00:00") != NULL);
	CHECK_STR(json_string_value(json_object_get(json_array_get(cl, 0),
	    "state")), "running");
	CHECK_INT(json_integer_value(json_object_get(json_array_get(cl, 0),
	    "left")), 2400);
	json_decref(cl);
	csm_ticket_free(t);
	csm_desk_free(d);
	csm_store_close(st, NULL);
	csm_sla_free(s);
}

/*
 * A ticket imported resolved, with its resolved time and no event of it
 * (history from another system): open until then, not stopped at its
 * creation.  Its first response, never given, ends with the resolution.
 */
static void
test_imported(void)
{
	struct csm_err err;
	struct csm_store *st = csm_store_open(":memory:", CSM_STORE_MEMORY,
	    1000, &err);
	struct csm_desk *d;
	struct csm_sla *s = sla_of("[sla \"all\"]\n\tfirst_response = 1h\n"
	    "\tresolution = 2h\n", &err);
	struct csm_ticket *t = NULL;
	json_t *rec, *cl = NULL, *c;
	size_t i;
	int breached = 0;

	CHECK(st != NULL && s != NULL);
	if (st == NULL || s == NULL)
		return;
	d = csm_desk_new(st, model, "test", MON + 20 * H, &err);
	rec = json_pack("{ss ss ss ss ss ss}", "source", "web", "source_id",
	    "old-1", "subject", "x", "status", "resolved", "created_at",
	    "2026-11-23T09:00:00Z", "resolved_at", "2026-11-23T12:00:00Z");
	CHECK(csm_store_begin(st, &err) == 0);
	CHECK_INT(csm_ticket_create(d, rec, NULL, &t, &err), 1);
	CHECK(csm_store_commit(st, &err) == 0);
	json_decref(rec);
	CHECK_INT(csm_sla_ticket(s, d, t, MON + 20 * H, 0, NULL, &cl, NULL,
	    &err), 1);
	CHECK_INT(json_array_size(cl), 2);
	json_array_foreach(cl, i, c)
		breached += strcmp(json_string_value(json_object_get(c,
		    "state")), "breached") == 0;
	CHECK_INT(breached, 2);
	json_decref(cl);
	csm_ticket_free(t);
	csm_desk_free(d);
	csm_store_close(st, NULL);
	csm_sla_free(s);
}

int
main(void)
{
	struct csm_err err;
	struct csm_conf *c = csm_conf_parse(office, strlen(office), "s.conf",
	    &err);

	model = c != NULL ? csm_model_new(c, &err) : NULL;
	csm_conf_free(c);
	if (model == NULL) {
		fprintf(stderr, "model: %s\n", err.msg);
		return 1;
	}
	test_conf_errors();
	test_resolution();
	test_responses();
	test_store();
	test_imported();
	csm_model_free(model);
	return TEST_REPORT();
}
