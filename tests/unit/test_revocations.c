/*
 * Unit tests of shared/cc_revocations.c: unknown users before and after a
 * load, disabled and deleted users, tokens_not_before, a demotion rewriting
 * the role, client changes, notification payloads, a load replacing what was
 * there, growth past the initial size, and concurrent readers while the
 * table is written.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_revocations.h"
#include "cc_test_main.h"

#define NOW ((int64_t)1700000000)
#define TENANT "9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
#define OTHER_TENANT "8d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
#define CLIENT_A "7d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6a"
#define CLIENT_B "7d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6b"

static void user_id(int n, char out[37])
{
    snprintf(out, 37, "%08x-0000-4000-8000-%012d", (unsigned)n * 2654435761u, n);
}

static cc_claims_t claims_for(int n, const char *role, int64_t iat)
{
    cc_claims_t c;
    memset(&c, 0, sizeof(c));
    user_id(n, c.sub);
    strcpy(c.tid, TENANT);
    strcpy(c.role, role);
    if (strcmp(role, "client") == 0)
        strcpy(c.cid, CLIENT_A);
    c.iat = iat;
    c.exp = iat + 900;
    return c;
}

static cc_user_state_t state_for(int n, cc_role_t role)
{
    cc_user_state_t s;
    memset(&s, 0, sizeof(s));
    user_id(n, s.user_id);
    strcpy(s.tenant_id, TENANT);
    s.role = role;
    if (role == CC_ROLE_CLIENT)
        strcpy(s.client_id, CLIENT_A);
    return s;
}

/* The table itself trusts claims before its first load; the server refuses to check tokens until
 * cc_revocations_is_loaded (503), so that state never reaches a caller. */
START_TEST(test_never_loaded_trusts_claims)
{
    cc_revocations_t *t = cc_revocations_new();
    ck_assert(!cc_revocations_is_loaded(t));
    cc_claims_t c = claims_for(1, "admin", NOW - 3600);
    ck_assert(cc_revocations_check(t, &c));
    ck_assert_str_eq(c.role, "admin");
    cc_user_state_t s = state_for(1, CC_ROLE_ADMIN);
    ck_assert_int_eq(cc_revocations_replace(t, &s, 1, NOW), 0);
    ck_assert(cc_revocations_is_loaded(t));
    cc_revocations_free(t);
}
END_TEST

START_TEST(test_unknown_user_after_load)
{
    cc_revocations_t *t = cc_revocations_new();
    cc_user_state_t s = state_for(1, CC_ROLE_ADMIN);
    ck_assert_int_eq(cc_revocations_replace(t, &s, 1, NOW), 0);
    /* user 2 is not known: deleted before the load if its token is older than the load */
    cc_claims_t old = claims_for(2, "admin", NOW - CC_REVOCATIONS_SKEW - 1);
    ck_assert(!cc_revocations_check(t, &old));
    /* created since the load (its notification not yet arrived) */
    cc_claims_t fresh = claims_for(2, "admin", NOW);
    ck_assert(cc_revocations_check(t, &fresh));
    /* the same user id in another tenant is not this user */
    cc_claims_t other = claims_for(1, "admin", NOW - 3600);
    strcpy(other.tid, OTHER_TENANT);
    ck_assert(!cc_revocations_check(t, &other));
    cc_revocations_free(t);
}
END_TEST

START_TEST(test_disabled_and_deleted)
{
    cc_revocations_t *t = cc_revocations_new();
    cc_user_state_t s[2] = {state_for(1, CC_ROLE_AUDITOR), state_for(2, CC_ROLE_AUDITOR)};
    ck_assert_int_eq(cc_revocations_replace(t, s, 2, NOW), 0);
    cc_claims_t c1 = claims_for(1, "auditor", NOW), c2 = claims_for(2, "auditor", NOW);
    ck_assert(cc_revocations_check(t, &c1));
    s[0].disabled = true;
    ck_assert_int_eq(cc_revocations_set(t, &s[0]), 0);
    ck_assert(!cc_revocations_check(t, &c1));
    s[1].deleted = true;
    ck_assert_int_eq(cc_revocations_set(t, &s[1]), 0);
    ck_assert(!cc_revocations_check(t, &c2));
    ck_assert_uint_eq(cc_revocations_count(t), 2);
    cc_revocations_free(t);
}
END_TEST

START_TEST(test_not_before)
{
    cc_revocations_t *t = cc_revocations_new();
    cc_user_state_t s = state_for(1, CC_ROLE_AUDITOR);
    s.not_before = NOW;
    ck_assert_int_eq(cc_revocations_replace(t, &s, 1, NOW - 60), 0);
    cc_claims_t before = claims_for(1, "auditor", NOW - 1), same = claims_for(1, "auditor", NOW);
    ck_assert(!cc_revocations_check(t, &before));
    ck_assert(cc_revocations_check(t, &same)); /* issued in the second of the change, e.g. the next login */
    cc_revocations_free(t);
}
END_TEST

START_TEST(test_demotion_rewrites_role)
{
    cc_revocations_t *t = cc_revocations_new();
    cc_user_state_t s = state_for(1, CC_ROLE_AUDITOR);
    ck_assert_int_eq(cc_revocations_replace(t, &s, 1, NOW), 0);
    cc_claims_t c = claims_for(1, "admin", NOW);
    ck_assert(cc_revocations_check(t, &c));
    ck_assert_str_eq(c.role, "auditor");
    cc_revocations_free(t);
}
END_TEST

