/*
 * The public lookup's in-memory index (public_index.h; ARCHITECTURE.md "Public verification").
 *
 * Each revision's public record becomes an immutable, refcounted entry holding the answer's text without
 * its date-dependent tail (`valid`) and its deployment-dependent tail (`verify_url`), so a lookup copies
 * text and never parses. Entries hang on four hash chains of one table: (cb slug, number), number, holder
 * (folded legal name and country; current revisions of public clients only) and certification id.
 *
 * One writer (the notification listener's thread) and many readers (the event loops). A reader takes the
 * read lock only to walk a chain and retain what it found; it builds the answer after unlocking. The writer
 * builds new entries before locking, and holds the write lock only to link and unlink them (a notification)
 * or to swap the whole table (a reload). Writers are preferred, so a stream of readers cannot starve one.
 */
#include "public_index.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "rules/civil_date.h"

typedef struct entry {
    atomic_int refs;
    struct entry *next_key, *next_number, *next_holder, *next_cert;
    char *slug;       /* lowercase */
    char *number;     /* exact */
    char *holder_key; /* folded name, 0x1f, upper-case country; NULL: not findable by holder */
    char certification_id[37];
    bool active, confidential;
    char effective[11], expiry[11]; /* YYYY-MM-DD */
    char *prefix;                   /* the answer up to (not including) ,"valid":... */
    size_t prefix_len;
    char *verify_path; /* /verify/<slug>/<number>; NULL for a confidential client (no verify_url) */
    char hash[17];     /* 64 bits of SHA-256(prefix) in hex: half of the ETag */
} entry_t;

typedef struct table {
    size_t nbuckets; /* a power of two */
    size_t count;
    entry_t **by_key, **by_number, **by_holder, **by_cert;
} table_t;

static pthread_rwlock_t lock;
static pthread_once_t lock_once = PTHREAD_ONCE_INIT;
static table_t *current; /* guarded by lock */
static atomic_bool loaded;

static void lock_init(void)
{
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&lock, &attr);
    pthread_rwlockattr_destroy(&attr);
}

/* ---- hashing and folding ---- */

static uint64_t fnv(uint64_t h, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

#define FNV_BASIS 14695981039346656037ULL

static uint64_t key_hash(const char *slug, const char *number)
{
    return fnv(fnv(fnv(FNV_BASIS, slug, strlen(slug)), "/", 1), number, strlen(number));
}

static uint64_t str_hash(const char *s)
{
    return fnv(FNV_BASIS, s, strlen(s));
}

/* Folds a legal name for the case-insensitive exact match: ASCII letters and the Latin-1 capitals
 * (U+00C0..U+00DE but U+00D7) to lower case; every other byte as it is. */
static void fold_name(const char *s, char *out)
{
    size_t j = 0;
    for (size_t i = 0; s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xC3 && s[i + 1] != '\0') {
            unsigned char d = (unsigned char)s[i + 1];
            out[j++] = (char)c;
            out[j++] = (char)(d >= 0x80 && d <= 0x9E && d != 0x97 ? d + 0x20 : d);
            i++;
        } else {
            out[j++] = (char)tolower(c);
        }
    }
    out[j] = '\0';
}

/* The holder key: the folded name, 0x1f, the country in upper case. Caller frees. */
static char *holder_key(const char *name, const char *country)
{
    size_t n = strlen(name), c = strlen(country);
    char *out = cc_malloc(n + c + 2);
    fold_name(name, out);
    size_t j = strlen(out);
    out[j++] = '\x1f';
    for (size_t i = 0; i < c; i++)
        out[j++] = (char)toupper((unsigned char)country[i]);
    out[j] = '\0';
    return out;
}

