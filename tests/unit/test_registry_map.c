/*
 * Unit tests of the IAF CertSearch mapping (services/registry-sync/registry_map.c; DOMAIN.md "IAF
 * CertSearch"): every status, every field, dates as YYYYMMDD, the schemes of each standard, sites with
 * their scope (and []), the confidential flag, consent, and each case that cannot be mapped.
 */
#include "cc_test_main.h"
#include <check.h>
#include <string.h>

#include "registry-sync/registry_map.c"

#define CERTIFICATION "5f0c3c1e-9a7b-4a53-9d53-0f3e1d2c4b5a"
#define CLIENT "0b6e4c2a-1d3f-4e5a-8b7c-9d0e1f2a3b4c"

/* A source as cc_registry_source returns it: an active ISO/IEC 27001:2022 certificate with two sites. */
static json_t *source(void)
{
    return json_pack(
        "{s:s, s:s, s:s, s:i, s:s, s:s, s:[{s:s, s:s, s:s, s:n, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s, "
        "s:s}], s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, "
        "s:b, s:s}, s:{s:s, s:s, s:b}, s:{s:n, s:b}}",
        "certification_id", CERTIFICATION, "certificate_id", "c2d0a1b2-3c4d-4e5f-8a9b-0c1d2e3f4a5b", "number",
        "NC-ISMS-0042-R1", "revision", 1, "status", "active", "scope",
        "Development and operation of payment software", "sites", "name", "Head office", "street",
        "1 Harbour Road", "city", "Aberdeen", "state", "post_code", "AB10 1AA", "country", "GB", "scope",
        "Development of payment software", "name", "Data centre", "street", "2 Quay Street", "city", "Dundee",
        "state", "Angus", "post_code", "DD1 1AA", "country", "GB", "original_issue_date", "2023-02-01",
        "issue_date", "2026-02-03", "effective_date", "2026-02-03", "expiry_date", "2029-01-31", "standard",
        "code", "ISO27001:2022", "reference", "ISO/IEC 27001:2022", "family", "isms", "title",
        "Information security management systems", "client", "id", CLIENT, "legal_name", "Harbour Pay Ltd",
        "trading_name", "HarbourPay", "street", "1 Harbour Road", "city", "Aberdeen", "state",
        "Aberdeenshire", "post_code", "AB10 1AA", "country", "GB", "confidential", 0,
        "registry_consent_given", 1, "registry_consent_date", "2026-01-10", "registry",
        "accreditation_body_name", "United Kingdom Accreditation Service", "accreditation_body_acronym",
        "UKAS", "accredited", 1, "sync", "company_certifications_id", "in_registry", 0);
}

static json_t *map_ok(const json_t *src)
{
    registry_map_problem_t problem;
    json_t *record = registry_map(src, &problem);
    ck_assert_msg(record != NULL, "unmappable: %s: %s", problem.field, problem.message);
    return record;
}

static void assert_str(const json_t *record, const char *field, const char *want)
{
    const char *got = cc_json_str(record, field);
    ck_assert_msg(got != NULL, "%s missing", field);
    ck_assert_str_eq(got, want);
}

/* Maps src and asserts it fails naming field (and a message). */
static void assert_unmappable(const json_t *src, const char *field)
{
    registry_map_problem_t problem;
    json_t *record = registry_map(src, &problem);
    ck_assert_msg(record == NULL, "mapped although %s is wrong", field);
    ck_assert_str_eq(problem.field, field);
    ck_assert_int_gt((int)strlen(problem.message), 0);
}

static void set_str(json_t *obj, const char *key, const char *value)
{
    json_object_set_new(obj, key, value != NULL ? json_string(value) : json_null());
}

static char *repeat(char c, size_t n)
{
    static char buf[5000];
    ck_assert_uint_lt(n, sizeof(buf));
    memset(buf, c, n);
    buf[n] = '\0';
    return buf;
}

