/*
 * Trusted-proxy CIDR lists; see cc_proxies.h.
 */
#include "cc_proxies.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

static int parse_block(cc_proxies_t *p, const char *text, size_t len)
{
    char buf[64];
    if (len == 0 || len >= sizeof(buf) || p->count == CC_MAX_PROXY_BLOCKS)
        return -1;
    memcpy(buf, text, len);
    buf[len] = '\0';
    char *slash = strchr(buf, '/');
    if (slash != NULL)
        *slash = '\0';
    int family = strchr(buf, ':') != NULL ? AF_INET6 : AF_INET;
    int max = family == AF_INET ? 32 : 128;
    if (inet_pton(family, buf, p->blocks[p->count].addr) != 1)
        return -1;
    int prefix = max;
    if (slash != NULL) {
        char *end;
        long n = strtol(slash + 1, &end, 10);
        if (*end != '\0' || end == slash + 1 || n < 0 || n > max)
            return -1;
        prefix = (int)n;
    }
    p->blocks[p->count].family = family;
    p->blocks[p->count].prefix = prefix;
    p->count++;
    return 0;
}

int cc_proxies_parse(cc_proxies_t *p, const char *list)
{
    memset(p, 0, sizeof(*p));
    const char *s = list;
    while (*s != '\0') {
        while (*s == ' ' || *s == ',')
            s++;
        if (*s == '\0')
            break;
        size_t len = strcspn(s, ", ");
        if (parse_block(p, s, len) != 0)
            return -1;
        s += len;
    }
    return 0;
}

static bool prefix_matches(const uint8_t *a, const uint8_t *b, int prefix)
{
    int full = prefix / 8, rest = prefix % 8;
    if (memcmp(a, b, (size_t)full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a[full] & mask) == (b[full] & mask);
}

bool cc_proxies_contains(const cc_proxies_t *p, const struct sockaddr *sa)
{
    const uint8_t *addr;
    int family = sa->sa_family;
    if (family == AF_INET)
        addr = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
    else if (family == AF_INET6)
        addr = (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
    else
        return false;
    for (size_t i = 0; i < p->count; i++)
        if (p->blocks[i].family == family && prefix_matches(addr, p->blocks[i].addr, p->blocks[i].prefix))
            return true;
    return false;
}

size_t cc_xff_last(const char *xff, size_t len, const char **start)
{
    const char *s = xff, *end = xff + len;
    for (size_t k = 0; k < len; k++)
        if (xff[k] == ',')
            s = xff + k + 1;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    *start = s;
    return (size_t)(end - s);
}
