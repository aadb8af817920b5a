/*
 * csm - the front door: "csm ingest ..." runs "csm-ingest ...", found
 * next to this program first, then on PATH (as git runs git-foo).  One
 * command is built in, "csm backup", as it belongs to no tool.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static const char usage_text[] =
"usage: csm [--help] [--version] COMMAND [ARGS ...]\n"
"\n"
"csm is customer service management as Unix filters.  Commands:\n"
"\n"
"  ingest    take tickets, messages, events, customers, orders and\n"
"            survey answers into the store\n"
"  route     run the rules on tickets and assign them to agents\n"
"  sla       keep SLA promises: due times, warnings, breaches\n"
"  report    metrics, customer and ticket views, exports, the dashboard\n"
"  backup    copy the store, online, into a new file\n"
"\n"
"'csm COMMAND --help' and csm-COMMAND(1) tell more; csm(7) is the\n"
"overview.\n";

static const char backup_usage[] =
"usage: csm backup [--db FILE] FILE\n"
"\n"
"Copy the store into FILE, a new file of mode 0600, while the tools go on\n"
"writing: the copy is one consistent snapshot, checked with PRAGMA\n"
"integrity_check.  An existing FILE is refused.\n"
"\n"
"      --db FILE   the store (default: $CSM_DB, else\n"
"                  $XDG_DATA_HOME/csm/csm.db)\n"
"  -h, --help      show this help and exit\n";

/* csm backup [--db FILE] FILE */
static int
backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "list-options", no_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL;
	struct csm_err err;
	char *path, a[256], b[256];
	int ch;

	cmd_init("csm backup");
	cmd_argv0(argv);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'D':
			db = optarg;
			break;
		case 'h':
			fputs(backup_usage, stdout);
			cmd_close_stdout();
			return 0;
		case 'L':
			cmd_list_options(opts);
		default:
			fprintf(stderr, "Try 'csm backup --help'.\n");
			return EX_USAGE_;
		}
	}
	if (argc - optind != 1)
		cmd_usage_error(argc == optind ? "a file to copy into is "
		    "needed" : "one file only");
	csm_err_clear(&err);
	path = csm_store_path(db, &err);
	if (path == NULL)
		cmd_die_err(&err);
	if (csm_store_backup(path, argv[optind], cmd_busy_ms(), &err) < 0) {
		cmd_name(path, a, sizeof(a));
		free(path);
		cmd_die(csm_err_exit(err.code), "%s -> %s: %s", a,
		    cmd_name(argv[optind], b, sizeof(b)), err.msg);
	}
	free(path);
	return 0;
}

int
main(int argc, char **argv)
{
	char self[PATH_MAX], tool[PATH_MAX + 96], name[80], *slash;
	ssize_t n;

	cmd_init("csm");
	if (argc < 2)
		cmd_usage_error("a command is needed");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_text, stdout);
		cmd_close_stdout();
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)
		cmd_version();
	if (strcmp(argv[1], "--list-options") == 0) {
		puts("--help\n--version");
		return 0;
	}
	if (argv[1][0] == '-')
		cmd_usage_error("unknown option '%s'", argv[1]);
	if (strcmp(argv[1], "backup") == 0)
		return backup(argc - 1, argv + 1);
	if (strchr(argv[1], '/') != NULL || strlen(argv[1]) > 64)
		cmd_usage_error("'%s' is not a csm command", argv[1]);
	/* The tool's argv[0] is its name, not the path it was found at:
	 * getopt_long(3) starts its messages with it. */
	snprintf(name, sizeof(name), "csm-%s", argv[1]);
	argv[1] = name;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			snprintf(tool, sizeof(tool), "%s/%s", self, name);
			if (access(tool, X_OK) == 0)
				execv(tool, argv + 1);
		}
	}
	execvp(name, argv + 1);
	if (errno == ENOENT)
		cmd_usage_error("'%s' is not a csm command", name + 4);
	cmd_die(EX_SOFTWARE_, "cannot run %s: %s", name, strerror(errno));
}