START_TEST(test_status_map)
{
    ck_assert_str_eq(registry_map_status("draft"), "hidden");
    ck_assert_str_eq(registry_map_status("active"), "active");
    ck_assert_str_eq(registry_map_status("suspended"), "suspended");
    ck_assert_str_eq(registry_map_status("withdrawn"), "withdrawn");
    ck_assert_str_eq(registry_map_status("expired"), "expired");
    ck_assert_ptr_null(registry_map_status("superseded"));
    ck_assert_ptr_null(registry_map_status("cancelled"));
    ck_assert_ptr_null(registry_map_status(""));
    ck_assert_ptr_null(registry_map_status(NULL));
}
END_TEST

START_TEST(test_status_in_record)
{
    static const char *const ours[] = {"draft", "active", "suspended", "withdrawn", "expired"};
    static const char *const theirs[] = {"hidden", "active", "suspended", "withdrawn", "expired"};
    for (size_t i = 0; i < 5; i++) {
        json_t *src = source();
        set_str(src, "status", ours[i]);
        json_t *record = map_ok(src);
        assert_str(record, "certification_status", theirs[i]);
        json_decref(record);
        json_decref(src);
    }
    json_t *src = source();
    set_str(src, "status", "superseded");
    assert_unmappable(src, "certification_status");
    json_decref(src);
}
END_TEST

START_TEST(test_dates)
{
    char out[9];
    ck_assert(registry_map_date("2026-12-07", out));
    ck_assert_str_eq(out, "20261207");
    ck_assert(registry_map_date("2028-02-29", out));
    ck_assert_str_eq(out, "20280229");
    ck_assert(!registry_map_date("2026-02-30", out));
    ck_assert(!registry_map_date("20261207", out));
    ck_assert(!registry_map_date("2026-12-07T00:00:00Z", out));
    ck_assert(!registry_map_date("", out));
    ck_assert(!registry_map_date(NULL, out));
}
END_TEST

START_TEST(test_every_field)
{
    json_t *src = source();
    json_t *record = map_ok(src);
    assert_str(record, "certificate_identity_number", CERTIFICATION);
    assert_str(record, "certificate_number", "NC-ISMS-0042-R1");
    assert_str(record, "certification_status", "active");
    assert_str(record, "certificate_accreditation_status", "Accredited");
    assert_str(record, "certification_type", "Management System");
    assert_str(record, "certification_scope", "Development and operation of payment software");
    assert_str(record, "certification_original_issue_date", "20230201");
    assert_str(record, "certification_issue_date", "20260203");
    assert_str(record, "certification_expiry_date", "20290131");
    assert_str(record, "certified_entity_name", "Harbour Pay Ltd");
    assert_str(record, "certified_entity_trading_name", "HarbourPay");
    assert_str(record, "certified_entity_unique_id", CLIENT);
    assert_str(record, "certified_entity_street_address", "1 Harbour Road");
    assert_str(record, "certified_entity_street_city", "Aberdeen");
    assert_str(record, "certified_entity_state", "Aberdeenshire");
    assert_str(record, "certified_entity_post_code", "AB10 1AA");
    assert_str(record, "certified_entity_country", "GB");
    ck_assert(json_is_false(json_object_get(record, "confidential_certified_entity")));
    assert_str(record, "accreditation_body_name", "United Kingdom Accreditation Service");
    assert_str(record, "accreditation_body_acronym_name", "UKAS");
    ck_assert(json_is_array(json_object_get(record, "schemes")));
    ck_assert(json_is_array(json_object_get(record, "sites")));
    /* nothing else: every key is a field of the contract */
    ck_assert_uint_eq(json_object_size(record), 22);
    json_decref(record);
    json_decref(src);
}
END_TEST

START_TEST(test_optional_fields_left_out)
{
    json_t *src = source();
    json_t *client = json_object_get(src, "client");
    set_str(client, "trading_name", NULL);
    set_str(client, "state", NULL);
    json_object_del(client, "post_code");
    json_object_del(src, "original_issue_date");
    json_t *record = map_ok(src);
    ck_assert_ptr_null(json_object_get(record, "certified_entity_trading_name"));
    ck_assert_ptr_null(json_object_get(record, "certified_entity_state"));
    ck_assert_ptr_null(json_object_get(record, "certified_entity_post_code"));
    ck_assert_ptr_null(json_object_get(record, "certification_original_issue_date"));
    json_decref(record);
    json_decref(src);
}
END_TEST

