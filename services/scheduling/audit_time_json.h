/*
 * The JSON of an audit-time calculation (audit_time.h computes it): the response
 * body of POST /v1/audit-time and of a programme's `calculation`, written straight
 * to text with cc_jsonw.
 */
#ifndef AUDIT_TIME_JSON_H
#define AUDIT_TIME_JSON_H

#include <stddef.h>

#include "audit_time.h"
#include "cc_jsonw.h"

/*
 * Writes the rules applied, in order, as a JSON array: each {rule, source, input,
 * result}. in and r are those of a successful audit_time_compute().
 */
void audit_time_write_rules(cc_jsonw_t *w, const audit_time_input_t *in, const audit_time_result_t *r);

/*
 * The whole response body as JSON text (the caller frees; its length in *len unless
 * NULL): the figures (initial with stage split, surveillance, recertification, on-site
 * minima, transition, multi-site samples) and "rules". Written straight to text: it is
 * the hot path of POST /v1/audit-time, where a jansson tree cost more than the rules.
 * in and r are those of a successful audit_time_compute().
 */
char *audit_time_to_json_text(const audit_time_input_t *in, const audit_time_result_t *r, size_t *len);

#endif