static void lower_copy(const char *s, char *out, size_t cap)
{
    size_t i = 0;
    for (; s[i] != '\0' && i + 1 < cap; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    out[i] = '\0';
}

/* ---- entries ---- */

static void entry_release(entry_t *e)
{
    if (e == NULL || atomic_fetch_sub(&e->refs, 1) != 1)
        return;
    free(e->slug);
    free(e->number);
    free(e->holder_key);
    free(e->prefix);
    free(e->verify_path);
    free(e);
}

static void copy_date(json_t *record, const char *name, char out[11])
{
    const char *s = json_string_value(json_object_get(record, name));
    snprintf(out, 11, "%s", s != NULL ? s : "");
}

/* The answer's fields for record, without valid and verify_url (public_index.h). */
static json_t *public_view(json_t *record, bool confidential, bool superseded)
{
    static const char *const full[] = {
        "number",
        "revision",
        "status",
        "holder",
        "standard",
        "scope",
        "sites",
        "original_issue_date",
        "issue_date",
        "expiry_date",
        "suspended_since",
        "withdrawn_on",
        "certification_body",
        "accreditation_body",
        "updated_at",
    };
    static const char *const restricted[] = {"number", "status", "standard", "certification_body"};
    const char *const *names = confidential ? restricted : full;
    size_t n = confidential ? sizeof(restricted) / sizeof(*restricted) : sizeof(full) / sizeof(*full);
    json_t *out = json_object();
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(record, names[i]);
        json_object_set(out, names[i], v != NULL ? v : json_null());
        if (superseded && strcmp(names[i], "status") == 0)
            json_object_set(out, "current_number", json_object_get(record, "current_number"));
    }
    return out;
}

/* A new entry (one reference) from one row of cc_public_certificates(), or NULL when the row is unusable. */
static entry_t *entry_new(const char *slug, const char *number, const char *record_text)
{
    json_t *record = json_loads(record_text, 0, NULL);
    const char *status = json_string_value(json_object_get(record, "status"));
    const char *cert = json_string_value(json_object_get(record, "certification_id"));
    if (record == NULL || status == NULL || cert == NULL || strlen(cert) != 36) {
        cc_log(CC_LOG_WARN, "public index: cannot read the record of %s/%s", slug, number);
        json_decref(record);
        return NULL;
    }
    entry_t *e = cc_calloc(1, sizeof(*e));
    atomic_init(&e->refs, 1);
    char low[128];
    lower_copy(slug, low, sizeof(low));
    e->slug = cc_strdup(low);
    e->number = cc_strdup(number);
    memcpy(e->certification_id, cert, 37);
    e->active = strcmp(status, "active") == 0;
    e->confidential = json_is_true(json_object_get(record, "confidential"));
    bool superseded = strcmp(status, "superseded") == 0;
    copy_date(record, "effective_date", e->effective);
    copy_date(record, "expiry_date", e->expiry);
    json_t *holder = json_object_get(record, "holder");
    const char *name = json_string_value(json_object_get(holder, "name"));
    const char *country = json_string_value(json_object_get(holder, "country"));
    if (!e->confidential && !superseded && name != NULL && country != NULL)
        e->holder_key = holder_key(name, country);
    json_t *view = public_view(record, e->confidential, superseded);
    char *text = json_dumps(view, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(view);
    json_decref(record);
    e->prefix_len = strlen(text) - 1; /* without the closing brace */
    e->prefix = cc_strndup(text, e->prefix_len);
    free(text);
    if (!e->confidential) {
        size_t n = strlen("/verify/") + strlen(e->slug) + 1 + strlen(number) + 1;
        e->verify_path = cc_malloc(n);
        snprintf(e->verify_path, n, "/verify/%s/%s", e->slug, number);
    }
    uint8_t digest[CC_SHA256_LEN];
    cc_sha256(e->prefix, e->prefix_len, digest);
    cc_hex_encode(digest, 8, e->hash);
    return e;
}

/* ---- the table ---- */

static table_t *table_new(size_t expected)
{
    table_t *t = cc_calloc(1, sizeof(*t));
    t->nbuckets = 64;
    while (t->nbuckets < expected)
        t->nbuckets *= 2;
    t->by_key = cc_calloc(t->nbuckets, sizeof(entry_t *));
    t->by_number = cc_calloc(t->nbuckets, sizeof(entry_t *));
    t->by_holder = cc_calloc(t->nbuckets, sizeof(entry_t *));
    t->by_cert = cc_calloc(t->nbuckets, sizeof(entry_t *));
    return t;
}

static void link_entry(table_t *t, entry_t *e)
{
    size_t m = t->nbuckets - 1;
    entry_t **k = &t->by_key[key_hash(e->slug, e->number) & m];
    e->next_key = *k, *k = e;
    entry_t **n = &t->by_number[str_hash(e->number) & m];
    e->next_number = *n, *n = e;
    entry_t **c = &t->by_cert[str_hash(e->certification_id) & m];
    e->next_cert = *c, *c = e;
    if (e->holder_key != NULL) {
        entry_t **h = &t->by_holder[str_hash(e->holder_key) & m];
        e->next_holder = *h, *h = e;
    }
    t->count++;
}

/* Unlinks e from every chain of t (it is on them). */
static void unlink_entry(table_t *t, entry_t *e)
{
    size_t m = t->nbuckets - 1;
    entry_t **p;
    for (p = &t->by_key[key_hash(e->slug, e->number) & m]; *p != e; p = &(*p)->next_key)
        ;
    *p = e->next_key;
    for (p = &t->by_number[str_hash(e->number) & m]; *p != e; p = &(*p)->next_number)
        ;
    *p = e->next_number;
    for (p = &t->by_cert[str_hash(e->certification_id) & m]; *p != e; p = &(*p)->next_cert)
        ;
    *p = e->next_cert;
    if (e->holder_key != NULL) {
        for (p = &t->by_holder[str_hash(e->holder_key) & m]; *p != e; p = &(*p)->next_holder)
            ;
        *p = e->next_holder;
    }
    t->count--;
}

/* Doubles t's buckets when it holds more entries than buckets (the writer, under the write lock). */
static void table_grow(table_t *t)
{
    if (t->count < t->nbuckets)
        return;
    table_t *bigger = table_new(t->nbuckets * 2);
    for (size_t i = 0; i < t->nbuckets; i++)
        for (entry_t *e = t->by_key[i], *next; e != NULL; e = next) {
            next = e->next_key;
            link_entry(bigger, e);
        }
    free(t->by_key), free(t->by_number), free(t->by_holder), free(t->by_cert);
    *t = *bigger;
    free(bigger);
}

static void table_free(table_t *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->nbuckets; i++)
        for (entry_t *e = t->by_key[i], *next; e != NULL; e = next) {
            next = e->next_key;
            entry_release(e);
        }
    free(t->by_key), free(t->by_number), free(t->by_holder), free(t->by_cert);
    free(t);
}

