/*
 * sla_clock.c - a ticket's clocks from its history, with no store: for
 * each target of its policy, the business time counted between the
 * target's start and what meets it (or now), the spans paused, and the
 * instant each level (warnings, the breach, escalations) was or will be
 * reached.  The same history gives the same clocks, whenever it arrived.
 *
 * A level is reached when the business time counted reaches its
 * threshold strictly before the clock stopped (or before now): a reply
 * at the due second itself is in time.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sla.h"

const char *const sla_state_names[4] = {
	"running", "paused", "met", "breached"
};

static int
done(int st)
{
	return st == CSM_ST_RESOLVED || st == CSM_ST_CLOSED;
}

void
sla_hist_clear(struct sla_hist *h)
{
	h->nsteps = h->nmsgs = 0;
	h->created = h->first_response = h->id = h->future = 0;
}

int
sla_hist_step(struct sla_hist *h, int64_t at, int st)
{
	if (h->nsteps == h->capsteps) {
		size_t cap = h->capsteps ? h->capsteps * 2 : 16;
		struct sla_step *p = realloc(h->steps, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		h->steps = p;
		h->capsteps = cap;
	}
	h->steps[h->nsteps].at = at;
	h->steps[h->nsteps++].st = st;
	return 0;
}

int
sla_hist_msg(struct sla_hist *h, int64_t at, int64_t id, int kind)
{
	if (h->nmsgs == h->capmsgs) {
		size_t cap = h->capmsgs ? h->capmsgs * 2 : 16;
		struct sla_msg *p = realloc(h->msgs, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		h->msgs = p;
		h->capmsgs = cap;
	}
	h->msgs[h->nmsgs].at = at;
	h->msgs[h->nmsgs].id = id;
	h->msgs[h->nmsgs++].kind = kind;
	return 0;
}

/* Insertion sorts: histories are short and nearly in order already. */
void
sla_hist_sort(struct sla_hist *h)
{
	size_t i, j;

	for (i = 1; i < h->nsteps; i++) {
		struct sla_step x = h->steps[i];

		for (j = i; j > 0 && h->steps[j - 1].at > x.at; j--)
			h->steps[j] = h->steps[j - 1];
		h->steps[j] = x;
	}
	for (i = 1; i < h->nmsgs; i++) {
		struct sla_msg x = h->msgs[i];

		for (j = i; j > 0 && (h->msgs[j - 1].at > x.at ||
		    (h->msgs[j - 1].at == x.at && h->msgs[j - 1].id > x.id));
		    j--)
			h->msgs[j] = h->msgs[j - 1];
		h->msgs[j] = x;
	}
}

/* The first instant from t on at which the ticket is resolved or
 * closed, or 0. */
static int64_t
first_done(const struct sla_hist *h, int64_t t)
{
	size_t i;

	for (i = 0; i < h->nsteps; i++) {
		int64_t end = i + 1 < h->nsteps ? h->steps[i + 1].at :
		    INT64_MAX;

		if (done(h->steps[i].st) && end > t)
			return h->steps[i].at > t ? h->steps[i].at : t;
	}
	return 0;
}

/* When the ticket last became resolved or closed, if it is now. */
static int64_t
last_done(const struct sla_hist *h)
{
	size_t i = h->nsteps;

	if (i == 0 || !done(h->steps[i - 1].st))
		return 0;
	while (i > 1 && done(h->steps[i - 2].st))
		i--;
	return h->steps[i - 1].at;
}

/* The levels of a clock of target secs under p, thresholds ascending. */
static void
levels(const struct sla_policy *p, struct sla_clock *c)
{
	size_t i, j;
	struct sla_level x;

	c->nlv = 0;
	for (i = 0; i < p->nwarns; i++) {
		int64_t tau = p->warns[i].pct ? c->secs * p->warns[i].pct /
		    100 : c->secs - p->warns[i].before;

		if (tau <= 0 || tau >= c->secs)
			continue;	/* before the start: no warning */
		c->lv[c->nlv++] = (struct sla_level){LV_WARN, 0, tau, 0,
		    p->warns[i].text};
	}
	c->lv[c->nlv++] = (struct sla_level){LV_BREACH, 1, c->secs, 0, NULL};
	for (i = 0; i < p->nescalate; i++)
		c->lv[c->nlv++] = (struct sla_level){LV_ESCALATE, 0,
		    c->secs + p->escalate[i], 0, p->esctext[i]};
	for (i = 1; i < c->nlv; i++) {
		x = c->lv[i];
		for (j = i; j > 0 && c->lv[j - 1].tau > x.tau; j--)
			c->lv[j] = c->lv[j - 1];
		c->lv[j] = x;
	}
	/* Numbered within their kind, in the order they are reached. */
	for (i = 0, j = 0; i < c->nlv; i++)
		if (c->lv[i].kind == LV_WARN)
			c->lv[i].n = (int)++j;
	for (i = 0, j = 0; i < c->nlv; i++)
		if (c->lv[i].kind == LV_ESCALATE)
			c->lv[i].n = (int)++j;
}

