/*
 * A certification as its IAF CertSearch record (DOMAIN.md "IAF CertSearch"),
 * from what cc_registry_source (migration 0022) returns. Pure: jansson only.
 * Every mandatory field must be filled and every value must fit the registry's
 * limit; otherwise nothing is sent and the problem names the field (the
 * certification goes to the dead letters, kind `unmappable`).
 */
#include <stdio.h>
#include <string.h>

#include "cc_json.h"
#include "registry_map.h"

/* The registry's limits (characters). IAF publishes those of the numbers (60) and the client id (45); the
 * rest are ours, generous enough for any real value and stated in DOMAIN.md "IAF CertSearch". */
#define LIMIT_NUMBER 60
#define LIMIT_IDENTITY 60
#define LIMIT_UNIQUE_ID 45
#define LIMIT_NAME 300
#define LIMIT_STREET 300
#define LIMIT_CITY 100
#define LIMIT_STATE 100
#define LIMIT_POST_CODE 20
#define LIMIT_COUNTRY 60
#define LIMIT_SCOPE 4000
#define LIMIT_AB_NAME 200
#define LIMIT_AB_ACRONYM 50
#define LIMIT_SCHEME 100

const char *registry_map_status(const char *status)
{
    static const char *const same[] = {"active", "suspended", "withdrawn", "expired"};
    if (status == NULL)
        return NULL;
    if (strcmp(status, "draft") == 0)
        return "hidden"; /* the registry shows it as Draft */
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
        if (strcmp(status, same[i]) == 0)
            return same[i];
    return NULL; /* superseded, or anything unknown: never sent */
}

bool registry_map_date(const char *date, char out[9])
{
    if (date == NULL || strlen(date) != 10 || !cc_is_date(date, 10))
        return false;
    memcpy(out, date, 4);
    memcpy(out + 4, date + 5, 2);
    memcpy(out + 6, date + 8, 2);
    out[8] = '\0';
    return true;
}

bool registry_map_consented(const json_t *source)
{
    const json_t *client = json_object_get(source, "client");
    return json_is_true(json_object_get(client, "registry_consent_given"));
}

/* The mapping in progress: the record built so far and the first problem met. */
typedef struct mapping {
    json_t *record;
    registry_map_problem_t *problem;
    bool failed;
} mapping_t;

static void map_fail(mapping_t *m, const char *field, const char *message)
{
    if (m->failed)
        return;
    m->failed = true;
    if (m->problem != NULL) {
        snprintf(m->problem->field, sizeof(m->problem->field), "%s", field);
        snprintf(m->problem->message, sizeof(m->problem->message), "%s", message);
    }
}

/* A string with something in it besides white space, or NULL. */
static const char *text_of(const json_t *obj, const char *key)
{
    const char *s = cc_json_str(obj, key);
    if (s == NULL)
        return NULL;
    for (const char *p = s; *p != '\0'; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            return s;
    return NULL;
}

/*
 * Puts value under key of into (the record, or a site) when it fits limit; a problem names field. A missing
 * value fails the mapping when required (missing is then the message), and is left out otherwise.
 */
static void put_text_as(mapping_t *m, json_t *into, const char *key, const char *field, const char *value,
                        size_t limit, bool required, const char *missing)
{
    if (value == NULL) {
        if (required)
            map_fail(m, field, missing);
        return;
    }
    if (cc_utf8_length(value, strlen(value)) > limit) {
        char message[200];
        snprintf(message, sizeof(message), "longer than the registry's %zu characters", limit);
        map_fail(m, field, message);
        return;
    }
    json_object_set_new(into, key, json_string(value));
}

static void put_text(mapping_t *m, json_t *into, const char *field, const char *value, size_t limit,
                     bool required, const char *missing)
{
    put_text_as(m, into, field, field, value, limit, required, missing);
}

static void put_date(mapping_t *m, const char *field, const char *value, bool required)
{
    char out[9];
    if (value == NULL) {
        if (required)
            map_fail(m, field, "the certificate has no such date");
        return;
    }
    if (!registry_map_date(value, out)) {
        map_fail(m, field, "not a date");
        return;
    }
    json_object_set_new(m->record, field, json_string(out));
}

/* "ISO/IEC 27001:2022" -> "ISO/IEC 27001": the scheme is the standard without its edition. */
static void scheme_name(const char *reference, char *out, size_t cap)
{
    const char *colon = strrchr(reference, ':');
    size_t n = colon != NULL ? (size_t)(colon - reference) : strlen(reference);
    snprintf(out, cap, "%.*s", (int)n, reference);
}

static void map_schemes(mapping_t *m, const json_t *source)
{
    const char *reference = text_of(json_object_get(source, "standard"), "reference");
    if (reference == NULL) {
        map_fail(m, "schemes", "the certificate names no standard");
        return;
    }
    if (cc_utf8_length(reference, strlen(reference)) > LIMIT_SCHEME) {
        map_fail(m, "schemes", "the standard's reference is longer than 100 characters");
        return;
    }
    char name[LIMIT_SCHEME * 4 + 1];
    scheme_name(reference, name, sizeof(name));
    json_object_set_new(
        m->record, "schemes",
        json_pack("[{s:s, s:[{s:s}]}]", "scheme_name", name, "standard_list", "standards_name", reference));
}

/* One printed site (certificate.sites: {name, street, city, state, post_code, country, scope}). */
static json_t *map_site(mapping_t *m, const json_t *site, size_t i, const char *certificate_scope)
{
    static const struct {
        const char *ours, *theirs;
        size_t limit;
        bool required;
    } fields[] = {
        {"street", "street", LIMIT_STREET, true},
        {"city", "city", LIMIT_CITY, true},
        {"state", "state", LIMIT_STATE, false},
        {"country", "country", LIMIT_COUNTRY, true},
        {"post_code", "postcode", LIMIT_POST_CODE, false},
        {"scope", "scope_description", LIMIT_SCOPE, false},
    };
    json_t *out = json_object();
    char field[64];
    for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
        const char *value = text_of(site, fields[k].ours);
        if (value == NULL && strcmp(fields[k].ours, "scope") == 0)
            value = certificate_scope; /* a site without its own scope is certified for the whole scope */
        snprintf(field, sizeof(field), "sites[%zu].%s", i, fields[k].theirs);
        put_text_as(m, out, fields[k].theirs, field, value, fields[k].limit, fields[k].required,
                    "the site has no such value");
    }
    return out;
}

