/*
 * PostgreSQL's binary result format (cc_db_query_binary) read into the API's text: a uuid, a date and a
 * timestamptz as GET answers write them. Reading a page in binary spares the server its per-value text
 * output (uuid_out, timestamptz_out: a fifth of its time on GET /v1/findings) and halves those values on the
 * wire. Each column's type is checked first (cc_pgbin_types_ok): a binary value read as another type
 * would be garbage, not an error.
 */
#ifndef CC_PGBIN_H
#define CC_PGBIN_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Type OIDs of pg_type (fixed for the built-in types). */
#define CC_PG_BOOL 16
#define CC_PG_INT4 23
#define CC_PG_TEXT 25
#define CC_PG_DATE 1082
#define CC_PG_TIMESTAMPTZ 1184
#define CC_PG_UUID 2950

#define CC_PGBIN_UUID_BUFSIZE 37 /* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" and its NUL */
#define CC_PGBIN_DATE_BUFSIZE 11 /* "YYYY-MM-DD" and its NUL */
#define CC_PGBIN_TS_BUFSIZE 40   /* "YYYY-MM-DDTHH:MM:SS.mmmZ" and its NUL; a uuid fits too */

/* True when res has at least n columns and column i has type types[i] for each i < n. */
bool cc_pgbin_types_ok(const PGresult *res, const unsigned *types, int n);

/* A 16-byte uuid as lowercase text. Returns 0, or -1 (len is not 16; out is ""). */
int cc_pgbin_uuid(const char *v, int len, char out[CC_PGBIN_UUID_BUFSIZE]);

/* A 4-byte date (days since 2000-01-01) as YYYY-MM-DD. Returns 0, or -1 (bad length, infinity or a year
 * outside 1..9999; out is ""). */
int cc_pgbin_date(const char *v, int len, char out[CC_PGBIN_DATE_BUFSIZE]);

/* An 8-byte timestamptz (microseconds since 2000-01-01 00:00 UTC) as cc_api_ts writes it
 * (0014_findings.sql): "YYYY-MM-DDTHH:MM:SS.mmmZ" in UTC, the milliseconds truncated. Returns 0, or -1 (as
 * cc_pgbin_date). */
int cc_pgbin_timestamptz(const char *v, int len, char out[CC_PGBIN_TS_BUFSIZE]);

/* A 4-byte int4 and a 1-byte bool (no check of the length: see cc_pgbin_types_ok). */
int32_t cc_pgbin_int4(const char *v);
bool cc_pgbin_bool(const char *v);

#endif
