/*
 * report_tab.h - named tables for the report views (report_tab.c).
 */
#ifndef CSM_REPORT_TAB_H
#define CSM_REPORT_TAB_H

#include "internal.h"

json_t *tab_new(const char *name, const char *spec);
int tab_add(json_t *t, json_t *row);
int tab_push(json_t *tables, json_t *t);
json_t *tab_text(sqlite3_stmt *s, int i);
json_t *tab_int(sqlite3_stmt *s, int i);
json_t *tab_time(sqlite3_stmt *s, int i, const struct csm_tz *tz);
json_t *tab_ref(sqlite3_stmt *s, int i, char prefix);

#endif /* CSM_REPORT_TAB_H */