static void map_sites(mapping_t *m, const json_t *source, const char *scope)
{
    const json_t *sites = json_object_get(source, "sites");
    json_t *out = json_array(); /* always sent: [] clears the registry's sites */
    size_t i;
    const json_t *site;
    json_array_foreach(sites, i, site)
    {
        json_array_append_new(out, map_site(m, site, i, scope));
    }
    json_object_set_new(m->record, "sites", out);
}

static void map_certificate(mapping_t *m, const json_t *source)
{
    const char *identity = text_of(source, "certification_id");
    put_text(m, m->record, "certificate_identity_number", identity, LIMIT_IDENTITY, true,
             "the certification has no id");
    put_text(m, m->record, "certificate_number", text_of(source, "number"), LIMIT_NUMBER, true,
             "the certificate has no number");
    const char *status = registry_map_status(cc_json_str(source, "status"));
    if (status == NULL)
        map_fail(m, "certification_status", "the certificate's status has no registry equivalent");
    else
        json_object_set_new(m->record, "certification_status", json_string(status));
    json_object_set_new(m->record, "certification_type", json_string("Management System"));
    const char *scope = text_of(source, "scope");
    put_text(m, m->record, "certification_scope", scope, LIMIT_SCOPE, false, NULL);
    put_date(m, "certification_original_issue_date", cc_json_str(source, "original_issue_date"), false);
    put_date(m, "certification_issue_date", cc_json_str(source, "issue_date"), true);
    put_date(m, "certification_expiry_date", cc_json_str(source, "expiry_date"), true);
    map_schemes(m, source);
    map_sites(m, source, scope);
}

static void map_client(mapping_t *m, const json_t *source)
{
    const json_t *client = json_object_get(source, "client");
    put_text(m, m->record, "certified_entity_name", text_of(client, "legal_name"), LIMIT_NAME, true,
             "the client has no legal name");
    put_text(m, m->record, "certified_entity_trading_name", text_of(client, "trading_name"), LIMIT_NAME,
             false, NULL);
    put_text(m, m->record, "certified_entity_unique_id", text_of(client, "id"), LIMIT_UNIQUE_ID, true,
             "the client has no id");
    put_text(m, m->record, "certified_entity_street_address", text_of(client, "street"), LIMIT_STREET, true,
             "the client has no street address");
    put_text(m, m->record, "certified_entity_street_city", text_of(client, "city"), LIMIT_CITY, true,
             "the client has no city");
    put_text(m, m->record, "certified_entity_state", text_of(client, "state"), LIMIT_STATE, false, NULL);
    put_text(m, m->record, "certified_entity_post_code", text_of(client, "post_code"), LIMIT_POST_CODE, false,
             NULL);
    put_text(m, m->record, "certified_entity_country", text_of(client, "country"), LIMIT_COUNTRY, true,
             "the client has no country");
    json_object_set_new(m->record, "confidential_certified_entity",
                        json_boolean(json_is_true(json_object_get(client, "confidential"))));
}

static void map_accreditation(mapping_t *m, const json_t *source)
{
    const json_t *registry = json_object_get(source, "registry");
    put_text(m, m->record, "accreditation_body_name", text_of(registry, "accreditation_body_name"),
             LIMIT_AB_NAME, true, "the registry settings name no accreditation body");
    put_text(m, m->record, "accreditation_body_acronym_name", text_of(registry, "accreditation_body_acronym"),
             LIMIT_AB_ACRONYM, true, "the registry settings give no accreditation body acronym");
    /* absent: accredited, the settings' default */
    const json_t *accredited = json_object_get(registry, "accredited");
    json_object_set_new(m->record, "certificate_accreditation_status",
                        json_string(json_is_false(accredited) ? "Unaccredited" : "Accredited"));
}

json_t *registry_map(const json_t *source, registry_map_problem_t *problem)
{
    mapping_t m = {json_object(), problem, false};
    if (problem != NULL)
        memset(problem, 0, sizeof(*problem));
    if (!json_is_object(source)) {
        map_fail(&m, "certificate_identity_number", "no such certification");
    } else {
        map_certificate(&m, source);
        map_client(&m, source);
        map_accreditation(&m, source);
    }
    if (m.failed) {
        json_decref(m.record);
        return NULL;
    }
    return m.record;
}