/* ---- the writer ---- */

static bool result_shape_ok(const PGresult *res)
{
    return res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK && PQnfields(res) == 3;
}

int public_index_load(const PGresult *res)
{
    pthread_once(&lock_once, lock_init);
    if (!result_shape_ok(res))
        return -1;
    int rows = PQntuples(res);
    table_t *fresh = table_new((size_t)rows);
    for (int i = 0; i < rows; i++) {
        entry_t *e = entry_new(PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2));
        if (e != NULL)
            link_entry(fresh, e);
    }
    pthread_rwlock_wrlock(&lock);
    table_t *old = current;
    current = fresh;
    pthread_rwlock_unlock(&lock);
    atomic_store(&loaded, true);
    table_free(old);
    return 0;
}

/* Unlinks every entry of certification cert from t onto *gone (chained by next_cert). Under the write lock.
 */
static void unlink_certification(table_t *t, const char *cert, entry_t **gone)
{
    entry_t *e = t->by_cert[str_hash(cert) & (t->nbuckets - 1)];
    while (e != NULL) {
        entry_t *next = e->next_cert;
        if (strcmp(e->certification_id, cert) == 0) {
            unlink_entry(t, e);
            e->next_cert = *gone;
            *gone = e;
        }
        e = next;
    }
}

/* True when cert is among the first n certification ids of ids. */
static bool seen(char (*ids)[37], size_t n, const char *cert)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ids[i], cert) == 0)
            return true;
    return false;
}

