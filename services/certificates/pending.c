/*
 * TEMPORARY: 501 answers for the routes not built yet. Each slice deletes the
 * lines of the handlers (and functions) it implements; the last one deletes
 * this file.
 */
#include "certificates.h"

#define PENDING(fn)                                                                                          \
    void fn(cc_request_t *r)                                                                                 \
    {                                                                                                        \
        cc_respond_error(r, 501, "not_implemented", "not built yet");                                        \
    }

PENDING(certificates_list_handle)
PENDING(certificates_get_handle)
PENDING(certificates_suspend_handle)
PENDING(certificates_restore_handle)
PENDING(certificates_withdraw_handle)
PENDING(certificates_reduce_scope_handle)

void certificates_housekeeping(cc_dbconn_t *db)
{
    (void)db;
}
