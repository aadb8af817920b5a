/*
 * fields.c - the fields records carry (fields.h): their names, types and
 * the kinds of record that read them, for prep.c, form.c and the tools.
 */
#include <string.h>

#include "model.h"

#define CSM_X_DEF(slot, name, type, kinds, derived, idkind) \
	[slot] = {name, type, kinds, derived, idkind},
const struct csm_fdef csm_fdefs[NFIELDS] = {
	CSM_FIELDS(CSM_X_DEF)
};
#undef CSM_X_DEF

/* The record field name of a slot. */
const char *
csm_field_name(int f)
{
	return f >= 0 && f < NFIELDS ? csm_fdefs[f].name : NULL;
}

/* The slot of a field name, or -1. */
int
csm_field_slot(const char *name)
{
	int f;

	for (f = 0; f < NFIELDS; f++)
		if (csm_fdefs[f].name[0] == name[0] &&
		    strcmp(csm_fdefs[f].name, name) == 0)
			return f;
	return -1;
}

/* Whether name is built in for records of kind. */
int
csm_field_builtin(int kind, const char *name)
{
	int f;

	if (strcmp(name, "type") == 0 || strcmp(name, "stage") == 0)
		return 1;
	f = csm_field_slot(name);
	return f >= 0 && ((csm_fdefs[f].kinds | csm_fdefs[f].derived) &
	    (1u << kind)) != 0;
}

/* Whether name is any record's field or a name printed records carry. */
int
csm_field_reserved(const char *name)
{
	return strcmp(name, "type") == 0 || strcmp(name, "stage") == 0 ||
	    csm_field_slot(name) >= 0;
}
