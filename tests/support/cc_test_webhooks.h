/*
 * Webhook fixtures for e2e tests through the gateway (README.md "Webhooks"): create one as northcert's
 * admin, read its deliveries, wait for a delivery's outcome, delete it. Every helper fails the current
 * test when an answer is not the expected one.
 */
#ifndef CC_TEST_WEBHOOKS_H
#define CC_TEST_WEBHOOKS_H

#include <jansson.h>

#include "cc_test_caller.h"

/* POST /v1/webhooks as admin {"url", "events": events (JSON array text)}; 201 expected. Returns the answer
 * (with its "id" and the one-time "secret"; the caller decrefs). */
json_t *cc_test_webhook_create(const cc_test_caller_t *admin, const char *url, const char *events);

/* DELETE /v1/webhooks/{id} as admin; 204 expected. */
void cc_test_webhook_delete(const cc_test_caller_t *admin, const char *id);

/* Every delivery of webhook id, newest first (walks the pages; the caller decrefs). */
json_t *cc_test_webhook_deliveries(const cc_test_caller_t *admin, const char *id);

/*
 * Waits (up to timeout_s) until the webhook's delivery of event event_id has status `status` ("delivered"
 * or "failed") and returns it (the caller decrefs); fails the test when it does not.
 */
json_t *cc_test_webhook_wait_delivery(const cc_test_caller_t *admin, const char *id, const char *event_id,
                                      const char *status, int timeout_s);

#endif