/*
 * Runs clock c (start, secs, stop set) of calendar cal over the status
 * spans up to its stop, or now: counts business time where no pause
 * applies and the ticket is not resolved, and finds the levels reached.
 */
static void
walk(struct sla_clock *c, const struct csm_cal *cal, unsigned pause,
    const struct sla_hist *h, int64_t now, sla_span_fn span, void *arg)
{
	int64_t limit = c->stop ? c->stop : now, a, b, w, rest, from, base;
	size_t i, k;
	int st = CSM_ST_NEW, active = 0, counted;

	c->elapsed = c->paused = 0;
	for (i = 0; i < h->nsteps; i++) {
		a = h->steps[i].at > c->start ? h->steps[i].at : c->start;
		b = i + 1 < h->nsteps ? h->steps[i + 1].at : INT64_MAX;
		if (b > limit)
			b = limit;
		st = h->steps[i].st;
		if (b <= a)
			continue;
		c->since = a;
		c->since_elapsed = c->elapsed;
		c->since_paused = c->paused;
		counted = !(pause & 1u << st) && !done(st);
		w = 0;
		if (counted) {
			w = csm_cal_elapsed(cal, a, b);
			for (k = 0; k < c->nlv; k++)
				if (c->lv[k].at == 0 &&
				    c->lv[k].tau <= c->elapsed + w)
					c->lv[k].at = csm_cal_due(cal, a,
					    c->lv[k].tau - c->elapsed);
			c->elapsed += w;
		} else if (pause & 1u << st)
			c->paused += b - a;
		if (span != NULL)
			span(arg, c, a, b, st, counted, w, c->elapsed);
	}
	/* The status at the limit decides whether the clock runs on. */
	for (i = 0; i < h->nsteps && h->steps[i].at <= limit; i++)
		st = h->steps[i].st;
	active = !(pause & 1u << st) && !done(st);
	/* Reached only strictly before the limit. */
	for (k = 0; k < c->nlv; k++)
		if (c->lv[k].at >= limit)
			c->lv[k].at = 0;
	c->breached = c->due = c->next = 0;
	from = limit;
	base = c->elapsed;
	for (k = 0; k < c->nlv; k++) {
		if (c->lv[k].kind == LV_BREACH && c->lv[k].at != 0)
			c->breached = c->due = c->lv[k].at;
		if (c->lv[k].at != 0 || (!active && !c->stop))
			continue;
		/* Not reached: when it will be, if the clock keeps running
		 * (a met clock: when it would have been).  Only the first
		 * (the next) and the breach are wanted; the levels are in
		 * order, so each counts on from the one before. */
		if (c->next != 0 && c->due != 0)
			break;
		rest = c->lv[k].tau - base;
		w = csm_cal_due(cal, from, rest > 0 ? rest : 0);
		if (w == CSM_CAL_NEVER)
			break;
		from = w;
		base = c->lv[k].tau > base ? c->lv[k].tau : base;
		if (c->lv[k].kind == LV_BREACH)
			c->due = w;
		if (!c->stop && c->next == 0)
			c->next = w;
		if (c->stop && c->due != 0)
			break;
	}
	if (c->stop || c->since == 0) {
		c->since = c->stop ? c->stop : c->start;
		c->since_elapsed = c->elapsed;
		c->since_paused = c->paused;
	}
	if (c->breached)
		c->state = CLK_BREACHED;
	else if (c->stop)
		c->state = CLK_MET;
	else
		c->state = active ? CLK_RUNNING : CLK_PAUSED;
	if (c->next == CSM_CAL_NEVER)
		c->next = 0;
}

