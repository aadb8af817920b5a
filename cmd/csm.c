/*
 * csm - the front door: "csm ingest ..." runs "csm-ingest ...", found
 * next to this program first, then on PATH (as git runs git-foo).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static const char usage_text[] =
"usage: csm [--help] [--version] COMMAND [ARGS ...]\n"
"\n"
"csm is customer service management as Unix filters.  Commands:\n"
"\n"
"  ingest    take tickets, messages, customers, orders and surveys into\n"
"            the store\n"
"\n"
"'csm COMMAND --help' and csm-COMMAND(1) tell more; csm(7) is the\n"
"overview.\n";

int
main(int argc, char **argv)
{
	char self[PATH_MAX], tool[PATH_MAX + 32], *slash;
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
	if (strchr(argv[1], '/') != NULL || strlen(argv[1]) > 64)
		cmd_usage_error("'%s' is not a csm command", argv[1]);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			snprintf(tool, sizeof(tool), "%s/csm-%s", self,
			    argv[1]);
			if (access(tool, X_OK) == 0) {
				argv[1] = tool;
				execv(tool, argv + 1);
			}
		}
	}
	snprintf(tool, sizeof(tool), "csm-%s", argv[1]);
	argv[1] = tool;
	execvp(tool, argv + 1);
	if (errno == ENOENT)
		cmd_usage_error("'%s' is not a csm command", tool + 4);
	cmd_die(EX_SOFTWARE_, "cannot run %s: %s", tool, strerror(errno));
}
