/*
 * common.c - shared plumbing of the csm tools (after git's usage.c and
 * curl's tool_msgs.c): messages, exit codes, config and store location,
 * colour and progress decisions.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

const char *progname = "csm";

/*
 * Output columns of CSV and TSV: every field any record kind prints, in
 * the documented order, custom fields in "attrs" (a JSON object), so that
 * the output reads back in as it is (csm-records(5)).
 */
const char *const cmd_record_cols[] = {
	"op", "type", "id", "ticket", "customer", "name", "tier", "org",
	"source", "source_id", "thread_id", "ticket_type", "subject", "body",
	"status", "stage", "priority", "category", "product", "region", "tags",
	"group", "assignee", "phone", "email", "wechat", "identities",
	"direction", "author", "public", "auto", "action", "field", "old",
	"new", "by", "key", "why", "kind", "score", "comment", "order_no",
	"purchased_at", "warranty_until", "created_at", "updated_at",
	"first_response_at", "resolved_at", "closed_at", "at", "reopens",
	"merged_into", "merged", "stale", "data", "attrs", NULL
};


/* Sets up the process for a tool (see common.h). */
void
cmd_init(const char *name)
{
	int fd;

	progname = name;
	/* A tool started with a closed stdin, stdout or stderr must not
	 * write its data into the store's file descriptor. */
	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			_exit(EX_SOFTWARE_);
	signal(SIGPIPE, SIG_IGN);
	setlocale(LC_CTYPE, "");
}

static void
vwarn(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static volatile sig_atomic_t *stop_flag;

static void
on_stop(int sig)
{
	*stop_flag = sig;
}

/* Catches SIGINT and SIGTERM into *flag (see common.h). */
void
cmd_catch_stop(volatile sig_atomic_t *flag)
{
	struct sigaction sa;

	stop_flag = flag;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Dies of sig, with its default action. */
void
cmd_die_of_signal(int sig)
{
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

/* Prints "prog: message". */
void
cmd_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

/*
 * A csm_expr_ctx.warn callback (arg unused): prints "prog: warning: msg"
 * the first time a tool is told that a regular expression match was
 * stopped at its limit, and nothing after; any thread may call it.
 */
void
cmd_expr_warn(void *arg, const char *msg)
{
	static atomic_int warned;

	(void)arg;
	if (atomic_exchange(&warned, 1) == 0)
		cmd_warn("warning: %s", msg);
}

/* Prints "prog: message" and exits with status. */
void
cmd_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(status);
}

/* Prints err's message and exits with its status. */
void
cmd_die_err(const struct csm_err *err)
{
	cmd_die(csm_err_exit(err->code), "%s", err->msg);
}

/* A usage error: message, hint, exit 64. */
void
cmd_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help'.\n", progname);
	exit(EX_USAGE_);
}

/* An escaped file name for messages, always written into buf. */
const char *
cmd_name(const char *path, char *buf, size_t n)
{
	if (strcmp(path, "-") == 0) {
		snprintf(buf, n, "stdin");
		return buf;
	}
	return csm_escape(path, strlen(path), buf, n);
}

/* The long options of a table, for completion scripts. */
void
cmd_list_options(const struct option *opts)
{
	for (; opts->name != NULL; opts++)
		if (strcmp(opts->name, "list-options") != 0)
			printf("--%s%s\n", opts->name,
			    opts->has_arg == required_argument ? "=" : "");
	exit(0);
}

/* Prints the version and exits. */
void
cmd_version(void)
{
	printf("%s %s\n", progname, CSM_VERSION);
	exit(0);
}

/* argv[0] for getopt_long's messages: the tool's name. */
void
cmd_argv0(char **argv)
{
	static char name[64];

	snprintf(name, sizeof(name), "%s", progname);
	argv[0] = name;
}

/* Refuses the CSV-only output flags with another format. */
void
cmd_check_csv_flags(int out_fmt, unsigned wflags)
{
	static const struct {
		unsigned	 flag;
		const char	*name;
	} f[] = {
		{ CSM_W_BOM, "--bom" },
		{ CSM_W_CRLF, "--crlf" },
		{ CSM_W_EXCEL_SAFE, "--excel-safe" },
	};
	size_t i;

	if (out_fmt == CSM_FMT_CSV)
		return;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (wflags & f[i].flag)
			cmd_usage_error("%s: only with -o csv", f[i].name);
}

/* Whether to colour output on fd. */
int
cmd_color(const char *when, int fd)
{
	const char *env;

	if (when != NULL && strcmp(when, "always") == 0)
		return 1;
	if (when != NULL && strcmp(when, "never") == 0)
		return 0;
	env = getenv("NO_COLOR");
	if (env != NULL && env[0] != '\0')
		return 0;
	env = getenv("TERM");
	if (env != NULL && strcmp(env, "dumb") == 0)
		return 0;
	return isatty(fd);
}

/* Whether to show progress: flag -1 means "if stderr is a terminal". */
int
cmd_progress(int flag, int quiet)
{
	if (quiet)
		return 0;
	return flag == -1 ? isatty(STDERR_FILENO) : flag;
}

/* Loads the configuration (see common.h). */
struct csm_conf *
cmd_config(const char *opt)
{
	struct csm_conf *conf;
	struct csm_err err;
	const char *env, *base;
	char path[4096];
	int explicit = 1;

	csm_err_clear(&err);
	if (opt == NULL || opt[0] == '\0') {
		env = getenv("CSM_CONFIG");
		if (env != NULL && env[0] != '\0')
			opt = env;
	}
	if (opt == NULL || opt[0] == '\0') {
		explicit = 0;
		base = getenv("XDG_CONFIG_HOME");
		if (base != NULL && base[0] == '/')
			snprintf(path, sizeof(path), "%s/csm/csm.conf", base);
		else if ((base = getenv("HOME")) != NULL && base[0] == '/')
			snprintf(path, sizeof(path), "%s/.config/csm/csm.conf",
			    base);
		else
			path[0] = '\0';
		if (path[0] == '\0' || access(path, F_OK) < 0) {
			conf = csm_conf_new();
			if (conf == NULL)
				cmd_die(EX_SOFTWARE_, "out of memory");
			return conf;
		}
		opt = path;
	}
	conf = csm_conf_load(opt, &err);
	if (conf == NULL) {
		if (err.code == CSM_ENOINPUT && explicit)
			cmd_die(EX_NOINPUT_, "cannot read config %s",
			    err.msg);
		cmd_die(EX_CONFIG_, "%s", err.msg);
	}
	return conf;
}

/* Builds the model (see common.h). */
struct csm_model *
cmd_model(const struct csm_conf *conf)
{
	struct csm_model *m;
	struct csm_err err;
	const char *w;
	size_t i;

	csm_err_clear(&err);
	m = csm_model_new(conf, &err);
	if (m == NULL)
		cmd_die(err.code == CSM_ECONFIG ? EX_CONFIG_ : EX_SOFTWARE_,
		    "%s", err.msg);
	for (i = 0; (w = csm_model_warning(m, i)) != NULL; i++)
		cmd_warn("warning: %s", w);
	return m;
}

/* Option values (common.h). */

int
cmd_in_format(const char *arg)
{
	int fmt = csm_fmt_parse(arg);

	if (fmt < 0 || fmt == CSM_FMT_TABLE)
		cmd_usage_error("unknown input format '%s' (expected jsonl, "
		    "csv or tsv)", arg);
	return fmt;
}

int
cmd_out_format(const char *arg)
{
	int fmt = csm_fmt_parse(arg);

	if (fmt < 0)
		cmd_usage_error("unknown output format '%s' (expected jsonl, "
		    "csv, tsv or table)", arg);
	return fmt;
}

const char *
cmd_color_arg(const char *arg)
{
	if (strcmp(arg, "auto") != 0 && strcmp(arg, "always") != 0 &&
	    strcmp(arg, "never") != 0)
		cmd_usage_error("--color: expected auto, always or never, got "
		    "'%s'", arg);
	return arg;
}

long
cmd_batch_arg(const char *arg)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (*end != '\0' || n <= 0 || errno != 0)
		cmd_usage_error("--batch: expected a positive number, got '%s'",
		    arg);
	return n;
}

