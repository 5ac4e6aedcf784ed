/*
 * Unit tests of services/certificates/attestation.c: the issuer's did:web,
 * and the VC payload (UNTP DCC 0.6.1 shape, 24-hour validity, JWT claims) for
 * an ordinary and a confidential public record.
 */
#include "cc_test_main.h"
#include <check.h>
#include <string.h>

#include "certificates/attestation.c"

#define NOW ((int64_t)1796601600) /* 2026-12-07T00:00:00Z */
#define JTI "11111111-2222-4333-8444-555555555555"
#define BASE "http://127.0.0.1:8080"

START_TEST(issuer_is_a_did_web)
{
    char out[200];
    attestation_issuer_id("https://verify.example", "northcert", out, sizeof(out));
    ck_assert_str_eq(out, "did:web:verify.example:cbs:northcert");
    attestation_issuer_id(BASE, "northcert", out, sizeof(out));
    ck_assert_str_eq(out, "did:web:127.0.0.1%3A8080:cbs:northcert");
    attestation_issuer_id("https://cb.example/certs/", "south", out, sizeof(out));
    ck_assert_str_eq(out, "did:web:cb.example:certs:cbs:south");
}
END_TEST

static json_t *record(void)
{
    return json_pack(
        "{s:s, s:i, s:s, s:b, s:{s:s, s:s, s:s}, s:s, s:s, s:[{s:s, s:s, s:s}], s:s, s:s, s:s, s:n, s:n, "
        "s:{s:s, s:s}, s:s, s:s, s:s}",
        "number", "NORTHCERT-ISO27001-000042", "revision", 0, "status", "active", "valid", 1, "holder",
        "name", "Aurora Logistics Ltd", "city", "Hull", "country", "GB", "standard", "ISO/IEC 27001:2022",
        "scope", "Logistics software", "sites", "city", "Leeds", "country", "GB", "scope", "Warehousing",
        "original_issue_date", "2026-12-07", "issue_date", "2026-12-07", "expiry_date", "2029-12-06",
        "suspended_since", "withdrawn_on", "certification_body", "name", "NorthCert Ltd", "slug", "northcert",
        "accreditation_body", "UKAS", "updated_at", "2026-12-07T00:00:00.000Z", "verify_url",
        BASE "/verify/northcert/NORTHCERT-ISO27001-000042");
}

static const char *path_str(json_t *root, const char *a, const char *b)
{
    json_t *v = json_object_get(json_object_get(root, a), b);
    ck_assert_msg(json_is_string(v), "%s.%s is not a string", a, b);
    return json_string_value(v);
}

START_TEST(payload_shape)
{
    json_t *rec = record();
    json_t *p = attestation_payload(rec, BASE, "northcert", JTI, NOW);
    ck_assert_ptr_nonnull(p);
    json_t *ctx = json_object_get(p, "@context");
    ck_assert_str_eq(json_string_value(json_array_get(ctx, 0)), "https://www.w3.org/ns/credentials/v2");
    ck_assert_str_eq(json_string_value(json_array_get(ctx, 1)), ATTESTATION_DCC_CONTEXT);
    json_t *type = json_object_get(p, "type");
    ck_assert_str_eq(json_string_value(json_array_get(type, 0)), "DigitalConformityCredential");
    ck_assert_str_eq(json_string_value(json_array_get(type, 1)), "VerifiableCredential");
    ck_assert_str_eq(json_string_value(json_object_get(p, "id")), "urn:uuid:" JTI);
    ck_assert_str_eq(path_str(p, "issuer", "id"), "did:web:127.0.0.1%3A8080:cbs:northcert");
    ck_assert_str_eq(path_str(p, "issuer", "name"), "NorthCert Ltd");
    ck_assert_str_eq(json_string_value(json_object_get(p, "iss")), "did:web:127.0.0.1%3A8080:cbs:northcert");
    ck_assert_str_eq(json_string_value(json_object_get(p, "validFrom")), "2026-12-07T00:00:00Z");
    ck_assert_str_eq(json_string_value(json_object_get(p, "validUntil")), "2026-12-08T00:00:00Z");
    ck_assert_int_eq(json_integer_value(json_object_get(p, "iat")), NOW);
    ck_assert_int_eq(json_integer_value(json_object_get(p, "nbf")), NOW);
    ck_assert_int_eq(json_integer_value(json_object_get(p, "exp")), NOW + 86400);

    json_t *s = json_object_get(p, "credentialSubject");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(s, "type"), 0)),
                     "ConformityAttestation");
    ck_assert_str_eq(json_string_value(json_object_get(s, "id")),
                     BASE "/public/v1/cbs/northcert/certificates/NORTHCERT-ISO27001-000042");
    ck_assert_str_eq(json_string_value(json_object_get(s, "assessorLevel")), "3rdParty");
    ck_assert_str_eq(json_string_value(json_object_get(s, "assessmentLevel")), "Accredited");
    ck_assert_str_eq(json_string_value(json_object_get(s, "attestationType")), "certification");
    ck_assert_str_eq(path_str(s, "issuedToParty", "name"), "Aurora Logistics Ltd");
    ck_assert_str_eq(path_str(s, "conformityCertificate", "linkURL"),
                     BASE "/verify/northcert/NORTHCERT-ISO27001-000042");
    json_t *a = json_array_get(json_object_get(s, "assessment"), 0);
    ck_assert(json_is_true(json_object_get(a, "conformance")));
    ck_assert_str_eq(path_str(a, "referenceStandard", "name"), "ISO/IEC 27001:2022");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_object_get(json_object_get(a, "referenceStandard"), "issuingParty"), "name")),
                     "ISO/IEC");
    ck_assert_str_eq(json_string_value(json_object_get(a, "description")), "Logistics software");
    json_t *f = json_array_get(json_object_get(a, "assessedFacility"), 0);
    ck_assert_str_eq(path_str(f, "facility", "name"), "Leeds, GB");
    ck_assert(json_equal(json_object_get(s, "certificate"), rec)); /* the public record, as it was */
    json_decref(p);
    json_decref(rec);
}
END_TEST

START_TEST(confidential_record_discloses_nothing_more)
{
    json_t *rec = json_pack("{s:s, s:s, s:b, s:s, s:{s:s, s:s}, s:s}", "number", "N-1", "status", "suspended",
                            "valid", 0, "standard", "ISO 9001:2015", "certification_body", "name",
                            "NorthCert Ltd", "slug", "northcert", "verify_url", BASE "/verify/northcert/N-1");
    json_t *p = attestation_payload(rec, BASE, "northcert", JTI, NOW);
    json_t *s = json_object_get(p, "credentialSubject");
    ck_assert_str_eq(path_str(s, "issuedToParty", "name"), "Not disclosed (confidential client)");
    ck_assert_str_eq(json_string_value(json_object_get(s, "assessmentLevel")), "Unspecified");
    json_t *a = json_array_get(json_object_get(s, "assessment"), 0);
    ck_assert(json_is_false(json_object_get(a, "conformance")));
    ck_assert_uint_eq(json_array_size(json_object_get(a, "assessedFacility")), 0);
    ck_assert_ptr_null(json_object_get(a, "description"));
    ck_assert(json_equal(json_object_get(s, "certificate"), rec));
    char *text = json_dumps(p, 0);
    ck_assert_ptr_null(strstr(text, "Aurora"));
    free(text);
    json_decref(p);
    json_decref(rec);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attestation");
    TCase *tc = tcase_create("payload");
    tcase_add_test(tc, issuer_is_a_did_web);
    tcase_add_test(tc, payload_shape);
    tcase_add_test(tc, confidential_record_discloses_nothing_more);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
