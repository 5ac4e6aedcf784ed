/*
 * GET /.well-known/jwks.json: the public halves of every signing key, so that
 * other services and third parties can verify access tokens.
 */
#include "identity.h"

void jwks_handle(cc_request_t *r)
{
    cc_set_header(r, "cache-control", "public, max-age=60");
    cc_respond_json(r, 200, cc_keyset_jwks(cc_request_keys(r)));
}