void
cmd_now_arg(const char *arg, const struct csm_tz *tz, int64_t *now)
{
	struct csm_err err;

	if (csm_time_parse(arg, strlen(arg), tz, now, &err) < 0 ||
	    !csm_time_check(*now, &err))
		cmd_usage_error("--now: %s", err.msg);
}

void
cmd_help(const char *usage)
{
	fputs(usage, stdout);
	cmd_close_stdout();
	exit(0);
}

/* The store's busy timeout in milliseconds. */
int
cmd_busy_ms(void)
{
	const char *env = getenv("CSM_BUSY_TIMEOUT");
	char *end;
	long ms;

	if (env == NULL || env[0] == '\0')
		return 30000;
	ms = strtol(env, &end, 10);
	if (*end != '\0' || ms < 0 || ms > 86400000)
		cmd_die(EX_CONFIG_, "CSM_BUSY_TIMEOUT: expected milliseconds, "
		    "got '%s'", env);
	return (int)ms;
}

/* Copies in to out. */
int
cmd_copy(FILE *in, FILE *out)
{
	char buf[65536];
	size_t n;

	rewind(in);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			return -1;
	if (ferror(in))
		return -1;
	return fflush(out) == 0 ? 0 : -1;
}

/* Closes stdout, exiting 74 on an error other than a closed pipe. */
void
cmd_close_stdout(void)
{
	if (fclose(stdout) != 0 && errno != EPIPE)
		cmd_die(EX_IOERR_, "write error: %s", strerror(errno));
}
