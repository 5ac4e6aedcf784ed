/*
 * The users' token state in process memory (see cc_revocations.h): an
 * open-addressing hash table keyed by the user id's 16 bytes (random UUIDs, so
 * their first bytes are the hash). A full load builds a new table off the lock
 * and swaps it in; a notification updates one entry under the write lock.
 */
#include "cc_revocations.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_log.h"
#include "cc_mem.h"

typedef struct entry {
    uint8_t user[16];
    uint8_t tenant[16];
    uint8_t client[16]; /* all zero: none */
    int64_t not_before;
    uint8_t role;
    bool is_used, disabled, deleted;
} entry_t;

typedef struct table {
    entry_t *slots;
    size_t mask; /* capacity - 1; capacity a power of two, at most half full */
    size_t count;
} table_t;

struct cc_revocations {
    pthread_rwlock_t lock;
    table_t table;
    int64_t loaded_at; /* 0: never loaded */
};

/* Parses a canonical UUID into 16 bytes; "" or NULL gives zeros when allow_empty. Returns 0 or -1. */
static int parse_uuid(const char *s, uint8_t out[16], bool allow_empty)
{
    memset(out, 0, 16);
    if (s == NULL || s[0] == '\0')
        return allow_empty ? 0 : -1;
    size_t n = 0;
    for (size_t i = 0; s[i] != '\0'; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return -1;
            continue;
        }
        int hi = cc_hex_digit_value(s[i]), lo = s[i + 1] != '\0' ? cc_hex_digit_value(s[i + 1]) : -1;
        if (hi < 0 || lo < 0 || n == 16 || i + 1 == 8 || i + 1 == 13 || i + 1 == 18 || i + 1 == 23)
            return -1;
        out[n++] = (uint8_t)(hi << 4 | lo);
        i++;
    }
    return n == 16 ? 0 : -1;
}

static size_t hash_of(const uint8_t user[16])
{
    uint64_t h;
    memcpy(&h, user, sizeof(h));
    return (size_t)(h ^ (h >> 29));
}

static entry_t *find_slot(const table_t *tb, const uint8_t user[16])
{
    if (tb->slots == NULL)
        return NULL;
    for (size_t i = hash_of(user) & tb->mask;; i = (i + 1) & tb->mask) {
        entry_t *e = &tb->slots[i];
        if (!e->is_used || memcmp(e->user, user, 16) == 0)
            return e;
    }
}

static void table_init(table_t *tb, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2)
        cap <<= 1;
    tb->slots = cc_calloc(cap, sizeof(entry_t));
    tb->mask = cap - 1;
    tb->count = 0;
}

/* Inserts or overwrites; the table must have room (callers grow first). */
static void table_put(table_t *tb, const entry_t *e)
{
    entry_t *slot = find_slot(tb, e->user);
    if (!slot->is_used)
        tb->count++;
    *slot = *e;
    slot->is_used = true;
}

static void table_grow_if_needed(table_t *tb)
{
    if ((tb->count + 1) * 2 <= tb->mask + 1)
        return;
    table_t bigger;
    table_init(&bigger, tb->count + 1);
    for (size_t i = 0; i <= tb->mask; i++)
        if (tb->slots[i].is_used)
            table_put(&bigger, &tb->slots[i]);
    free(tb->slots);
    *tb = bigger;
}

static int entry_from_state(const cc_user_state_t *s, entry_t *e)
{
    memset(e, 0, sizeof(*e));
    if (parse_uuid(s->user_id, e->user, false) != 0 || parse_uuid(s->tenant_id, e->tenant, false) != 0 ||
        parse_uuid(s->client_id, e->client, true) != 0)
        return -1;
    e->not_before = s->not_before;
    e->role = (uint8_t)s->role;
    e->disabled = s->disabled;
    e->deleted = s->deleted;
    return 0;
}

cc_revocations_t *cc_revocations_new(void)
{
    cc_revocations_t *t = cc_calloc(1, sizeof(*t));
    pthread_rwlock_init(&t->lock, NULL);
    table_init(&t->table, 0);
    return t;
}

void cc_revocations_free(cc_revocations_t *t)
{
    if (t == NULL)
        return;
    pthread_rwlock_destroy(&t->lock);
    free(t->table.slots);
    free(t);
}

int cc_revocations_replace(cc_revocations_t *t, const cc_user_state_t *states, size_t n, int64_t loaded_at)
{
    table_t fresh;
    table_init(&fresh, n);
    for (size_t i = 0; i < n; i++) {
        entry_t e;
        if (entry_from_state(&states[i], &e) != 0) {
            free(fresh.slots);
            return -1;
        }
        table_put(&fresh, &e);
    }
    pthread_rwlock_wrlock(&t->lock);
    table_t old = t->table;
    t->table = fresh;
    t->loaded_at = loaded_at;
    pthread_rwlock_unlock(&t->lock);
    free(old.slots);
    return 0;
}

int cc_revocations_set(cc_revocations_t *t, const cc_user_state_t *state)
{
    entry_t e;
    if (entry_from_state(state, &e) != 0)
        return -1;
    pthread_rwlock_wrlock(&t->lock);
    table_grow_if_needed(&t->table);
    table_put(&t->table, &e);
    pthread_rwlock_unlock(&t->lock);
    return 0;
}

