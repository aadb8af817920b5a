/*
 * report.h - the parts of csm-report's engine (report_*.c): what a query
 * asks for (metrics and group keys, report_spec.c), the groups and their
 * figures (report_group.c), and the scan of the store (report.c).
 */
#ifndef CSM_REPORT_H
#define CSM_REPORT_H

#include <stdint.h>

#include "internal.h"

/* The metrics of -m, in the order the man page lists them. */
enum rmetric {
	RM_CREATED, RM_RESOLVED, RM_REOPENED, RM_FRT, RM_RESOLUTION,
	RM_FIRST_RESOLUTION, RM_FCR, RM_CSAT, RM_NPS, RM_SLA, RM_BACKLOG,
	RM_WORKLOAD, NRMETRICS
};

/* The time metrics (RM_FRT ..), as indexes of a group's samples. */
enum { RT_FRT, RT_RESOLUTION, RT_FIRST_RESOLUTION, NRTIMES };

/* FCR's definitions (--fcr-definition). */
enum { FCR_ONE_TOUCH, FCR_AT_MOST_ONE, FCR_NO_REOPEN, FCR_NO_FOLLOW_UP,
	NFCR };

/* The SLA targets as the sla table names them. */
enum { RS_FIRST_RESPONSE, RS_NEXT_RESPONSE, RS_RESOLUTION, NRSLA };

/* What a group key reads. */
enum rkey_kind {
	RK_COLUMN,	/* a ticket column (sql) */
	RK_CUSTOM,	/* a custom field of the ticket (path) */
	RK_CUSTOMER,	/* a profile column of the customer (sql) */
	RK_CUSTOMER_CUSTOM,	/* a custom field of the customer (path) */
	RK_CREATED,	/* day, week or month of created_at (unit) */
	RK_RESOLVED	/* the same of resolved_at */
};

enum { RU_DAY, RU_WEEK, RU_MONTH };

struct rkey {
	char		 name[64];	/* as given */
	int		 kind;	/* enum rkey_kind */
	const char	*sql;	/* RK_COLUMN, RK_CUSTOMER: a constant */
	char		*path;	/* RK_*CUSTOM: '$."name"', new */
	int		 unit;	/* RK_CREATED, RK_RESOLVED */
};

#define RMAX_KEYS 8

/* A parsed query: which metrics in which order, the group keys. */
struct rspec {
	int		 metric[NRMETRICS];	/* in -m order */
	int		 nmetric;
	unsigned	 want;			/* 1 << metric */
	struct rkey	 key[RMAX_KEYS];
	int		 nkey;
	int		 fcr;			/* FCR_* */
};

int rspec_parse(struct rspec *sp, const struct csm_report_query *q,
    struct csm_err *err);
void rspec_free(struct rspec *sp);
/* The SELECT of the scan for sp (new), or NULL when out of memory; the
 * statement's parameters are ?1 until, then the keys' paths. */
char *rspec_sql(const struct rspec *sp);
/* The FCR definition named s: FCR_*, or -1. */
int rspec_fcr(const char *s);
extern const char *const rspec_fcr_names[NFCR + 1];
extern const char *const rspec_sla_targets[NRSLA];

/* One ticket's facts, as the scan reads them. */
struct rfacts {
	int64_t		 id, created, first_response, resolved, first_done;
	int		 done;		/* resolved or closed now */
	int		 reopens;
	int		 replies;	/* public agent replies */
	int		 followups;	/* customer messages after creation */
	int		 has_assignee;
	int		 csat, nps;	/* scores, -1 for none */
	int		 in_cohort;	/* created in the window */
	int		 open_at_until;	/* the backlog */
	int		 sla[NRSLA][2];	/* met, breached */
};

struct rgroups;

struct rgroups *rgroups_new(const struct rspec *sp, int64_t until,
    const struct csm_cal *cal);
void rgroups_free(struct rgroups *g);
/* Adds a ticket to the group of the nkey key values (NULL for none). */
int rgroups_add(struct rgroups *g, const char *const *vals,
    const struct rfacts *f);
/* The result table (new): {"columns": [...], "rows": [...]}, keeping the
 * top groups by tickets created when top > 0.  NULL when out of memory. */
json_t *rgroups_table(struct rgroups *g, long top);
/* The value of column name in row i of table t (borrowed), or NULL. */
json_t *rtable_cell(const json_t *t, size_t i, const char *name);

/* report.c: a read transaction around a report unless one is open
 * (1 if it began one, 0, or -1 with err), and its end. */
int report_snapshot(struct csm_store *st, struct csm_err *err);
void report_snapshot_end(struct csm_store *st, int began);

#endif /* CSM_REPORT_H */
