/*
 * POST /v1/audit-time: validates the request, reads the tenant's audit-time
 * settings, and answers the calculation of audit_time.c with every rule
 * applied. A request beyond a cap (30 % adjustments, 20 % integration, 50 %
 * at one site) answers 422 naming the field and the cap.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_time_json.h"
#include "cc_dbasync.h"
#include "cc_log.h"
#include "cc_problem.h"
#include "cc_tenant_epochs.h"
#include "scheduling.h"

#define MAX_GROUPS 100
#define MAX_ADJUSTMENTS 20
#define MAX_SITE_REDUCTIONS 1000

static const char *const complexities[] = {"high", "medium", "low", "limited", NULL};
static const char *const transition_audits[] = {"recertification", "surveillance", "separate", NULL};

static const cc_field_t request_fields[] = {
    {"standard", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 40, NULL},
    {"personnel", CC_FIELD_INT, CC_FIELD_REQUIRED, 1, AUDIT_TIME_MAX_PERSONNEL, NULL},
    {"complexity", CC_FIELD_ENUM, CC_FIELD_NULLABLE, 0, 0, complexities},
    {"sites", CC_FIELD_INT, 0, 0, AUDIT_TIME_MAX_SITES, NULL},
    {"sampling_not_allowed", CC_FIELD_BOOL, 0, 0, 0, NULL},
    {"integrated_standards", CC_FIELD_ARRAY, 0, 0, 0, NULL},
    {"integration_reduction_percent", CC_FIELD_NUMBER, 0, 0, 100, NULL},
    {"identical_activity_groups", CC_FIELD_ARRAY, 0, 0, 0, NULL},
    {"adjustments", CC_FIELD_ARRAY, 0, 0, 0, NULL},
    {"site_reductions", CC_FIELD_ARRAY, 0, 0, 0, NULL},
    {"transition", CC_FIELD_BOOL, 0, 0, 0, NULL},
    {"transition_with", CC_FIELD_ENUM, 0, 0, 0, transition_audits},
};
static const cc_field_t group_fields[] = {
    {"headcount", CC_FIELD_INT, CC_FIELD_REQUIRED, 1, AUDIT_TIME_MAX_PERSONNEL, NULL},
    {"justification", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 2000, NULL},
};
static const cc_field_t adjustment_fields[] = {
    {"percent", CC_FIELD_NUMBER, CC_FIELD_REQUIRED, -100, 100, NULL},
    {"reason", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 2000, NULL},
};
static const cc_field_t site_reduction_fields[] = {
    {"name", CC_FIELD_STRING, 0, 1, 200, NULL},
    {"percent", CC_FIELD_NUMBER, CC_FIELD_REQUIRED, 0, 100, NULL},
};

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

/* A validated request: the input borrows strings from body, which the request holds until it ends. */
typedef struct calculation {
    audit_time_input_t input;
    uint64_t settings_epoch; /* the tenant's settings epoch when the settings were asked for */
} calculation_t;

/* Validates the array `name` (at most max entries) of objects with fields; returns the number of errors. */
static size_t check_objects(const json_t *body, const char *name, size_t max, const cc_field_t *fields,
                            size_t nfields, json_t *problem)
{
    json_t *array = json_object_get(body, name), *item;
    size_t i, errors = 0;
    if (json_array_size(array) > max) {
        char message[64];
        snprintf(message, sizeof(message), "must have at most %zu entries", max);
        cc_problem_add_error(problem, name, "too_many", message);
        return 1;
    }
    json_array_foreach(array, i, item)
    {
        char path[64];
        snprintf(path, sizeof(path), "%s[%zu]", name, i);
        errors += cc_json_validate_at(item, path, fields, nfields, problem);
    }
    return errors;
}

static size_t check_standards(const json_t *body, json_t *problem)
{
    json_t *array = json_object_get(body, "integrated_standards"), *item;
    size_t i, errors = 0;
    if (json_array_size(array) > AUDIT_TIME_MAX_STANDARDS - 1) {
        cc_problem_add_error(problem, "integrated_standards", "too_many", "must have at most 3 entries");
        return 1;
    }
    json_array_foreach(array, i, item)
    {
        if (!json_is_string(item)) {
            char path[64];
            snprintf(path, sizeof(path), "integrated_standards[%zu]", i);
            cc_problem_add_error(problem, path, "wrong_type", "must be a string");
            errors++;
        }
    }
    return errors;
}

