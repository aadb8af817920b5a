/*
 * err.c - filling struct csm_err, and the one table from error codes to
 * exit statuses (sysexits(3) subset of csm(7)).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "csm.h"

/*
 * Formats a message into err (if not NULL) with the given code.  Always
 * returns -1, so that failure sites can "return csm_err_set(...)".
 */
int
csm_err_set(struct csm_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Resets err to "no error". */
void
csm_err_clear(struct csm_err *err)
{
	if (err == NULL)
		return;
	err->code = CSM_OK;
	err->line = 0;
	err->col = 0;
	err->msg[0] = '\0';
}

/* The exit status a tool uses for an error code (csm(7), EXIT STATUS). */
int
csm_err_exit(int code)
{
	switch (code) {
	case CSM_OK:
		return 0;
	case CSM_EUSAGE:
		return 64;
	case CSM_EDATA:
		return 65;
	case CSM_ENOINPUT:
		return 66;
	case CSM_ECANTCREAT:
		return 73;
	case CSM_EIO:
		return 74;
	case CSM_EBUSY:
		return 75;
	case CSM_ECONFIG:
		return 78;
	default:
		return 70;
	}
}
