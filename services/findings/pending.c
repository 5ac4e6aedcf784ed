/*
 * TEMPORARY while issue 8 is built in slices: routes not written yet answer
 * 501. Each slice deletes its handlers from here; the file goes before landing.
 */
#include "findings.h"

#define PENDING(name)                                                                                        \
    void name(cc_request_t *r)                                                                               \
    {                                                                                                        \
        cc_respond_error(r, 501, "not_implemented", "not built yet");                                        \
    }

PENDING(findings_summary_handle)
