/*
 * Certificate fixtures for e2e tests (see cc_test_certificates.h).
 */
#include "cc_test_certificates.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cc_mem.h"
#include "cc_test_dates.h"
#include "cc_test_http.h"

char *cc_test_new_certified_client(const cc_test_cb_t *cb, const cc_test_certificate_opts_t *opts)
{
    char suffix[17];
    cc_test_random_suffix(suffix);
    char *name = opts->legal_name != NULL ? cc_strdup(opts->legal_name)
                                          : cc_test_asprintf("Certified test %s Ltd", suffix);
    const char *city = opts->city != NULL ? opts->city : "Leeds";
    const char *country = opts->country != NULL ? opts->country : "GB";
    json_t *body = json_pack("{s:s, s:i, s:b, s:{s:s, s:s, s:s, s:s}}", "legal_name", name, "personnel", 40,
                             "confidential", opts->confidential, "address", "street", "1 Test Street", "city",
                             city, "post_code", "LS1 1AA", "country", country);
    char *text = json_dumps(body, JSON_COMPACT);
    cc_test_response_t *resp = cc_test_call(&cb->sm, "POST", "/v1/clients", NULL, text);
    cc_test_assert_json(resp, 201);
    char *client = cc_strdup(cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);
    free(text);
    json_decref(body);

    char *path = cc_test_asprintf("/v1/clients/%s/sites", client);
    body = json_pack("{s:s, s:i, s:{s:s, s:s, s:s, s:s}}", "name", "Head office", "personnel", 40, "address",
                     "street", "1 Test Street", "city", city, "post_code", "LS1 1AA", "country", country);
    text = json_dumps(body, JSON_COMPACT);
    resp = cc_test_call(&cb->sm, "POST", path, NULL, text);
    cc_test_assert_json(resp, 201);
    cc_test_response_free(resp);
    free(text);
    json_decref(body);
    free(path);
    free(name);
    return client;
}

cc_test_response_t *cc_test_decide(const cc_test_caller_t *c, const char *body)
{
    return cc_test_call(c, "POST", "/v1/decisions", NULL, body);
}

static void day_offset(int64_t base, int offset, char out[16])
{
    cc_test_format_days(base + offset, out);
}

json_t *cc_test_issue_certificate_with(const cc_test_cb_t *cb, const cc_test_certificate_opts_t *opts,
                                       json_t **decision)
{
    static const cc_test_certificate_opts_t none;
    if (opts == NULL)
        opts = &none;
    int64_t decided = cc_test_today_utc() - 30;
    if (opts->decided_on != NULL) {
        cc_test_ymd_t ymd = {atoi(opts->decided_on), atoi(opts->decided_on + 5), atoi(opts->decided_on + 8)};
        decided = cc_test_days_from_civil(ymd);
    }
    char day[16], s1[16], s1_end[16], s2[16], s2_end[16];
    cc_test_format_days(decided, day);
    day_offset(decided, -60, s1);
    day_offset(decided, -59, s1_end);
    day_offset(decided, -30, s2);
    day_offset(decided, -28, s2_end);

    char *client =
        opts->client_id != NULL ? cc_strdup(opts->client_id) : cc_test_new_certified_client(cb, opts);
    cc_test_auditor_t lead =
        cc_test_new_auditor(&cb->admin, &cb->sm, CC_TEST_COMPETENCE(CC_TEST_ISMS, "[]", "lead"));
    char suffix[17];
    cc_test_random_suffix(suffix);
    char *scope = opts->scope != NULL
                      ? cc_strdup(opts->scope)
                      : cc_test_asprintf("The information security management system of test %s", suffix);
    json_t *pbody = json_pack("{s:s, s:[s], s:s, s:[]}", "client_id", client, "standards", CC_TEST_ISMS,
                              "scope", scope, "sector_codes");
    char *text = json_dumps(pbody, JSON_COMPACT);
    cc_test_response_t *resp = cc_test_call(&cb->sm, "POST", "/v1/programmes", NULL, text);
    cc_test_assert_json(resp, 201);
    json_t *programme = json_incref(resp->json);
    cc_test_response_free(resp);
    free(text);
    json_decref(pbody);
    const char *stage1 = cc_test_audit_of(programme, "stage1"),
               *stage2 = cc_test_audit_of(programme, "stage2");
    cc_test_conduct(&cb->sm, stage1, lead.id, s1, s1_end);
    cc_test_conduct(&cb->sm, stage2, lead.id, s2, s2_end);

    cc_test_caller_t dm;
    cc_test_caller_login(&dm, "northcert", "decision_maker");
    json_t *dbody = json_pack("{s:s, s:s, s:s, s:[s, s], s:s, s:s, s:s, s:s}", "programme_id",
                              cc_test_json_string(programme, "id"), "type", "initial", "outcome", "grant",
                              "audit_ids", stage1, stage2, "decided_on", day, "effective_date", day,
                              "soa_version", opts->soa_version != NULL ? opts->soa_version : "SoA v1",
                              "notes", "Stage 1 and Stage 2 completed; no open nonconformities.");
    text = json_dumps(dbody, JSON_COMPACT);
    resp = cc_test_decide(&dm, text);
    cc_test_assert_json(resp, 201);
    json_t *certificate = json_incref(json_object_get(resp->json, "certificate"));
    ck_assert_msg(json_is_object(certificate), "the grant issued no certificate");
    ck_assert_str_eq(cc_test_json_string(certificate, "status"), "active");
    if (decision != NULL)
        *decision = json_incref(json_object_get(resp->json, "decision"));
    cc_test_response_free(resp);
    free(text);
    json_decref(dbody);
    cc_test_caller_free(&dm);
    json_decref(programme);
    free(scope);
    cc_test_auditor_free(&lead);
    free(client);
    return certificate;
}

json_t *cc_test_issue_certificate(const cc_test_cb_t *cb, const char *client_name)
{
    cc_test_certificate_opts_t opts = {.legal_name = client_name};
    return cc_test_issue_certificate_with(cb, &opts, NULL);
}
