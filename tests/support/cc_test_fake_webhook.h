/*
 * The webhook receiver double (tests/fakes/webhook_receiver.py) from a test: start it on
 * CC_TEST_FAKE_HOST (127.0.0.2, inside deploy/test's CC_OUTBOUND_ALLOW) at a free port, give it the
 * webhook's secret (it verifies every delivery's signature itself, with Python's hmac), steer its faults,
 * and read back what it received. Every helper fails the current test when the double does not answer
 * as expected.
 */
#ifndef CC_TEST_FAKE_WEBHOOK_H
#define CC_TEST_FAKE_WEBHOOK_H

#include <jansson.h>

typedef struct cc_fake_webhook cc_fake_webhook_t;

/* Starts a receiver and waits until it answers. */
cc_fake_webhook_t *cc_fake_webhook_start(void);

/* Stops it (SIGTERM, then SIGKILL) and frees f. NULL is a no-op. */
void cc_fake_webhook_stop(cc_fake_webhook_t *f);

/* The URL deliveries go to, as a webhook's url: "http://127.0.0.2:<port>/hooks/certcycle". */
const char *cc_fake_webhook_url(const cc_fake_webhook_t *f);

/* Gives it the webhook's secret ("whsec_..."): from then on it verifies each delivery's signature. */
void cc_fake_webhook_secret(cc_fake_webhook_t *f, const char *secret);

/* Replaces its fault plan, e.g. {"mode": "500", "count": 2}, {"mode": "hang", "hang_ms": 4000},
 * {"mode": "drop"}; {"mode": "none"} clears it (tests/fakes/webhook_receiver.py). */
void cc_fake_webhook_faults(cc_fake_webhook_t *f, const char *plan_json);

/* Every delivery received, oldest first: [{"n", "method", "path", "headers", "body", "json",
 * "verified", "signature_error", "fault", "received_at"}] (a new reference). */
json_t *cc_fake_webhook_deliveries(cc_fake_webhook_t *f);

/*
 * Waits (up to timeout_s seconds) until at least `count` deliveries of event type `type` have arrived
 * whose body's data member `key` (NULL: any) equals `value`, and returns those deliveries, oldest first
 * (a new reference; fewer than count when time ran out).
 */
json_t *cc_fake_webhook_wait(cc_fake_webhook_t *f, const char *type, const char *key, const char *value,
                             size_t count, int timeout_s);

#endif
