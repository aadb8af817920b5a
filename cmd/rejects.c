/*
 * rejects.c - --rejects FILE: refused records, kept as read (rejects.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "rejects.h"

struct cmd_rejects {
	FILE		*fp;
	const char	*path;
	const char	*hdr_done;	/* input whose header was looked at */
	char		*hdr;		/* the header written, new */
	size_t		 hdrlen;
};

/* Whether path (an input, "-" for stdin) is the file st describes. */
static int
same_file(const char *path, const struct stat *st)
{
	struct stat in;

	if (strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, &in) :
	    stat(path, &in))
		return 0;
	return in.st_dev == st->st_dev && in.st_ino == st->st_ino;
}

struct cmd_rejects *
cmd_rejects_open(const char *path, char **inputs, int ninputs)
{
	struct cmd_rejects *rj;
	struct stat st;
	char name[256];
	int fd, i;

	if (strcmp(path, "-") == 0)
		cmd_usage_error("--rejects needs a file, not stdout");
	if (stat(path, &st) == 0) {
		if (ninputs == 0 && same_file("-", &st))
			cmd_usage_error("--rejects '%s' is the input (stdin)",
			    cmd_name(path, name, sizeof(name)));
		for (i = 0; i < ninputs; i++)
			if (same_file(inputs[i], &st))
				cmd_usage_error("--rejects '%s' is one of the "
				    "inputs", cmd_name(path, name,
				    sizeof(name)));
	}
	if ((rj = calloc(1, sizeof(*rj))) == NULL)
		cmd_die(EX_SOFTWARE_, "out of memory");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		cmd_die(EX_CANTCREAT_, "cannot create '%s': %s",
		    cmd_name(path, name, sizeof(name)), strerror(errno));
	if ((rj->fp = fdopen(fd, "w")) == NULL)
		cmd_die(EX_SOFTWARE_, "out of memory");
	rj->path = path;
	return rj;
}

/* The header of file's input, once an input, when it is not the one the
 * rejects already follow. */
static void
header(struct cmd_rejects *rj, struct csm_reader *r, const char *file)
{
	const char *hdr;
	char name[256];
	size_t hlen;

	rj->hdr_done = file;
	hdr = csm_reader_header(r, &hlen);
	if (hdr == NULL || (rj->hdr != NULL && hlen == rj->hdrlen &&
	    memcmp(hdr, rj->hdr, hlen) == 0))
		return;
	if (rj->hdr != NULL)
		cmd_warn("warning: %s has another header than the rejects "
		    "before it; its rejects follow its own header line in %s",
		    cmd_name(file, name, sizeof(name)), rj->path);
	free(rj->hdr);
	if ((rj->hdr = malloc(hlen + 1)) == NULL)
		cmd_die(EX_SOFTWARE_, "out of memory");
	memcpy(rj->hdr, hdr, hlen);
	rj->hdrlen = hlen;
	fwrite(hdr, 1, hlen, rj->fp);
	fputc('\n', rj->fp);
}

void
cmd_rejects_add(struct cmd_rejects *rj, struct csm_reader *r,
    const char *file, long line, const char *raw, size_t rawlen)
{
	if (rj == NULL)
		return;
	if (rj->hdr_done != file && line > 1 && r != NULL)
		header(rj, r, file);
	fwrite(raw, 1, rawlen, rj->fp);
	fputc('\n', rj->fp);
}

void
cmd_rejects_close(struct cmd_rejects *rj)
{
	char name[256];

	if (rj == NULL)
		return;
	if (ferror(rj->fp) | (fclose(rj->fp) != 0))
		cmd_die(EX_IOERR_, "%s: %s", cmd_name(rj->path, name,
		    sizeof(name)), strerror(errno != 0 ? errno : EIO));
	free(rj->hdr);
	free(rj);
}
