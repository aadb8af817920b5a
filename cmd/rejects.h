/*
 * rejects.h - --rejects FILE, shared by the tools that read records:
 * refused records kept as they were read, so that the file, once fixed,
 * is an input again.
 */
#ifndef CSM_REJECTS_H
#define CSM_REJECTS_H

#include <stddef.h>

struct csm_reader;
struct cmd_rejects;

/*
 * Opens path for the records refused from inputs[0..ninputs) (stdin when
 * ninputs is 0).  Naming one of the inputs by any name (a link, a symlink,
 * stdin redirected from it) or "-" is a usage error (exit 64), found before
 * anything is truncated; a file that cannot be made exits 73.
 */
struct cmd_rejects *cmd_rejects_open(const char *path, char **inputs,
    int ninputs);
/*
 * Keeps raw (a record of line `line` of r, the reader of input `file`) in
 * the rejects file; NULL rj is a no-op.  CSV and TSV rejects of several
 * inputs share one header line, so that the file reads back; an input
 * with another header starts a section of its own, with a warning.
 */
void cmd_rejects_add(struct cmd_rejects *rj, struct csm_reader *r,
    const char *file, long line, const char *raw, size_t rawlen);
/* Closes the file; exits 74 when what it held could not be written. */
void cmd_rejects_close(struct cmd_rejects *rj);

#endif
