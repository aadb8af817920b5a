/*
 * sla.h - the SLA engine's insides: policies as compiled from csm.conf(5)
 * and the clocks of one ticket; internal to libcsm.
 *
 *	sla_conf.c	[sla "name"]: when, calendar, targets, pauses,
 *			warnings, escalations and their actions
 *	sla_clock.c	a ticket's history to its clocks: business time
 *			counted, pauses, levels reached (no store)
 *	sla.c		the store side: histories read, results kept,
 *			levels fired once, the sweep
 */
#ifndef CSM_SLA_H
#define CSM_SLA_H

#include "rules.h"

/* The targets of a policy. */
enum { SLA_FIRST, SLA_NEXT, SLA_RESOLUTION, SLA_NTARGETS };
/* Priorities, in order. */
enum { PRIO_LOW, PRIO_NORMAL, PRIO_HIGH, PRIO_URGENT, NPRIO };
/* What a level is. */
enum { LV_WARN, LV_BREACH, LV_ESCALATE };

extern const char *const sla_target_names[SLA_NTARGETS];
extern const char *const sla_prio_names[NPRIO];
extern const char *const sla_level_names[3];

struct sla_target {
	int64_t		 secs[NPRIO];	/* business seconds; -1: none */
	unsigned	 pause;		/* 1 << status that pauses it */
};

/* A warning: a share of the target (pct > 0) or a time before due. */
struct sla_warn {
	int		 pct;
	int64_t		 before;
	char		 text[24];	/* "50%", "1h" */
};

struct sla_acts {
	struct action	*acts;
	size_t		 n;
};

struct sla_policy {
	char			*name;
	struct csm_expr		*when;		/* NULL: the fallback */
	int			 keycol;	/* a ticket text column that
						 * when needs equal to keyvalue
						 * (borrowed from when), or -1 */
	const char		*keyvalue;
	struct csm_cal		*cal;
	struct sla_target	 t[SLA_NTARGETS];
	struct sla_warn		*warns;
	size_t			 nwarns;
	int64_t			*escalate;	/* business seconds past due */
	char			(*esctext)[24];	/* each as written */
	size_t			 nescalate;
	struct sla_acts		 on[3];		/* on_warn, on_breach,
						 * on_escalate */
	const char		*file;
	long			 line;
};

struct csm_sla {
	const struct csm_model	*model;
	struct csm_rules	*rules;		/* borrowed, for actions */
	struct sla_policy	*pol;
	size_t			 npol;
	struct csm_cal		*always;	/* policies with no calendar */
	struct sla_clock	*clk;		/* room for one ticket's */
	uint64_t		 fingerprint;	/* of [sla] and [calendar] */
	char			**warnings;	/* for --check */
	size_t			 nwarnings;
};

/*
 * A ticket's history as the clocks need it: status spans (the default
 * status from each instant on, the first at creation) and the messages
 * that start or stop response clocks, all in time order.
 */
struct sla_step {
	int64_t		 at;
	int		 st;		/* enum csm_status */
};

enum { MSG_IN, MSG_REPLY };

struct sla_msg {
	int64_t		 at;
	int64_t		 id;
	int		 kind;
};

struct sla_hist {
	int64_t		 id;
	int64_t		 created;
	int64_t		 first_response;	/* the row's, or 0 */
	int64_t		 future;	/* the first of its history after
					 * now, or 0: the clocks change
					 * then */
	struct sla_step	*steps;
	size_t		 nsteps, capsteps;
	struct sla_msg	*msgs;
	size_t		 nmsgs, capmsgs;
};

/* One level of a clock: its business threshold and when it is reached. */
struct sla_level {
	int		 kind;		/* LV_* */
	int		 n;		/* 1-based within its kind */
	int64_t		 tau;		/* business seconds */
	int64_t		 at;		/* instant, 0: not reached yet */
	const char	*text;		/* a warning or escalation as written
					 * ("80%", "1h"), or NULL: its key */
};

#define SLA_MAXLEVELS 32

/* A clock: one target of one ticket (one cycle of next_response). */
struct sla_clock {
	int		 target;	/* SLA_* */
	int64_t		 cycle;		/* 0, or the customer message's id */
	int64_t		 start;
	int64_t		 secs;		/* the target */
	int64_t		 stop;		/* met (or ended) at, 0: running */
	int		 stop_resolved;	/* ended by the ticket's resolution,
					 * with no reply */
	int64_t		 elapsed;	/* business seconds counted */
	int64_t		 paused;	/* wall seconds paused */
	int64_t		 due;		/* 0 while paused */
	int64_t		 breached;	/* the due instant when passed, or 0 */
	int64_t		 next;		/* next level to be reached, or 0 */
	int64_t		 since;		/* its last change: the start of the
					 * span now going on, or its stop */
	int64_t		 since_elapsed;	/* elapsed and paused at since */
	int64_t		 since_paused;
	int		 state;		/* CLK_* */
	struct sla_level lv[SLA_MAXLEVELS];
	size_t		 nlv;
};

enum { CLK_RUNNING, CLK_PAUSED, CLK_MET, CLK_BREACHED };
extern const char *const sla_state_names[4];

/* Told each span of a clock, for explain: [a, b), the status, whether it
 * counted, its business seconds and the total after it. */
typedef void (*sla_span_fn)(void *arg, const struct sla_clock *c, int64_t a,
    int64_t b, int st, int counted, int64_t business, int64_t total);

/* sla_conf.c: [sla] sections into s.  0, or -1 with err. */
int sla_conf(struct csm_sla *s, const struct csm_conf *conf,
    struct csm_err *err);
/* The priority of a name, or -1. */
int sla_prio(const char *name);

/* sla_clock.c: the clocks of policy p on history h as of now into out
 * (room for max); returns how many, or -1 when there are too many. */
int sla_clocks(const struct sla_policy *p, int prio,
    const struct sla_hist *h, int64_t now, struct sla_clock *out,
    size_t max, sla_span_fn span, void *arg);
void sla_hist_clear(struct sla_hist *h);
int sla_hist_step(struct sla_hist *h, int64_t at, int st);
int sla_hist_msg(struct sla_hist *h, int64_t at, int64_t id, int kind);
/* Sorts the steps and messages by time (stable). */
void sla_hist_sort(struct sla_hist *h);

#endif /* CSM_SLA_H */