void public_index_apply(const char *payload, const PGresult *res)
{
    pthread_once(&lock_once, lock_init);
    if (!result_shape_ok(res))
        return;
    int rows = PQntuples(res);
    entry_t **fresh = cc_calloc((size_t)rows + 1, sizeof(*fresh));
    char(*certs)[37] = cc_calloc((size_t)rows + 1, sizeof(*certs));
    size_t ncerts = 0;
    json_t *p = json_loads(payload, 0, NULL);
    const char *named = json_string_value(json_object_get(p, "certification_id"));
    if (named != NULL && strlen(named) == 36)
        memcpy(certs[ncerts++], named, 37);
    json_decref(p);
    for (int i = 0; i < rows; i++) {
        fresh[i] = entry_new(PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2));
        if (fresh[i] != NULL && !seen(certs, ncerts, fresh[i]->certification_id))
            memcpy(certs[ncerts++], fresh[i]->certification_id, 37);
    }
    entry_t *gone = NULL;
    pthread_rwlock_wrlock(&lock);
    if (current != NULL) {
        for (size_t i = 0; i < ncerts; i++)
            unlink_certification(current, certs[i], &gone);
        for (int i = 0; i < rows; i++)
            if (fresh[i] != NULL) {
                link_entry(current, fresh[i]);
                fresh[i] = NULL;
            }
        table_grow(current);
    }
    pthread_rwlock_unlock(&lock);
    for (entry_t *next; gone != NULL; gone = next) {
        next = gone->next_cert;
        entry_release(gone);
    }
    for (int i = 0; i < rows; i++)
        entry_release(fresh[i]); /* not linked: the index was never loaded (the next load brings them) */
    free(fresh);
    free(certs);
}

void public_index_clear(void)
{
    pthread_once(&lock_once, lock_init);
    pthread_rwlock_wrlock(&lock);
    table_t *old = current;
    current = NULL;
    pthread_rwlock_unlock(&lock);
    atomic_store(&loaded, false);
    table_free(old);
}

bool public_index_loaded(void)
{
    return atomic_load(&loaded);
}

/* ---- readers ---- */

/* The entry of (slug, number), retained, or NULL. */
static entry_t *find(const char *slug, const char *number)
{
    char low[128];
    if (strlen(slug) >= sizeof(low))
        return NULL;
    lower_copy(slug, low, sizeof(low));
    pthread_once(&lock_once, lock_init);
    pthread_rwlock_rdlock(&lock);
    entry_t *found = NULL;
    if (current != NULL)
        for (entry_t *e = current->by_key[key_hash(low, number) & (current->nbuckets - 1)]; e != NULL;
             e = e->next_key)
            if (strcmp(e->number, number) == 0 && strcmp(e->slug, low) == 0) {
                atomic_fetch_add(&e->refs, 1);
                found = e;
                break;
            }
    pthread_rwlock_unlock(&lock);
    return found;
}

/* A growable text buffer (the answers are small). */
typedef struct text {
    char *data;
    size_t len, cap;
} text_t;

static void text_add(text_t *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->data = cc_realloc(t->data, t->cap);
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

static void text_str(text_t *t, const char *s)
{
    text_add(t, s, strlen(s));
}

/* Appends s as the inside of a JSON string (quotes, backslashes and control characters escaped). */
static void text_json_chars(text_t *t, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            text_add(t, esc, 2);
        } else if (c < 0x20) {
            char esc[8];
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            text_str(t, esc);
        } else {
            text_add(t, s, 1);
        }
    }
}

/* Appends e's answer as of today; folds its tail into *tail_hash for the ETag. */
static void append_answer(text_t *t, const entry_t *e, const char *today, const char *base_url,
                          uint64_t *tail_hash)
{
    bool valid = e->active && strcmp(e->effective, today) <= 0 && strcmp(today, e->expiry) <= 0;
    text_add(t, e->prefix, e->prefix_len);
    size_t tail = t->len;
    text_str(t, valid ? ",\"valid\":true" : ",\"valid\":false");
    if (e->verify_path != NULL) {
        text_str(t, ",\"verify_url\":\"");
        text_json_chars(t, base_url);
        text_str(t, e->verify_path);
        text_str(t, "\"");
    }
    text_str(t, "}");
    *tail_hash = fnv(fnv(*tail_hash, e->hash, 16), t->data + tail, t->len - tail);
}

