/*
 * POST /v1/webhooks (ARCHITECTURE.md "Webhooks"): a receiver of the tenant's certificate and finding
 * events. The URL must be one the outbound guard allows (cc_outbound_url_storable: https to a public address,
 * or an address in the operator's CC_OUTBOUND_ALLOW), checked on the worker (it resolves the name, which
 * blocks). The answer carries the signing secret ("whsec_" + base64url of 32 random bytes) this once; it is
 * stored sealed under the master key (cc_aead_seal), never logged, never in the event. Not idempotent on
 * purpose: a stored replay would keep the secret in clear.
 */
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_mem.h"
#include "cc_outbound.h"
#include "cc_problem.h"
#include "cc_write.h"
#include "registry_sync.h"
#include "webhooks.h"

#define SECRET_BYTES 32

static const cc_field_t create_fields[] = {
    {"url", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 2000, NULL},
    {"events", CC_FIELD_ARRAY, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"description", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 200, NULL},
};

static bool is_event_type(const char *s)
{
    for (size_t i = 0; webhook_event_types[i] != NULL; i++)
        if (strcmp(s, webhook_event_types[i]) == 0)
            return true;
    return false;
}

/* events: at least one, each one of the seven, none twice. */
static void check_events(const json_t *events, json_t *problem)
{
    if (!json_is_array(events))
        return; /* the field table said so */
    if (json_array_size(events) == 0) {
        cc_problem_add_error(problem, "events", "required", "name at least one event type");
        return;
    }
    size_t i, j;
    json_t *e;
    json_array_foreach(events, i, e)
    {
        if (!json_is_string(e) || !is_event_type(json_string_value(e))) {
            cc_problem_add_error(problem, "events", "invalid_value",
                                 "each must be one of: certificate.issued certificate.suspended "
                                 "certificate.restored certificate.withdrawn certificate.expired "
                                 "certificate.revised finding.overdue");
            return;
        }
        for (j = 0; j < i; j++)
            if (json_equal(e, json_array_get(events, j))) {
                cc_problem_add_error(problem, "events", "duplicate", "names an event type twice");
                return;
            }
    }
}

/* On the loop: the events, the URL's scheme (the guard's full check resolves the host: on the worker),
 * and that the deployment can seal a secret at all. */
static cc_step_t create_check(cc_request_t *r, const json_t *body, json_t *problem)
{
    if (!cc_request_config(r)->has_master_key) {
        cc_respond_error(r, 503, "master_key_missing", "the deployment has no master key to keep secrets");
        return CC_ANSWERED;
    }
    check_events(json_object_get(body, "events"), problem);
    const char *url = cc_json_str(body, "url");
    if (url != NULL && strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
        cc_problem_add_error(problem, "url", "outbound_refused", "must be an absolute http(s) URL");
    return CC_GO_ON;
}

/* "whsec_" + base64url(32 random bytes), and that secret sealed under the master key. */
static char *new_secret(const uint8_t master_key[32], uint8_t **sealed, size_t *sealed_len)
{
    uint8_t raw[SECRET_BYTES];
    cc_random_bytes(raw, sizeof(raw));
    char *b64 = cc_base64url_encode(raw, sizeof(raw));
    size_t len = strlen("whsec_") + strlen(b64) + 1;
    char *secret = cc_malloc(len);
    memcpy(secret, "whsec_", 6);
    memcpy(secret + 6, b64, strlen(b64) + 1);
    free(b64);
    if (cc_aead_seal(master_key, secret, strlen(secret), sealed, sealed_len) != 0) {
        free(secret);
        return NULL;
    }
    return secret;
}

static cc_step_t insert(cc_write_t *w, const char *secret, const uint8_t *sealed, size_t sealed_len)
{
    char *events = json_dumps(json_object_get(w->body, "events"), JSON_COMPACT);
    const char *values[] = {w->actor.tenant_id,
                            cc_json_str(w->body, "url"),
                            events,
                            cc_json_str(w->body, "description"),
                            (const char *)sealed,
                            w->actor.user_id};
    const int lengths[] = {0, 0, 0, 0, (int)sealed_len, 0};
    const int formats[] = {0, 0, 0, 0, 1, 0};
    PGresult *res = cc_db_exec_params(w->db, &sql_webhook_insert, 6, values, lengths, formats);
    free(events);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "webhook insert");
    json_t *hook = webhook_from_row(res, 0);
    PQclear(res);
    json_t *detail =
        json_pack("{s:O, s:O, s:O}", "url", json_object_get(hook, "url"), "events",
                  json_object_get(hook, "events"), "description", json_object_get(hook, "description"));
    json_object_set_new(hook, "secret", json_string(secret));
    cc_write_result(w, hook, detail);
    return CC_GO_ON;
}

static cc_step_t create_run(cc_write_t *w)
{
    char why[256] = "";
    if (!cc_outbound_url_storable(cc_json_str(w->body, "url"), why, sizeof(why)))
        return cc_write_fail_field(w, 400, "outbound_refused", "url", why[0] != '\0' ? why : "refused");
    uint8_t *sealed = NULL;
    size_t sealed_len = 0;
    char *secret = new_secret(cc_request_config(w->job->request)->master_key, &sealed, &sealed_len);
    if (secret == NULL)
        return cc_write_fail(w, 500, "internal_error", "the secret could not be sealed");
    cc_step_t step = insert(w, secret, sealed, sealed_len);
    memset(secret, 0, strlen(secret));
    free(secret);
    free(sealed);
    return step;
}

static const cc_write_spec_t create_spec = {
    .fields = create_fields,
    .nfields = CC_NFIELDS(create_fields),
    .check = create_check,
    .run = create_run,
    .status = 201,
    .event_action = "webhook.created",
    .event_entity = "webhook",
    .location = "/v1/webhooks/",
};

CC_WRITE_HANDLER(webhooks_create_handle, create_spec);
