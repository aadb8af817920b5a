/*
 * rules.h - the rules engine's insides: rules, their actions, agents and
 * groups as compiled from csm.conf(5); internal to libcsm.
 *
 *	rules.c		[rule]: when, then, on, stop, enabled; running them
 *	action.c	the actions of "then =": parsing and doing them
 *	assign.c	[agent] and [group]: who gets a ticket
 */
#ifndef CSM_RULES_H
#define CSM_RULES_H

#include "desk.h"

/* The actions of "then =". */
enum {
	A_SET,		/* field = value */
	A_TAG_ADD,	/* tags += tag */
	A_TAG_DEL,	/* tags -= tag */
	A_ASSIGN,	/* assign: by the group's strategy */
	A_NOTE,		/* note "text": an internal note */
	A_REPLY,	/* reply "text": an automatic reply */
	A_TASK,		/* task GROUP "subject": a linked task ticket */
	A_NOTIFY,	/* notify [CHANNEL] "text": a record on stdout */
	A_ESCALATE	/* escalate [GROUP]: priority one step up */
};

struct action {
	int		 kind;
	char		*field;		/* A_SET: the field */
	json_t		*value;		/* A_SET: its value; A_TAG_*: the tag */
	char		*arg;		/* A_TASK, A_ESCALATE: the group;
					 * A_NOTIFY: the channel, or NULL */
	char		*text;		/* A_NOTE, A_REPLY, A_TASK, A_NOTIFY:
					 * the text, with {name} templates */
	char		*src;		/* the action as written */
};

struct rule {
	char		*name;
	struct csm_expr	*when;		/* NULL: always */
	struct action	*acts;
	size_t		 nacts;
	unsigned	 on;		/* CSM_ON_* */
	int		 stop;
	int		 enabled;
	/* An equality the rule needs, to skip it at once ("index"): its
	 * field and the value as text, or NULL. */
	char		*keyfield;
	char		*keyvalue;
	int		 keycol;	/* keyfield's ticket column, or -1 */
	const char	*file;		/* where it was declared */
	long		 line;
	long		 when_line, then_line;	/* where those are */
};

enum { S_NONE, S_ROUND_ROBIN, S_LEAST_LOADED, S_CAPACITY, S_SKILLS };

struct agent {
	char		*name;
	char		**groups;	/* one block (csm_conf_list) */
	size_t		 ngroups;
	char		**skills;
	size_t		 nskills;
	long		 capacity;	/* most open tickets, 0: no limit */
	int		 away;
	struct csm_cal	*shift;		/* works while it is open, or NULL */
};

struct group {
	char		*name;
	int		 strategy;
	char		*fallback;
	const struct csm_conf_entry *fallback_at; /* while compiling */
	size_t		*members;	/* indexes into agents, in order */
	size_t		 nmembers;
};

struct csm_rules {
	const struct csm_model	*model;
	struct rule		*rules;
	size_t			 nrules;
	struct agent		*agents;
	size_t			 nagents;
	struct group		*groups;
	size_t			 ngroups;
	/* Each agent's open tickets, as last counted (known[i]), good while
	 * the desk's load_epoch and commits are those below: counting them
	 * for every assignment would read every open ticket of the group. */
	int64_t			*load;
	unsigned char		*load_known;
	uint64_t		 load_epoch, load_commits;
	const struct csm_desk	*load_desk;
	char			**warnings;
	size_t			 nwarnings;
};

/* action.c */
int action_parse(const char *src, const struct csm_model *m,
    struct action *a, struct csm_err *err);
void action_free(struct action *a);
struct rules_ctx {
	struct csm_rules		*r;
	struct csm_desk			*d;
	const struct csm_rules_hooks	*h;
	const struct csm_rules_run	*run;
	const struct rule		*rule;
	struct csm_actor		 who;
	const char			*firing;	/* the rule's firing
							 * key, while it fires */
};
int action_do(struct rules_ctx *c, struct csm_ticket *t,
    const struct action *a, struct csm_err *err);

/* assign.c: an action naming a group or an agent the configuration
 * lacks, once it declares any.  0, or -1 with err (CSM_ECONFIG,
 * "FILE:LINE: LABEL: 'ACTION': no group 'x' in the configuration"). */
int assign_check_action(const struct csm_rules *r, const struct action *a,
    const char *file, long line, const char *label, struct csm_err *err);

/* rule_names.c: what a when and its actions are checked as. */
struct names_check {
	const char		*label;		/* NULL: a rule; "sla": a
						 * policy */
	const char		*name;
	const char		*file;
	unsigned		 on;		/* CSM_ON_* */
	const struct csm_expr	*when;
	long			 when_line;
	const char		*then;		/* "then", "on_breach" */
	const struct action	*acts;
	size_t			 nacts;
	long			 then_line;
};
/* The names of one when and action list: 0, or -1 with err
 * (CSM_ECONFIG, "FILE:LINE: LABEL: then: unknown field ..."). */
int rules_check_one(const struct csm_model *m, const struct names_check *c,
    struct csm_err *err);
/* rule_names.c: every name a rule reads or sets exists.  0, or -1 with
 * err (CSM_ECONFIG, "FILE:LINE: rule 'x': when: unknown field ..."). */
int rules_check_names(struct csm_rules *r, struct csm_err *err);
/* rules.c: keeps a warning for --check (csm_rules_warning).  0, or -1
 * with err when out of memory. */
int rules_warn(struct csm_rules *r, struct csm_err *err, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/* assign.c */
int assign_parse(struct csm_rules *r, const struct csm_conf *conf,
    struct csm_err *err);
void assign_free(struct csm_rules *r);
const struct group *group_named(const struct csm_rules *r, const char *name);
int assign_ticket(struct rules_ctx *c, struct csm_ticket *t, int *done,
    struct csm_err *err);

#endif /* CSM_RULES_H */