static void today_text(char out[CIVIL_DATE_BUFSIZE])
{
    civil_date_format(civil_date_today_utc(), out);
}

/* The ETag: the entries' content hashes and the tails' hash, 32 hex digits in quotes. */
static void write_etag(char etag[PUBLIC_ETAG_SIZE], const char *content_hex, uint64_t tail_hash)
{
    snprintf(etag, PUBLIC_ETAG_SIZE, "\"%.16s%016llx\"", content_hex, (unsigned long long)tail_hash);
}

char *public_lookup_text(const char *cb_slug, const char *number, const char *base_url,
                         char etag[PUBLIC_ETAG_SIZE], size_t *len)
{
    entry_t *e = find(cb_slug, number);
    if (e == NULL)
        return NULL;
    char today[CIVIL_DATE_BUFSIZE];
    today_text(today);
    text_t t = {0};
    uint64_t tail_hash = FNV_BASIS;
    append_answer(&t, e, today, base_url, &tail_hash);
    if (etag != NULL)
        write_etag(etag, e->hash, tail_hash);
    if (len != NULL)
        *len = t.len;
    entry_release(e);
    return t.data;
}

json_t *public_lookup(const char *cb_slug, const char *number, const char *base_url,
                      char etag[PUBLIC_ETAG_SIZE])
{
    char *text = public_lookup_text(cb_slug, number, base_url, etag, NULL);
    if (text == NULL)
        return NULL;
    json_t *body = json_loads(text, 0, NULL);
    free(text);
    return body;
}

static int by_slug_number(const void *a, const void *b)
{
    const entry_t *x = *(entry_t *const *)a, *y = *(entry_t *const *)b;
    int c = strcmp(x->slug, y->slug);
    return c != 0 ? c : strcmp(x->number, y->number);
}

/* Retains up to PUBLIC_SEARCH_MAX matching entries into found (sorted); returns how many. */
static size_t collect(const char *number, const char *hkey, entry_t *found[PUBLIC_SEARCH_MAX * 4])
{
    size_t n = 0, cap = PUBLIC_SEARCH_MAX * 4;
    pthread_once(&lock_once, lock_init);
    pthread_rwlock_rdlock(&lock);
    if (current != NULL) {
        size_t m = current->nbuckets - 1;
        if (number != NULL) {
            for (entry_t *e = current->by_number[str_hash(number) & m]; e != NULL && n < cap;
                 e = e->next_number)
                if (strcmp(e->number, number) == 0)
                    atomic_fetch_add(&e->refs, 1), found[n++] = e;
        } else {
            for (entry_t *e = current->by_holder[str_hash(hkey) & m]; e != NULL && n < cap;
                 e = e->next_holder)
                if (strcmp(e->holder_key, hkey) == 0)
                    atomic_fetch_add(&e->refs, 1), found[n++] = e;
        }
    }
    pthread_rwlock_unlock(&lock);
    qsort(found, n, sizeof(*found), by_slug_number);
    return n;
}

char *public_search_text(const char *number, const char *holder, const char *country, const char *base_url,
                         char etag[PUBLIC_ETAG_SIZE], size_t *len)
{
    entry_t *found[PUBLIC_SEARCH_MAX * 4];
    char *hkey = number == NULL ? holder_key(holder, country) : NULL;
    size_t n = collect(number, hkey, found);
    free(hkey);
    char today[CIVIL_DATE_BUFSIZE];
    today_text(today);
    text_t t = {0};
    uint64_t tail_hash = FNV_BASIS;
    text_str(&t, "{\"items\":[");
    for (size_t i = 0; i < n; i++) {
        if (i < PUBLIC_SEARCH_MAX) {
            if (i > 0)
                text_str(&t, ",");
            append_answer(&t, found[i], today, base_url, &tail_hash);
        }
        entry_release(found[i]);
    }
    text_str(&t, "]}");
    uint8_t digest[CC_SHA256_LEN];
    char hex[17];
    cc_sha256(t.data, t.len, digest);
    cc_hex_encode(digest, 8, hex);
    write_etag(etag, hex, tail_hash);
    *len = t.len;
    return t.data;
}