START_TEST(test_accreditation_status)
{
    json_t *src = source();
    json_object_set_new(json_object_get(src, "registry"), "accredited", json_false());
    json_t *record = map_ok(src);
    assert_str(record, "certificate_accreditation_status", "Unaccredited");
    json_decref(record);
    json_object_del(json_object_get(src, "registry"), "accredited");
    record = map_ok(src);
    assert_str(record, "certificate_accreditation_status", "Accredited");
    json_decref(record);
    json_decref(src);
}
END_TEST

START_TEST(test_schemes)
{
    static const char *const refs[] = {"ISO/IEC 27001:2022", "ISO 9001:2015", "ISO 14001:2015",
                                       "ISO 45001:2018", "ISO/IEC 27001:2013"};
    static const char *const schemes[] = {"ISO/IEC 27001", "ISO 9001", "ISO 14001", "ISO 45001",
                                          "ISO/IEC 27001"};
    for (size_t i = 0; i < 5; i++) {
        json_t *src = source();
        set_str(json_object_get(src, "standard"), "reference", refs[i]);
        json_t *record = map_ok(src);
        const json_t *list = json_object_get(record, "schemes");
        ck_assert_uint_eq(json_array_size(list), 1);
        const json_t *scheme = json_array_get(list, 0);
        assert_str(scheme, "scheme_name", schemes[i]);
        const json_t *standards = json_object_get(scheme, "standard_list");
        ck_assert_uint_eq(json_array_size(standards), 1);
        assert_str(json_array_get(standards, 0), "standards_name", refs[i]);
        json_decref(record);
        json_decref(src);
    }
}
END_TEST

START_TEST(test_sites)
{
    json_t *src = source();
    json_t *record = map_ok(src);
    const json_t *sites = json_object_get(record, "sites");
    ck_assert_uint_eq(json_array_size(sites), 2);
    const json_t *first = json_array_get(sites, 0);
    assert_str(first, "street", "1 Harbour Road");
    assert_str(first, "city", "Aberdeen");
    ck_assert_ptr_null(json_object_get(first, "state")); /* none recorded */
    assert_str(first, "country", "GB");
    assert_str(first, "postcode", "AB10 1AA");
    assert_str(first, "scope_description", "Development of payment software");
    ck_assert_uint_eq(json_object_size(first), 5);
    const json_t *second = json_array_get(sites, 1);
    assert_str(second, "state", "Angus");
    assert_str(second, "postcode", "DD1 1AA");
    /* a site without a scope of its own carries the certificate's */
    assert_str(second, "scope_description", "Development and operation of payment software");
    json_decref(record);
    /* no site: [] (clears the registry's) */
    json_object_set_new(src, "sites", json_array());
    record = map_ok(src);
    ck_assert(json_is_array(json_object_get(record, "sites")));
    ck_assert_uint_eq(json_array_size(json_object_get(record, "sites")), 0);
    json_decref(record);
    json_decref(src);
}
END_TEST

START_TEST(test_confidential)
{
    json_t *src = source();
    json_object_set_new(json_object_get(src, "client"), "confidential", json_true());
    json_t *record = map_ok(src);
    ck_assert(json_is_true(json_object_get(record, "confidential_certified_entity")));
    json_decref(record);
    json_decref(src);
}
END_TEST

START_TEST(test_consent)
{
    json_t *src = source();
    ck_assert(registry_map_consented(src));
    json_object_set_new(json_object_get(src, "client"), "registry_consent_given", json_false());
    ck_assert(!registry_map_consented(src));
    json_object_del(json_object_get(src, "client"), "registry_consent_given");
    ck_assert(!registry_map_consented(src));
    ck_assert(!registry_map_consented(NULL));
    json_decref(src);
}
END_TEST

