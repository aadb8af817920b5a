/*
 * report_tab.c - building the named tables the views return: a name,
 * columns with their types, rows of values (csm.h, Reports).
 */
#include <string.h>

#include "report_tab.h"

/*
 * A new table named name with the columns of spec, "name:type" items
 * separated by commas ("id:string,at:time,score:int"); NULL when out of
 * memory.
 */
json_t *
tab_new(const char *name, const char *spec)
{
	json_t *cols = json_array(), *t;
	char item[64], *colon;
	const char *p = spec, *e;
	size_t n;

	if (cols == NULL)
		return NULL;
	while (*p != '\0') {
		e = strchr(p, ',');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n >= sizeof(item))
			n = sizeof(item) - 1;
		memcpy(item, p, n);
		item[n] = '\0';
		p += e != NULL ? n + 1 : n;
		if ((colon = strchr(item, ':')) == NULL)
			continue;
		*colon = '\0';
		if (json_array_append_new(cols, json_pack("{s:s, s:s}",
		    "name", item, "type", colon + 1)) < 0) {
			json_decref(cols);
			return NULL;
		}
	}
	t = json_pack("{s:s, s:o, s:[]}", "name", name, "columns", cols,
	    "rows");
	return t;
}

/* Appends row (taken: an array of values) to t.  0, or -1. */
int
tab_add(json_t *t, json_t *row)
{
	if (row == NULL)
		return -1;
	return json_array_append_new(json_object_get(t, "rows"), row);
}

/* Appends t (taken) to the array of tables. 0, or -1. */
int
tab_push(json_t *tables, json_t *t)
{
	if (t == NULL)
		return -1;
	return json_array_append_new(tables, t);
}

/* A column value: the text of s column i, or null. */
json_t *
tab_text(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return json_null();
	return json_stringn((const char *)sqlite3_column_text(s, i),
	    (size_t)sqlite3_column_bytes(s, i));
}

/* An integer column, or null. */
json_t *
tab_int(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return json_null();
	return json_integer(sqlite3_column_int64(s, i));
}

/* A time column in tz as RFC 3339 text, or null. */
json_t *
tab_time(sqlite3_stmt *s, int i, const struct csm_tz *tz)
{
	char buf[40];
	size_t n;

	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return json_null();
	n = csm_time_format(sqlite3_column_int64(s, i), tz, buf);
	return json_stringn(buf, n);
}

/* A reference ("T-000042") of an id column, or null. */
json_t *
tab_ref(sqlite3_stmt *s, int i, char prefix)
{
	char buf[24];

	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return json_null();
	csm_ref_format(prefix, sqlite3_column_int64(s, i), buf);
	return json_string(buf);
}
