/*
 * common.h - what every csm tool shares: messages, the exit status table,
 * configuration and store location, colour and progress decisions.
 */
#ifndef CSM_COMMON_H
#define CSM_COMMON_H

#include <getopt.h>
#include <signal.h>
#include <stdio.h>

#include "csm.h"

/* Exit statuses (sysexits(3) subset; csm(7) EXIT STATUS). */
#define EX_OK_		0
#define EX_NO		1
#define EX_USAGE_	64
#define EX_DATAERR_	65
#define EX_NOINPUT_	66
#define EX_SOFTWARE_	70
#define EX_CANTCREAT_	73
#define EX_IOERR_	74
#define EX_TEMPFAIL_	75
#define EX_CONFIG_	78

extern const char *progname;
/* The columns of CSV and TSV output: every field a record kind prints, in
 * the documented order, custom fields in "attrs" (csm-records(5)). */
extern const char *const cmd_record_cols[];

/* Sets progname, makes sure fds 0-2 are open, ignores SIGPIPE and takes
 * LC_CTYPE from the environment. */
void cmd_init(const char *name);
/* "prog: message" on stderr. */
void cmd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* For csm_expr_ctx.warn: "prog: warning: msg", once a process. */
void cmd_expr_warn(void *arg, const char *msg);
/* "prog: message" and exit with status. */
void cmd_die(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/* Exits with the status for err->code after printing its message. */
void cmd_die_err(const struct csm_err *err) __attribute__((noreturn));
/* "prog: message" then "Try 'prog --help'." and exit 64. */
void cmd_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
/* A file name fit for a message (escaped; "stdin" for "-"), written into
 * buf, which it returns. */
const char *cmd_name(const char *path, char *buf, size_t n);
/* Prints the long options of a getopt table, one a line (completion
 * helper, hidden --list-options). */
void cmd_list_options(const struct option *opts) __attribute__((noreturn));
/* Prints "prog VERSION" and exits 0. */
void cmd_version(void) __attribute__((noreturn));
/*
 * Makes argv[0] the tool's name (progname), so that the messages of
 * getopt_long(3), which name argv[0], start "csm-ingest:" and not with
 * the path the tool was run by.  Call it after cmd_init, before
 * getopt_long.
 */
void cmd_argv0(char **argv);
/*
 * --bom, --crlf and --excel-safe (CSM_W_BOM, CSM_W_CRLF,
 * CSM_W_EXCEL_SAFE in wflags) act on CSV only: with any other output
 * format out_fmt, the first of them given is a usage error (exit 64,
 * "--bom: only with -o csv").  Call it once the output format is known.
 */
void cmd_check_csv_flags(int out_fmt, unsigned wflags);

/*
 * Option values every tool reads alike; a bad one is a usage error (64)
 * naming the option.  -f: jsonl, csv or tsv; -o: those or table;
 * --color: auto, always or never (returned as given); --batch: a
 * positive number; --now: a time in tz (RFC 3339), into *now.
 */
int cmd_in_format(const char *arg);
int cmd_out_format(const char *arg);
const char *cmd_color_arg(const char *arg);
long cmd_batch_arg(const char *arg);
void cmd_now_arg(const char *arg, const struct csm_tz *tz, int64_t *now);
/* -h: the usage text on stdout, exit 0. */
void cmd_help(const char *usage) __attribute__((noreturn));

/* --color=auto|always|never and NO_COLOR, TERM=dumb: 1 for colour. */
int cmd_color(const char *when, int fd);
/* --[no-]progress and -q: 1 to show progress on stderr. */
int cmd_progress(int flag, int quiet);

/*
 * Loads the configuration: opt (--config), else $CSM_CONFIG, else
 * $XDG_CONFIG_HOME/csm/csm.conf or ~/.config/csm/csm.conf when it exists,
 * else none.  Exits 78 (or 66 for a missing --config file) on errors.
 * Returns new (never NULL).
 */
struct csm_conf *cmd_config(const char *opt);
/* Builds the model from conf; exits 78 on errors, and prints its
 * warnings ("prog: warning: file:line:col: ...") otherwise.  Returns
 * new. */
struct csm_model *cmd_model(const struct csm_conf *conf);
/* Busy timeout in milliseconds: $CSM_BUSY_TIMEOUT, else 30000. */
int cmd_busy_ms(void);
/* Copies everything of in to stdout.  0, or -1 with errno. */
int cmd_copy(FILE *in, FILE *out);
/*
 * SIGINT and SIGTERM set *flag to the signal's number instead of killing
 * the tool, so that it can end its input and commit what is whole (no
 * SA_RESTART: a blocked read returns).  cmd_die_of_signal then dies of
 * that signal, as the shell expects of a program stopped so.
 */
void cmd_catch_stop(volatile sig_atomic_t *flag);
void cmd_die_of_signal(int sig) __attribute__((noreturn));
/* Closes stdout, exiting 74 on a write error (EPIPE is not one). */
void cmd_close_stdout(void);

#endif /* CSM_COMMON_H */