/* Starts clock c of target t. */
static void
clock_init(struct sla_clock *c, const struct sla_policy *p, int t,
    int64_t secs, int64_t start, int64_t cycle)
{
	memset(c, 0, sizeof(*c));
	c->target = t;
	c->cycle = cycle;
	c->start = start;
	c->secs = secs;
	levels(p, c);
}

/* The first agent reply at or after t, or 0. */
static int64_t
reply_after(const struct sla_hist *h, int64_t t)
{
	size_t i;

	for (i = 0; i < h->nmsgs; i++)
		if (h->msgs[i].kind == MSG_REPLY && h->msgs[i].at >= t)
			return h->msgs[i].at;
	return 0;
}

/* The instant a response clock started at start stops: a reply, else
 * the ticket resolved (then *resolved is 1), else 0.  Stops after now
 * are not known yet. */
static int64_t
response_stop(const struct sla_hist *h, int64_t start, int64_t reply,
    int64_t now, int *resolved)
{
	int64_t fin = first_done(h, start);

	*resolved = 0;
	if (fin != 0 && (reply == 0 || fin < reply)) {
		*resolved = 1;
		reply = fin;
	}
	if (reply > now) {
		*resolved = 0;
		return 0;
	}
	return reply;
}

/* A next_response clock from customer message m to the reply after it. */
static void
cycle(struct sla_clock *c, const struct sla_policy *p, int64_t secs,
    const struct sla_hist *h, const struct sla_msg *m, int64_t now,
    sla_span_fn span, void *arg)
{
	int res;

	clock_init(c, p, SLA_NEXT, secs, m->at, m->id);
	c->stop = response_stop(h, c->start, reply_after(h, c->start), now,
	    &res);
	c->stop_resolved = res;
	walk(c, p->cal, p->t[SLA_NEXT].pause, h, now, span, arg);
}

/* Computes the clocks (see sla.h). */
int
sla_clocks(const struct sla_policy *p, int prio, const struct sla_hist *h,
    int64_t now, struct sla_clock *out, size_t max, sla_span_fn span,
    void *arg)
{
	const struct csm_cal *cal = p->cal;
	struct sla_clock *c;
	size_t n = 0, i;
	int64_t secs, fr, in = 0;
	int res;

	if (prio < 0)
		prio = PRIO_NORMAL;
	/* First response: created -> the first agent reply. */
	fr = reply_after(h, h->created);
	if (h->first_response != 0 && h->first_response <= now &&
	    (fr == 0 || h->first_response < fr))
		fr = h->first_response;
	if ((secs = p->t[SLA_FIRST].secs[prio]) >= 0 && n < max) {
		c = &out[n++];
		clock_init(c, p, SLA_FIRST, secs, h->created, 0);
		c->stop = response_stop(h, h->created, fr, now, &res);
		c->stop_resolved = res;
		walk(c, cal, p->t[SLA_FIRST].pause, h, now, span, arg);
	}
	/* Next response: each customer message after the first response
	 * with none of its own before it -> the next agent reply. */
	if ((secs = p->t[SLA_NEXT].secs[prio]) >= 0 && fr != 0) {
		for (i = 0; i < h->nmsgs; i++) {
			const struct sla_msg *m = &h->msgs[i];

			if (m->kind == MSG_IN && m->at > fr && in == 0)
				in = (int64_t)i + 1;
			if (m->kind != MSG_REPLY || in == 0)
				continue;
			if (n == max)
				return -1;
			cycle(&out[n++], p, secs, h, &h->msgs[in - 1], now,
			    span, arg);
			in = 0;
		}
		if (in != 0) {
			if (n == max)
				return -1;
			cycle(&out[n++], p, secs, h, &h->msgs[in - 1], now,
			    span, arg);
		}
	}
	/* Resolution: created -> resolved, paused as the policy says, and
	 * resumed by a reopen where it stopped. */
	if ((secs = p->t[SLA_RESOLUTION].secs[prio]) >= 0) {
		if (n == max)
			return -1;
		c = &out[n++];
		clock_init(c, p, SLA_RESOLUTION, secs, h->created, 0);
		c->stop = last_done(h);
		if (c->stop > now)
			c->stop = 0;
		walk(c, cal, p->t[SLA_RESOLUTION].pause, h, now, span, arg);
	}
	return (int)n;
}
