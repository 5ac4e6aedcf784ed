/*
 * POST /v1/findings/{id}/verify {method, notes} and POST /v1/findings/{id}/close
 * {verification?: "deferred"} (DOMAIN.md "Findings"): a nonconformity's
 * implementation verified (accepted -> verified), and closure: a
 * nonconformity once verified, a minor from accepted with its verification
 * deferred to the next audit of the programme, an observation, OFI or area of
 * concern from recorded. The body of /close is optional.
 */
#include <string.h>

#include "finding_move.h"

static const char *const methods[] = {"on_site", "remote", "document", NULL};
static const char *const deferrals[] = {"deferred", NULL};

static const cc_field_t verify_fields[] = {
    {"method", CC_FIELD_ENUM, CC_FIELD_REQUIRED, 0, 0, methods},
    {"notes", CC_FIELD_STRING, 0, 1, 4000, NULL},
};

static const cc_field_t close_fields[] = {
    {"verification", CC_FIELD_ENUM, 0, 0, 0, deferrals},
};

static cc_step_t verify_run(cc_write_t *w)
{
    finding_move_t m;
    cc_step_t step = finding_move_begin(w, FINDING_ACTION_VERIFY, false, &m);
    if (step == CC_GO_ON) {
        m.verification = "verified";
        m.detail = json_pack("{s:s,s:s?}", "method", cc_json_str(w->body, "method"), "notes",
                             cc_json_str(w->body, "notes"));
        step = finding_move_apply(w, &m);
    }
    finding_move_clear(&m);
    return step;
}

static cc_step_t close_run(cc_write_t *w)
{
    finding_move_t m;
    const char *verification = cc_json_str(w->body, "verification"); /* NULL without a body */
    bool deferred = verification != NULL && strcmp(verification, "deferred") == 0;
    cc_step_t step =
        finding_move_begin(w, deferred ? FINDING_ACTION_CLOSE_DEFERRED : FINDING_ACTION_CLOSE, false, &m);
    if (step == CC_GO_ON) {
        m.verification = deferred ? "deferred" : NULL;
        m.detail = deferred ? json_pack("{s:s}", "verification", "deferred") : NULL;
        step = finding_move_apply(w, &m);
    }
    finding_move_clear(&m);
    return step;
}

static const cc_write_spec_t verify_spec = {
    .fields = verify_fields,
    .nfields = CC_NFIELDS(verify_fields),
    .flags = CC_WRITE_IDEMPOTENT,
    .path_ids = {"id"},
    .run = verify_run,
    .event_action = "finding.verified",
};

static const cc_write_spec_t close_spec = {
    .fields = close_fields,
    .nfields = CC_NFIELDS(close_fields),
    .flags = CC_WRITE_IDEMPOTENT,
    .path_ids = {"id"},
    .run = close_run,
    .event_action = "finding.closed",
};

/* The same without a body (no bytes at all): nothing to read. */
static const cc_write_spec_t close_bare_spec = {
    .flags = CC_WRITE_IDEMPOTENT,
    .path_ids = {"id"},
    .run = close_run,
    .event_action = "finding.closed",
};

CC_WRITE_HANDLER(findings_verify_handle, verify_spec);

void findings_close_handle(cc_request_t *r)
{
    cc_write_handle(r, r->req->entity.len == 0 ? &close_bare_spec : &close_spec);
}
