/*
 * TEMPORARY: 501 answers and empty workers for what is not built yet. Each
 * slice deletes the lines it implements; the last one deletes this file.
 */
#include "registry_sync.h"
#include "registry_worker.h"
#include <stdlib.h>

#define PENDING(fn)                                                                                          \
    void fn(cc_request_t *r)                                                                                 \
    {                                                                                                        \
        cc_respond_error(r, 501, "not_implemented", "not built yet");                                        \
    }

PENDING(registry_settings_get_handle)
PENDING(registry_settings_put_handle)
PENDING(registry_status_handle)
PENDING(registry_resync_handle)
PENDING(registry_reconcile_handle)
PENDING(registry_dead_letters_list_handle)
PENDING(registry_dead_letter_retry_handle)

int registry_monthly_duty(cc_dbconn_t *db, const char *tenant_id)
{
    (void)db, (void)tenant_id;
    return 0;
}

/* TEMPORARY: no workers until the registry and webhooks slices build them. */
registry_workers_t *registry_workers_start(const cc_config_t *config)
{
    (void)config;
    return NULL;
}
void registry_workers_wake(registry_workers_t *w)
{
    (void)w;
}
void registry_workers_stop(registry_workers_t *w)
{
    (void)w;
}

/* TEMPORARY: until the outbound slice builds shared/cc_outbound.c. */
#include "cc_outbound.h"
int cc_outbound_init(const cc_proxies_t *allow)
{
    (void)allow;
    return 0;
}
/* TEMPORARY (webhooks slice, until OUTBOUND lands): the calls the webhooks make. */
#include <string.h>
cc_outbound_result_t cc_outbound_call(const cc_outbound_request_t *req, cc_outbound_response_t *res)
{
    (void)req;
    memset(res, 0, sizeof(*res));
    res->body = strdup("");
    return CC_OUTBOUND_ERROR;
}
void cc_outbound_response_free(cc_outbound_response_t *res)
{
    free(res->body);
    free(res->retry_after);
    free(res->location);
}
const char *cc_outbound_result_name(cc_outbound_result_t result)
{
    (void)result;
    return "error";
}
cc_outbound_result_t cc_outbound_check_url(const char *url, char *error, size_t errlen)
{
    (void)url, (void)error, (void)errlen;
    return CC_OUTBOUND_OK;
}
