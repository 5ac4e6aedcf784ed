/*
 * The public documents of a certificate (no login; issue 9 "Public verification"):
 * GET /public/v1/cbs/{cb_slug}/certificates/{number}/qr.svg, the QR code of its verify_url, and
 * GET /public/v1/cbs/{cb_slug}/certificates/{number}/attestation, its public record signed as a UNTP
 * Digital Conformity Credential (attestation.h) in a compact ES256 JWS with the attestation key (migration
 * 0021). Both answer from the in-memory index (public_lookup), never from the database, rate limited per
 * client address, open to any origin, cacheable for a minute.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attestation.h"
#include "cc_crypto.h"
#include "cc_log.h"
#include "certificates.h"
#include "public_http.h"
#include "public_index.h"
#include "public_rate.h"
#include "qr.h"

/* The certificate's public record, or NULL after answering (429, 503, 404). Writes the base URL and slug. */
static json_t *lookup_or_respond(cc_request_t *r, char *base, size_t base_size, const char **slug_out)
{
    if (!public_rate_admit(r) || !public_ready_or_respond(r))
        return NULL;
    size_t slug_len, number_len;
    const char *slug = cc_path_param(&r->params, "cb_slug", &slug_len);
    const char *number = cc_path_param(&r->params, "number", &number_len);
    json_t *record = NULL;
    if (slug != NULL && number != NULL && slug_len < 64 && number_len <= 64) {
        public_base_url(r, base, base_size);
        *slug_out = cc_request_strdup(r, slug, slug_len);
        record = public_lookup(*slug_out, cc_request_strdup(r, number, number_len), base, NULL);
    }
    if (record == NULL)
        public_not_found(r);
    return record;
}

void public_qr_handle(cc_request_t *r)
{
    char base[512];
    const char *slug;
    json_t *record = lookup_or_respond(r, base, sizeof(base), &slug);
    if (record == NULL)
        return;
    /* The verify page's URL, built here rather than read from the record: a confidential client's record
     * has no verify_url, yet its page (which says whether the number is valid) exists. */
    char url[1024];
    const json_t *cb = json_object_get(record, "certification_body");
    snprintf(url, sizeof(url), "%s/verify/%s/%s", base, json_string_value(json_object_get(cb, "slug")),
             json_string_value(json_object_get(record, "number")));
    /* The code depends on the URL alone: its hash is the strong ETag. */
    uint8_t digest[CC_SHA256_LEN];
    char hex[2 * CC_SHA256_LEN + 1], etag[PUBLIC_ETAG_SIZE];
    cc_sha256(url, strlen(url), digest);
    cc_hex_encode(digest, 16, hex);
    snprintf(etag, sizeof(etag), "\"qr-%.32s\"", hex);
    if (!public_not_modified_or_respond(r, etag)) {
        size_t len;
        char *svg = qr_svg(url, &len);
        if (svg == NULL) {
            cc_respond_error(r, 500, "internal_error", "the QR code could not be made");
        } else {
            public_headers(r, etag);
            cc_respond_text(r, 200, "image/svg+xml", svg, len);
        }
        free(svg);
    }
    json_decref(record);
}

void public_attestation_handle(cc_request_t *r)
{
    char base[512];
    const char *slug;
    json_t *record = lookup_or_respond(r, base, sizeof(base), &slug);
    if (record == NULL)
        return;
    char jti[37];
    cc_uuid_v4(jti);
    json_t *payload = attestation_payload(record, base, slug, jti, (int64_t)time(NULL));
    cc_keyset_t *keys = cc_request_attestation_keys(r);
    char *jws = NULL;
    if (payload == NULL || cc_jws_sign(keys, ATTESTATION_TYP, payload, &jws) != 0) {
        cc_log(CC_LOG_ERROR,
               "cannot sign an attestation: no attestation key (certcycle keys rotate --purpose "
               "attestation)");
        cc_respond_error(r, 503, "service_unavailable", "attestations cannot be signed right now");
    } else {
        /* Each answer is freshly dated: no ETag, and a cache may keep one for the minute public answers get.
         */
        public_headers(r, NULL);
        cc_respond_text(r, 200, ATTESTATION_MEDIA_TYPE, jws, strlen(jws));
    }
    free(jws);
    cc_keyset_release(keys);
    json_decref(payload);
    json_decref(record);
}
