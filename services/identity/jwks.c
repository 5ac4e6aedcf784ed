/*
 * GET /.well-known/jwks.json: the public halves of every signing key of both
 * purposes (migration 0021), so that other services and third parties can
 * verify access tokens and, offline, the certificates service's attestations.
 * Attestation keys are told apart by their kid prefix "att-"
 * (CC_KEYS_ATTESTATION_KID_PREFIX); each service verifies access tokens with
 * the access keys only.
 */
#include "cc_keys.h"
#include "identity.h"

void jwks_handle(cc_request_t *r)
{
    json_t *jwks = cc_keyset_jwks(cc_request_keys(r));
    cc_keyset_t *attestation = cc_request_attestation_keys(r);
    json_t *more = cc_keyset_jwks(attestation);
    cc_keyset_release(attestation);
    json_array_extend(json_object_get(jwks, "keys"), json_object_get(more, "keys"));
    json_decref(more);
    cc_set_header(r, "cache-control", "public, max-age=60");
    cc_respond_json(r, 200, jwks);
}