static void *pool_array(cc_request_t *r, size_t n, size_t size)
{
    return n == 0 ? NULL : cc_request_alloc(r, n * size);
}

/* Builds the calculation's input from a validated body (strings borrowed from it). */
static void build_input(cc_request_t *r, const json_t *body, audit_time_input_t *in)
{
    json_t *item;
    size_t i;
    memset(in, 0, sizeof(*in));
    in->standard = cc_json_str(body, "standard");
    in->personnel = (long)json_integer_value(json_object_get(body, "personnel"));
    in->complexity = cc_json_str(body, "complexity");
    in->sites = (long)json_integer_value(json_object_get(body, "sites"));
    in->sampling_not_allowed = json_is_true(json_object_get(body, "sampling_not_allowed"));
    in->transition = json_is_true(json_object_get(body, "transition"));
    const char *with = cc_json_str(body, "transition_with");
    in->transition_with = with == NULL || strcmp(with, "recertification") == 0
                              ? AUDIT_TIME_TRANSITION_WITH_RECERTIFICATION
                          : strcmp(with, "surveillance") == 0 ? AUDIT_TIME_TRANSITION_WITH_SURVEILLANCE
                                                              : AUDIT_TIME_TRANSITION_SEPARATE;
    in->integration_reduction_percent =
        json_number_value(json_object_get(body, "integration_reduction_percent"));

    json_t *standards = json_object_get(body, "integrated_standards");
    const char **names = pool_array(r, json_array_size(standards), sizeof(char *));
    json_array_foreach(standards, i, item) names[i] = json_string_value(item);
    in->integrated_standards = names;
    in->n_integrated_standards = json_array_size(standards);

    json_t *groups = json_object_get(body, "identical_activity_groups");
    audit_time_group_t *g = pool_array(r, json_array_size(groups), sizeof(*g));
    json_array_foreach(groups, i, item)
    {
        g[i].headcount = (long)json_integer_value(json_object_get(item, "headcount"));
        g[i].justification = cc_json_str(item, "justification");
    }
    in->groups = g;
    in->n_groups = json_array_size(groups);

    json_t *adjustments = json_object_get(body, "adjustments");
    audit_time_adjustment_t *a = pool_array(r, json_array_size(adjustments), sizeof(*a));
    json_array_foreach(adjustments, i, item)
    {
        a[i].percent = json_number_value(json_object_get(item, "percent"));
        a[i].reason = cc_json_str(item, "reason");
    }
    in->adjustments = a;
    in->n_adjustments = json_array_size(adjustments);

    json_t *sites = json_object_get(body, "site_reductions");
    audit_time_site_reduction_t *s = pool_array(r, json_array_size(sites), sizeof(*s));
    json_array_foreach(sites, i, item)
    {
        s[i].name = cc_json_str(item, "name");
        s[i].percent = json_number_value(json_object_get(item, "percent"));
    }
    in->site_reductions = s;
    in->n_site_reductions = json_array_size(sites);
}

/*
 * Tenants' audit-time settings change rarely and every calculation needs them:
 * each loop thread keeps them, so a calculation is pure computation on the
 * loop. A change moves the tenant's epoch (cc_tenant_epochs.h, pushed by
 * NOTIFY), which drops the entry at once; SETTINGS_TTL_NS is the fallback.
 */
#define SETTINGS_CACHE_SLOTS 64
#define SETTINGS_TTL_NS (30ull * 1000000000ull)

typedef struct cached_settings {
    char tenant_id[37];
    audit_time_settings_t settings;
    uint64_t fetched_ns;
    uint64_t epoch; /* the tenant's epoch before the fetch */
} cached_settings_t;

static __thread cached_settings_t settings_cache[SETTINGS_CACHE_SLOTS];

static cached_settings_t *settings_slot(const char *tenant_id)
{
    unsigned hash = 5381;
    for (const char *p = tenant_id; *p != '\0'; p++)
        hash = hash * 33 + (unsigned char)*p;
    return &settings_cache[hash % SETTINGS_CACHE_SLOTS];
}