START_TEST(test_client_changes_refuse)
{
    cc_revocations_t *t = cc_revocations_new();
    cc_user_state_t s = state_for(1, CC_ROLE_CLIENT);
    ck_assert_int_eq(cc_revocations_replace(t, &s, 1, NOW), 0);
    cc_claims_t c = claims_for(1, "client", NOW);
    ck_assert(cc_revocations_check(t, &c));
    strcpy(s.client_id, CLIENT_B);
    cc_revocations_set(t, &s);
    c = claims_for(1, "client", NOW);
    ck_assert(!cc_revocations_check(t, &c)); /* another organisation */
    s = state_for(1, CC_ROLE_AUDITOR);
    cc_revocations_set(t, &s);
    c = claims_for(1, "client", NOW);
    ck_assert(!cc_revocations_check(t, &c)); /* a client token never becomes staff */
    cc_revocations_free(t);
}
END_TEST

START_TEST(test_apply_json)
{
    cc_revocations_t *t = cc_revocations_new();
    char id[37], payload[512];
    user_id(1, id);
    snprintf(payload, sizeof(payload),
             "{\"tenant_id\":\"%s\",\"user_id\":\"%s\",\"role\":\"scheme_manager\",\"client_id\":null,"
             "\"disabled\":false,\"tokens_not_before\":null}",
             TENANT, id);
    ck_assert_int_eq(cc_revocations_apply_json(t, payload), 0);
    cc_claims_t c = claims_for(1, "admin", NOW);
    ck_assert(cc_revocations_check(t, &c));
    ck_assert_str_eq(c.role, "scheme_manager");
    snprintf(payload, sizeof(payload), "{\"tenant_id\":\"%s\",\"user_id\":\"%s\",\"deleted\":true}", TENANT,
             id);
    ck_assert_int_eq(cc_revocations_apply_json(t, payload), 0);
    c = claims_for(1, "admin", NOW);
    ck_assert(!cc_revocations_check(t, &c));
    ck_assert_int_eq(cc_revocations_apply_json(t, "not json"), -1);
    ck_assert_int_eq(cc_revocations_apply_json(t, "{\"user_id\":\"x\"}"), -1);
    snprintf(payload, sizeof(payload), "{\"tenant_id\":\"%s\",\"user_id\":\"%s\",\"role\":\"king\"}", TENANT,
             id);
    ck_assert_int_eq(cc_revocations_apply_json(t, payload), -1);
    cc_revocations_free(t);
}
END_TEST

START_TEST(test_replace_drops_old_and_grows)
{
    cc_revocations_t *t = cc_revocations_new();
    for (int i = 0; i < 1000; i++) {
        cc_user_state_t s = state_for(i, CC_ROLE_AUDITOR);
        s.disabled = true;
        ck_assert_int_eq(cc_revocations_set(t, &s), 0);
    }
    ck_assert_uint_eq(cc_revocations_count(t), 1000);
    for (int i = 0; i < 1000; i++) {
        cc_claims_t c = claims_for(i, "auditor", NOW);
        ck_assert(!cc_revocations_check(t, &c));
    }
    cc_user_state_t fresh = state_for(5, CC_ROLE_AUDITOR);
    ck_assert_int_eq(cc_revocations_replace(t, &fresh, 1, NOW), 0);
    ck_assert_uint_eq(cc_revocations_count(t), 1);
    cc_claims_t c = claims_for(5, "auditor", NOW);
    ck_assert(cc_revocations_check(t, &c));
    cc_user_state_t bad = state_for(6, CC_ROLE_AUDITOR);
    strcpy(bad.user_id, "not-a-uuid");
    ck_assert_int_eq(cc_revocations_replace(t, &bad, 1, NOW), -1);
    ck_assert_uint_eq(cc_revocations_count(t), 1);
    cc_revocations_free(t);
}
END_TEST

typedef struct reader_arg {
    cc_revocations_t *t;
    int wrong;
} reader_arg_t;

/* User 0 stays an enabled auditor throughout; every check of it must pass. */
static void *reader(void *p)
{
    reader_arg_t *a = p;
    for (int i = 0; i < 20000; i++) {
        cc_claims_t c = claims_for(0, "auditor", NOW);
        if (!cc_revocations_check(a->t, &c))
            a->wrong++;
    }
    return NULL;
}

START_TEST(test_concurrent_readers)
{
    cc_revocations_t *t = cc_revocations_new();
    cc_user_state_t keep = state_for(0, CC_ROLE_AUDITOR);
    cc_revocations_set(t, &keep);
    reader_arg_t args[3] = {{t, 0}, {t, 0}, {t, 0}};
    pthread_t tids[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&tids[i], NULL, reader, &args[i]);
    for (int i = 1; i < 3000; i++) {
        cc_user_state_t s = state_for(i, CC_ROLE_ADMIN);
        cc_revocations_set(t, &s);
        if (i % 1000 == 0)
            cc_revocations_replace(t, &keep, 1, NOW);
    }
    for (int i = 0; i < 3; i++) {
        pthread_join(tids[i], NULL);
        ck_assert_int_eq(args[i].wrong, 0);
    }
    cc_revocations_free(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("revocations");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_never_loaded_trusts_claims);
    tcase_add_test(tc, test_unknown_user_after_load);
    tcase_add_test(tc, test_disabled_and_deleted);
    tcase_add_test(tc, test_not_before);
    tcase_add_test(tc, test_demotion_rewrites_role);
    tcase_add_test(tc, test_client_changes_refuse);
    tcase_add_test(tc, test_apply_json);
    tcase_add_test(tc, test_replace_drops_old_and_grows);
    tcase_add_test(tc, test_concurrent_readers);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
