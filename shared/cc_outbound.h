/*
 * Outbound HTTP for the registry and the webhooks, over libcurl, behind the
 * address guard (ARCHITECTURE.md "Security"): https only, and never to a
 * loopback, link-local, private, carrier-grade NAT, multicast, unspecified or
 * otherwise non-public address. The guard checks the address actually
 * connected to, after DNS resolution (a name that resolves to 127.0.0.1 is
 * refused like 127.0.0.1), and redirects are never followed (a 3xx is an
 * answer like any other). The one exception is the operator's
 * CC_OUTBOUND_ALLOW (CIDRs, cc_config_t.outbound_allow; never a tenant's
 * setting): an address inside it is allowed, over http too.
 *
 * Calls block: make them on a worker thread, never on an event loop.
 */
#ifndef CC_OUTBOUND_H
#define CC_OUTBOUND_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <time.h>

#include "cc_proxies.h"

typedef struct cc_outbound_request {
    const char *method;         /* "GET", "POST", "PUT", "DELETE" */
    const char *url;            /* absolute http(s) URL */
    const char *const *headers; /* "Name: value" lines, NULL-terminated; may be NULL */
    const char *body;           /* may be NULL */
    size_t body_len;
    int timeout_ms;            /* the whole exchange, connect included; 0: 10000 */
    size_t max_response;       /* bytes of the answer's body kept; 0: 1 MiB; more is CC_OUTBOUND_TOO_LARGE */
    const atomic_bool *cancel; /* may be NULL: the call ends with CC_OUTBOUND_CANCELLED once it is true */
} cc_outbound_request_t;

typedef enum {
    CC_OUTBOUND_OK = 0,          /* an HTTP answer arrived, whatever its status */
    CC_OUTBOUND_REFUSED_URL,     /* malformed, not http(s), or http to an address outside CC_OUTBOUND_ALLOW */
    CC_OUTBOUND_REFUSED_ADDRESS, /* the host's addresses are not public and not in CC_OUTBOUND_ALLOW */
    CC_OUTBOUND_DNS,             /* the name does not resolve */
    CC_OUTBOUND_CONNECT,         /* refused or unreachable */
    CC_OUTBOUND_TIMEOUT,         /* no complete answer within timeout_ms */
    CC_OUTBOUND_DROPPED,         /* the connection closed before a complete answer */
    CC_OUTBOUND_TLS,             /* handshake or certificate verification failed */
    CC_OUTBOUND_TOO_LARGE,
    CC_OUTBOUND_CANCELLED,
    CC_OUTBOUND_ERROR,
} cc_outbound_result_t;

typedef struct cc_outbound_response {
    int status; /* the HTTP status; 0 when there is none */
    char *body; /* NUL-terminated (also when empty); freed by cc_outbound_response_free */
    size_t body_len;
    char *retry_after; /* the Retry-After header's value, or NULL */
    char *location;    /* the Location header's value, or NULL (never followed) */
    char error[256];   /* when the result is not OK: what went wrong, for logs and dead letters (no secret) */
} cc_outbound_response_t;

/*
 * Once per process, before any call (not thread-safe): initialises libcurl and copies the allow list
 * (CC_OUTBOUND_ALLOW; may be empty). Returns 0, or -1 when libcurl cannot start.
 */
int cc_outbound_init(const cc_proxies_t *allow);

/* At process end, after the last call: releases libcurl's global state. */
void cc_outbound_cleanup(void);

/* Makes one request. res is always filled (free it with cc_outbound_response_free). Any thread. */
cc_outbound_result_t cc_outbound_call(const cc_outbound_request_t *req, cc_outbound_response_t *res);

void cc_outbound_response_free(cc_outbound_response_t *res);

/* A short name for a result ("refused_address", "timeout", ...), for logs and stored errors. */
const char *cc_outbound_result_name(cc_outbound_result_t result);

/* True when an address (sockaddr_in or sockaddr_in6; an IPv4-mapped IPv6 address counts as its IPv4
 * address) is public: not loopback, link-local, private, CGNAT, multicast, unspecified or reserved. */
bool cc_outbound_address_public(const struct sockaddr *sa);

/*
 * Checks a URL without sending anything, as the settings and webhook APIs do before they store one: its
 * shape and scheme, and that its host resolves to addresses the guard allows. Returns CC_OUTBOUND_OK or
 * the refusal, with a human explanation in error (errlen bytes).
 */
cc_outbound_result_t cc_outbound_check_url(const char *url, char *error, size_t errlen);

/*
 * Whether a URL may be stored (a registry base_url, a webhook url): cc_outbound_check_url's verdict,
 * except that an https URL whose name does not resolve now is accepted, since the guard judges every
 * address again on each call. false sets error.
 */
bool cc_outbound_url_storable(const char *url, char *error, size_t errlen);

/* The seconds a Retry-After value asks for (delta-seconds or an HTTP-date, relative to now), or -1 when
 * it is neither. */
int cc_outbound_retry_after(const char *value, time_t now);

#endif