START_TEST(test_missing_mandatory)
{
    static const struct {
        const char *object, *key, *field;
    } cases[] = {
        {NULL, "number", "certificate_number"},
        {NULL, "certification_id", "certificate_identity_number"},
        {NULL, "issue_date", "certification_issue_date"},
        {NULL, "expiry_date", "certification_expiry_date"},
        {"client", "legal_name", "certified_entity_name"},
        {"client", "id", "certified_entity_unique_id"},
        {"client", "street", "certified_entity_street_address"},
        {"client", "city", "certified_entity_street_city"},
        {"client", "country", "certified_entity_country"},
        {"registry", "accreditation_body_name", "accreditation_body_name"},
        {"registry", "accreditation_body_acronym", "accreditation_body_acronym_name"},
        {"standard", "reference", "schemes"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *src = source();
        json_t *obj = cases[i].object != NULL ? json_object_get(src, cases[i].object) : src;
        set_str(obj, cases[i].key, NULL); /* absent */
        assert_unmappable(src, cases[i].field);
        set_str(obj, cases[i].key, "  "); /* blank */
        assert_unmappable(src, cases[i].field);
        json_decref(src);
    }
    assert_unmappable(NULL, "certificate_identity_number");
}
END_TEST

START_TEST(test_bad_dates)
{
    json_t *src = source();
    set_str(src, "expiry_date", "31/01/2029");
    assert_unmappable(src, "certification_expiry_date");
    set_str(src, "expiry_date", "2029-01-31");
    set_str(src, "original_issue_date", "2023-02-30");
    assert_unmappable(src, "certification_original_issue_date");
    json_decref(src);
}
END_TEST

START_TEST(test_over_limits)
{
    static const struct {
        const char *object, *key, *field;
        size_t limit;
    } cases[] = {
        {NULL, "number", "certificate_number", 60},
        {NULL, "certification_id", "certificate_identity_number", 60},
        {NULL, "scope", "certification_scope", 4000},
        {"client", "id", "certified_entity_unique_id", 45},
        {"client", "legal_name", "certified_entity_name", 300},
        {"client", "trading_name", "certified_entity_trading_name", 300},
        {"client", "street", "certified_entity_street_address", 300},
        {"client", "city", "certified_entity_street_city", 100},
        {"client", "state", "certified_entity_state", 100},
        {"client", "post_code", "certified_entity_post_code", 20},
        {"client", "country", "certified_entity_country", 60},
        {"registry", "accreditation_body_name", "accreditation_body_name", 200},
        {"registry", "accreditation_body_acronym", "accreditation_body_acronym_name", 50},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *src = source();
        json_t *obj = cases[i].object != NULL ? json_object_get(src, cases[i].object) : src;
        set_str(obj, cases[i].key, repeat('x', cases[i].limit)); /* at the limit: fits */
        json_t *record = map_ok(src);
        json_decref(record);
        set_str(obj, cases[i].key, repeat('x', cases[i].limit + 1));
        assert_unmappable(src, cases[i].field);
        json_decref(src);
    }
    /* characters, not bytes: 60 two-byte characters fit the number */
    json_t *src = source();
    char number[121] = "";
    for (int i = 0; i < 60; i++)
        strcat(number, "\xc3\xa9");
    set_str(src, "number", number);
    json_t *record = map_ok(src);
    json_decref(record);
    json_decref(src);
}
END_TEST

START_TEST(test_site_problems)
{
    json_t *src = source();
    json_t *site = json_array_get(json_object_get(src, "sites"), 1);
    set_str(site, "street", NULL);
    assert_unmappable(src, "sites[1].street");
    set_str(site, "street", "2 Quay Street");
    set_str(site, "post_code", repeat('9', 21));
    assert_unmappable(src, "sites[1].postcode");
    set_str(site, "post_code", NULL);
    set_str(site, "city", "");
    assert_unmappable(src, "sites[1].city");
    json_decref(src);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("registry_map");
    TCase *tc = tcase_create("map");
    tcase_add_test(tc, test_status_map);
    tcase_add_test(tc, test_status_in_record);
    tcase_add_test(tc, test_dates);
    tcase_add_test(tc, test_every_field);
    tcase_add_test(tc, test_optional_fields_left_out);
    tcase_add_test(tc, test_accreditation_status);
    tcase_add_test(tc, test_schemes);
    tcase_add_test(tc, test_sites);
    tcase_add_test(tc, test_confidential);
    tcase_add_test(tc, test_consent);
    tcase_add_test(tc, test_missing_mandatory);
    tcase_add_test(tc, test_bad_dates);
    tcase_add_test(tc, test_over_limits);
    tcase_add_test(tc, test_site_problems);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(suite());
}