static const audit_time_settings_t *cached_settings(const char *tenant_id)
{
    cached_settings_t *slot = settings_slot(tenant_id);
    if (strcmp(slot->tenant_id, tenant_id) != 0 || cc_now_ns() - slot->fetched_ns > SETTINGS_TTL_NS ||
        slot->epoch != cc_tenant_epoch(tenant_id))
        return NULL;
    return &slot->settings;
}

static void respond_calculation(cc_request_t *r, calculation_t *calc, const audit_time_settings_t *settings);

static void on_settings(cc_request_t *r, PGresult *res, void *data)
{
    calculation_t *calc = data;
    audit_time_settings_t settings = {0, 0, 0};
    if (PQntuples(res) == 1) {
        settings.surveillance_fraction = atof(PQgetvalue(res, 0, 0));
        settings.recertification_fraction = atof(PQgetvalue(res, 0, 1));
        settings.stage1_fraction = atof(PQgetvalue(res, 0, 2));
    }
    cached_settings_t *slot = settings_slot(r->claims.tid);
    memcpy(slot->tenant_id, r->claims.tid, sizeof(slot->tenant_id));
    slot->settings = settings;
    slot->fetched_ns = cc_now_ns();
    slot->epoch = calc->settings_epoch;
    respond_calculation(r, calc, &settings);
}

static void respond_calculation(cc_request_t *r, calculation_t *calc,
                                const audit_time_settings_t *settings_in)
{
    audit_time_settings_t settings = *settings_in;
    audit_time_result_t result;
    audit_time_error_t err;
    int rc = audit_time_compute(&calc->input, &settings, &result, &err);
    if (rc != AUDIT_TIME_OK && strncmp(err.field, "settings.", 9) == 0) {
        /* the tenant's own configuration, which the caller cannot fix */
        cc_log(CC_LOG_ERROR, "invalid audit-time setting for tenant %s: %s", r->claims.tid, err.message);
        cc_respond_error(r, 500, "internal_error",
                         "the certification body's audit-time settings are invalid");
        return;
    }
    if (rc != AUDIT_TIME_OK) {
        int status = audit_time_error_status(rc);
        json_t *problem = cc_problem_new(
            status, status == 422 ? audit_time_error_code(rc) : "validation_failed", err.message);
        cc_problem_add_error(problem, err.field, audit_time_error_code(rc), err.message);
        cc_respond_problem(r, problem);
        return;
    }
    size_t len;
    char *text = audit_time_to_json_text(&calc->input, &result, &len);
    cc_respond_text(r, 200, "application/json", text, len);
    free(text);
}

void audit_time_handle(cc_request_t *r)
{
    json_t *body = cc_read_json_or_respond(r, request_fields, NFIELDS(request_fields));
    if (body == NULL)
        return;
    json_t *problem = cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
    size_t errors = check_standards(body, problem) +
                    check_objects(body, "identical_activity_groups", MAX_GROUPS, group_fields,
                                  NFIELDS(group_fields), problem) +
                    check_objects(body, "adjustments", MAX_ADJUSTMENTS, adjustment_fields,
                                  NFIELDS(adjustment_fields), problem) +
                    check_objects(body, "site_reductions", MAX_SITE_REDUCTIONS, site_reduction_fields,
                                  NFIELDS(site_reduction_fields), problem);
    if (errors != 0) {
        json_decref(body);
        cc_respond_problem(r, problem);
        return;
    }
    json_decref(problem);
    cc_request_hold_json(r, body);
    calculation_t *calc = cc_request_alloc(r, sizeof(*calc));
    build_input(r, body, &calc->input);
    const audit_time_settings_t *settings = cached_settings(r->claims.tid);
    if (settings != NULL) {
        respond_calculation(r, calc, settings);
        return;
    }
    calc->settings_epoch =
        cc_tenant_epoch(r->claims.tid); /* read before the query: a change during it is not lost */
    const char *params[] = {r->claims.tid};
    cc_db_query(r, r->claims.tid, &sql_tenant_audit_time_settings, 1, params, on_settings, calc);
}
