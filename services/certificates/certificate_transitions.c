/*
 * A certificate's transitions (DOMAIN.md "Certificates"; 17021-1 9.6): POST /v1/certificates/{id}/suspend,
 * /restore and /withdraw, by a decision maker or an admin, each with If-Match (428 without). Each is one
 * guarded UPDATE (`WHERE status = <the status it expects>`), recorded by cc_certificate_record (history and
 * the numbered outbox row) and the event log (certificate.suspended, .restored, .withdrawn) in one
 * transaction; anything the state machine does not allow is 409 illegal_transition with current_status.
 * Reducing the scope makes a new revision: certificate_reduce.c.
 */
#include <string.h>

#include "cc_problem.h"
#include "certificate_store.h"
#include "certificates.h"
#include "civil_date.h"

static const char *const triggers[] = {
    "missed_surveillance", "serious_failure", "client_request", "mark_misuse", "non_payment", "other", NULL};

static const cc_field_t suspend_fields[] = {
    {"reason", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 2000, NULL},
    {"trigger", CC_FIELD_ENUM, CC_FIELD_REQUIRED, 0, 0, triggers},
    {"until", CC_FIELD_DATE, 0, 0, 0, NULL},
};

static const cc_field_t reason_fields[] = {
    {"reason", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 2000, NULL},
};

/*
 * The suspension's due date (DOMAIN.md "Certificates" [P]): `until` when given, else today + the tenant's
 * certificates.suspension_months (a whole number 1..12, as shared/cc_settings.c accepts it; absent or
 * invalid: 6).
 */
static const cc_sql_t sql_suspend = {
    "certificates_suspend",
    "UPDATE certificates c SET status = 'suspended', suspended_since = current_date,"
    " suspended_until = coalesce($4::date, (current_date + make_interval(months => (SELECT CASE"
    "   WHEN jsonb_typeof(t.settings #> '{certificates,suspension_months}') = 'number'"
    "    AND (t.settings #>> '{certificates,suspension_months}') ~ '^[0-9]{1,2}$'"
    "    AND (t.settings #>> '{certificates,suspension_months}')::int BETWEEN 1 AND 12"
    "   THEN (t.settings #>> '{certificates,suspension_months}')::int ELSE 6 END"
    "   FROM tenants t WHERE t.id = $1)))::date),"
    " suspension_trigger = $5, suspension_reason = $6, version = version + 1, updated_at = now() "
    "WHERE c.tenant_id = $1 AND c.id = $2 AND c.status = $3 RETURNING c.id"};

static const cc_sql_t sql_restore = {
    "certificates_restore",
    "UPDATE certificates c SET status = 'active', suspended_since = NULL, suspended_until = NULL,"
    " suspension_trigger = NULL, suspension_reason = NULL, version = version + 1, updated_at = now() "
    "WHERE c.tenant_id = $1 AND c.id = $2 AND c.status = $3 RETURNING c.id"};

static const cc_sql_t sql_withdraw = {
    "certificates_withdraw",
    "UPDATE certificates c SET status = 'withdrawn', withdrawn_on = current_date, suspended_since = NULL,"
    " suspended_until = NULL, suspension_trigger = NULL, suspension_reason = NULL, version = version + 1,"
    " updated_at = now() "
    "WHERE c.tenant_id = $1 AND c.id = $2 AND c.status = $3 RETURNING c.id"};

static cc_step_t check_if_match(cc_request_t *r, const json_t *body, json_t *problem)
{
    (void)body, (void)problem;
    return certificate_require_if_match(r);
}

/* `until`, when given, must be after today: a suspension that is already due is no suspension. */
static cc_step_t check_suspend(cc_request_t *r, const json_t *body, json_t *problem)
{
    if (certificate_require_if_match(r) != CC_GO_ON)
        return CC_ANSWERED;
    const char *until = cc_json_str(body, "until");
    civil_date_t d;
    if (until != NULL && civil_date_parse(until, &d) == 0 &&
        civil_date_compare(d, civil_date_today_utc()) <= 0)
        cc_problem_add_error(problem, "until", "out_of_range",
                             "the suspension's due date must be after today");
    return CC_GO_ON;
}

static cc_step_t suspend_run(cc_write_t *w)
{
    certificate_move_t m;
    cc_step_t step = certificate_move_begin(w, CERTIFICATE_ACTION_SUSPEND, &m);
    if (step != CC_GO_ON)
        return step;
    const char *reason = cc_json_str(w->body, "reason"), *trigger = cc_json_str(w->body, "trigger");
    const char *params[] = {w->actor.tenant_id,
                            w->ids[0],
                            certificate_status_name(m.from),
                            cc_json_str(w->body, "until"),
                            trigger,
                            reason};
    return certificate_move_apply(w, &m, &sql_suspend, 6, params, "suspended", reason, trigger);
}

/* restore and withdraw: a reason, and the UPDATE of their action. */
static cc_step_t reasoned_run(cc_write_t *w, certificate_action_t action, const cc_sql_t *sql,
                              const char *done)
{
    certificate_move_t m;
    cc_step_t step = certificate_move_begin(w, action, &m);
    if (step != CC_GO_ON)
        return step;
    const char *reason = cc_json_str(w->body, "reason");
    const char *params[] = {w->actor.tenant_id, w->ids[0], certificate_status_name(m.from)};
    return certificate_move_apply(w, &m, sql, 3, params, done, reason, NULL);
}

static cc_step_t restore_run(cc_write_t *w)
{
    return reasoned_run(w, CERTIFICATE_ACTION_RESTORE, &sql_restore, "restored");
}

static cc_step_t withdraw_run(cc_write_t *w)
{
    return reasoned_run(w, CERTIFICATE_ACTION_WITHDRAW, &sql_withdraw, "withdrawn");
}

#define TRANSITION_SPEC(name, field_table, check_fn, run_fn, action)                                         \
    static const cc_write_spec_t name = {                                                                    \
        .fields = field_table,                                                                               \
        .nfields = CC_NFIELDS(field_table),                                                                  \
        .flags = CC_WRITE_IF_MATCH | CC_WRITE_IDEMPOTENT | CC_WRITE_EVENT_ON_PATH,                           \
        .path_ids = {"id"},                                                                                  \
        .check = check_fn,                                                                                   \
        .run = run_fn,                                                                                       \
        .status = 200,                                                                                       \
        .event_action = action,                                                                              \
        .event_entity = "certificate",                                                                       \
    }

TRANSITION_SPEC(suspend_spec, suspend_fields, check_suspend, suspend_run, "certificate.suspended");
TRANSITION_SPEC(restore_spec, reason_fields, check_if_match, restore_run, "certificate.restored");
TRANSITION_SPEC(withdraw_spec, reason_fields, check_if_match, withdraw_run, "certificate.withdrawn");

CC_WRITE_HANDLER(certificates_suspend_handle, suspend_spec);
CC_WRITE_HANDLER(certificates_restore_handle, restore_spec);
CC_WRITE_HANDLER(certificates_withdraw_handle, withdraw_spec);
