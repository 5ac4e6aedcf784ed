/*
 * Which peers are trusted proxies: their X-Forwarded-For names the client.
 * A list of CIDR blocks (CC_TRUSTED_PROXIES, default loopback). Behind the
 * gateway every request comes from the gateway, so without this the
 * per-address login throttle would throttle everyone at once.
 */
#ifndef CC_PROXIES_H
#define CC_PROXIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define CC_MAX_PROXY_BLOCKS 16
#define CC_DEFAULT_TRUSTED_PROXIES "127.0.0.0/8,::1/128"

typedef struct cc_proxies {
    size_t count;
    struct {
        int family; /* AF_INET or AF_INET6 */
        uint8_t addr[16];
        int prefix;
    } blocks[CC_MAX_PROXY_BLOCKS];
} cc_proxies_t;

/* Parses "10.0.0.0/8, ::1/128, 192.0.2.7" (a bare address is a single host). Returns 0, or -1 when malformed.
 */
int cc_proxies_parse(cc_proxies_t *p, const char *list);

/* True when the address (struct sockaddr_in or sockaddr_in6) lies in a block. */
bool cc_proxies_contains(const cc_proxies_t *p, const struct sockaddr *sa);

/*
 * The right-most entry of an X-Forwarded-For value (the hop the trusted proxy appended): sets *start and
 * returns its length without surrounding spaces and tabs; 0 when that entry is empty.
 */
size_t cc_xff_last(const char *xff, size_t len, const char **start);

#endif
