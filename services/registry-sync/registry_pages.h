/*
 * Reading the CB's records back from the registry page by page (GET /cb/cert?limit=&offset=; DOMAIN.md
 * "IAF CertSearch"), shared by the consent deletes (registry_consent.c) and available to reconciliation.
 * A page may hold fewer records than asked for (a registry may cap its pages) and meta.total_rows may be
 * absent: the next offset is the records read so far, and only an empty page (or a known total reached)
 * ends the listing, never a short page or a missing total.
 */
#ifndef REGISTRY_PAGES_H
#define REGISTRY_PAGES_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "registry_client.h"

#define REGISTRY_PAGES_MAX 10000 /* pages read at most: a bound on a registry that never stops paging */

/* Pure: after a page of n records read at *offset, advances *offset by n and says whether another page is
 * to be read. total: meta.total_rows, or a negative number when the registry did not give it. */
bool registry_pages_more(int *offset, size_t n, json_int_t total);

/* Asked before each page: false stops the listing (e.g. the lease has no time left for another call). */
typedef bool (*registry_pages_go_on_fn)(void *ctx);
/* Called for each record of each page (borrowed reference). */
typedef void (*registry_pages_record_fn)(json_t *record, void *ctx);

typedef enum {
    REGISTRY_PAGES_DONE,    /* every page read */
    REGISTRY_PAGES_STOPPED, /* go_on said no before a page: the listing is incomplete */
    REGISTRY_PAGES_FAILED,  /* a page failed: reply holds that answer (the caller frees it) */
} registry_pages_result_t;

/* Reads every page (REGISTRY_LIST_MAX records asked each), calling on_record per record. go_on may be
 * NULL (always go on). reply is overwritten; unless FAILED it holds nothing on return. */
registry_pages_result_t registry_pages_read(const registry_conn_t *conn, registry_pages_go_on_fn go_on,
                                            registry_pages_record_fn on_record, void *ctx,
                                            registry_reply_t *reply);

#endif