static void copy_uuid_text(char out[37], const char *s)
{
    out[0] = '\0';
    if (s != NULL && strlen(s) == 36)
        memcpy(out, s, 37);
}

int cc_revocations_apply_json(cc_revocations_t *t, const char *payload)
{
    json_t *j = json_loads(payload, 0, NULL);
    cc_user_state_t s;
    memset(&s, 0, sizeof(s));
    int rc = -1;
    if (!json_is_object(j))
        goto out;
    copy_uuid_text(s.user_id, json_string_value(json_object_get(j, "user_id")));
    copy_uuid_text(s.tenant_id, json_string_value(json_object_get(j, "tenant_id")));
    s.deleted = json_is_true(json_object_get(j, "deleted"));
    if (!s.deleted) {
        s.role = cc_role_parse(json_string_value(json_object_get(j, "role")));
        copy_uuid_text(s.client_id, json_string_value(json_object_get(j, "client_id")));
        s.disabled = json_is_true(json_object_get(j, "disabled"));
        s.not_before = json_integer_value(json_object_get(j, "tokens_not_before"));
        if (s.role == CC_ROLE_NONE)
            goto out;
    }
    rc = cc_revocations_set(t, &s);
out:
    json_decref(j);
    return rc;
}

int cc_revocations_load(cc_revocations_t *t, PGconn *pg, int64_t now)
{
    PGresult *res = PQexec(pg, "SELECT user_id, tenant_id, tokens_not_before, role, client_id, disabled "
                               "FROM cc_user_token_states()");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        cc_log(CC_LOG_ERROR, "could not load the users' token state: %s", PQerrorMessage(pg));
        PQclear(res);
        return -1;
    }
    size_t n = (size_t)PQntuples(res);
    cc_user_state_t *states = cc_calloc(n > 0 ? n : 1, sizeof(*states));
    for (size_t i = 0; i < n; i++) {
        int row = (int)i;
        copy_uuid_text(states[i].user_id, PQgetvalue(res, row, 0));
        copy_uuid_text(states[i].tenant_id, PQgetvalue(res, row, 1));
        states[i].not_before = PQgetisnull(res, row, 2) ? 0 : atoll(PQgetvalue(res, row, 2));
        states[i].role = cc_role_parse(PQgetvalue(res, row, 3));
        copy_uuid_text(states[i].client_id, PQgetvalue(res, row, 4));
        states[i].disabled = strcmp(PQgetvalue(res, row, 5), "t") == 0;
    }
    PQclear(res);
    int rc = cc_revocations_replace(t, states, n, now);
    free(states);
    if (rc != 0)
        cc_log(CC_LOG_ERROR, "the users' token state did not parse; keeping the previous one");
    return rc;
}

/* The verdict for claims against entry e (NULL: the user is not in the table). */
static bool is_allowed(const entry_t *e, int64_t loaded_at, const uint8_t client[16], cc_claims_t *claims)
{
    if (e == NULL) /* unknown since the last load: created since (fine) or deleted before it */
        return loaded_at == 0 || claims->iat >= loaded_at - CC_REVOCATIONS_SKEW;
    if (e->disabled || e->deleted || claims->iat < e->not_before)
        return false;
    cc_role_t token_role = cc_role_parse(claims->role);
    bool was_client = token_role == CC_ROLE_CLIENT, is_client = e->role == CC_ROLE_CLIENT;
    if (was_client != is_client || (is_client && memcmp(client, e->client, 16) != 0))
        return false;
    if (e->role != token_role) {
        const char *name = cc_role_name((cc_role_t)e->role);
        if (name == NULL)
            return false;
        strncpy(claims->role, name, sizeof(claims->role) - 1);
        claims->role[sizeof(claims->role) - 1] = '\0';
    }
    return true;
}

bool cc_revocations_check(cc_revocations_t *t, cc_claims_t *claims)
{
    uint8_t user[16], tenant[16], client[16];
    if (parse_uuid(claims->sub, user, false) != 0 || parse_uuid(claims->tid, tenant, false) != 0 ||
        parse_uuid(claims->cid, client, true) != 0)
        return false;
    pthread_rwlock_rdlock(&t->lock);
    const entry_t *e = find_slot(&t->table, user);
    if (e != NULL && (!e->is_used || memcmp(e->tenant, tenant, 16) != 0))
        e = NULL;
    bool allowed = is_allowed(e, t->loaded_at, client, claims);
    pthread_rwlock_unlock(&t->lock);
    return allowed;
}

bool cc_revocations_is_loaded(cc_revocations_t *t)
{
    pthread_rwlock_rdlock(&t->lock);
    bool loaded = t->loaded_at != 0;
    pthread_rwlock_unlock(&t->lock);
    return loaded;
}

size_t cc_revocations_count(cc_revocations_t *t)
{
    pthread_rwlock_rdlock(&t->lock);
    size_t n = t->table.count;
    pthread_rwlock_unlock(&t->lock);
    return n;
}
