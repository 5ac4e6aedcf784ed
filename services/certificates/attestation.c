/*
 * The attestation's VC payload; see attestation.h. The field names are those
 * of UNTP DCC 0.6.1 (untp-dcc-schema.json): the credential's issuer is a
 * CredentialIssuer {id (a DID), name}; its subject a ConformityAttestation
 * (assessorLevel 3rdParty, assessmentLevel Accredited when the CB names an
 * accreditation body, attestationType certification, issuedToParty the
 * holder) with one ConformityAssessment (the standard as referenceStandard,
 * conformance = the certificate is valid today, the holder as
 * assessedOrganisation, each site as an assessedFacility). UNTP has no member
 * for a certificate's number, status or dates, so the subject also carries
 * "certificate": the public record as GET /public/v1/cbs/{cb_slug}/certificates/{number}
 * answers it (VC 2.0's base context maps undefined terms, @vocab).
 */
#include "attestation.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s != NULL ? s : "";
}

static void rfc3339(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void attestation_issuer_id(const char *base_url, const char *cb_slug, char *out, size_t size)
{
    const char *host = strstr(base_url, "://");
    host = host != NULL ? host + 3 : base_url;
    size_t n = (size_t)snprintf(out, size, "did:web:");
    for (const char *c = host; *c != '\0' && n + 4 < size; c++) {
        if (*c == ':')
            n += (size_t)snprintf(out + n, size - n, "%%3A");
        else if (*c == '/') {
            if (c[1] != '\0')
                out[n++] = ':';
        } else
            out[n++] = *c;
    }
    out[n < size ? n : size - 1] = '\0';
    snprintf(out + strlen(out), size - strlen(out), ":cbs:%s", cb_slug);
}

/* The standard's issuing party from its reference ("ISO/IEC 27001:2022" -> ISO/IEC), as UNTP requires one. */
static json_t *standard_of(const char *reference)
{
    char body[64];
    size_t n = strcspn(reference, " ");
    snprintf(body, sizeof(body), "%.*s", (int)(n < sizeof(body) ? n : sizeof(body) - 1), reference);
    return json_pack(
        "{s:[s], s:s, s:{s:s, s:s}}", "type", "Standard", "name", reference, "issuingParty", "id",
        strncmp(body, "ISO", 3) == 0 ? "https://www.iso.org" : "urn:certcycle:standards-body", "name", body);
}

/* One FacilityVerification per public site ("Leeds, GB"); empty for a confidential client. */
static json_t *facilities_of(const json_t *record, const char *subject_id)
{
    json_t *out = json_array();
    size_t i;
    const json_t *site;
    json_array_foreach(json_object_get(record, "sites"), i, site)
    {
        char id[900], name[300];
        snprintf(id, sizeof(id), "%s#site-%zu", subject_id, i + 1);
        snprintf(name, sizeof(name), "%s, %s", str(site, "city"), str(site, "country"));
        json_array_append_new(out, json_pack("{s:[s], s:{s:s, s:s}, s:b}", "type", "FacilityVerification",
                                             "facility", "id", id, "name", name, "IDverifiedByCAB", 1));
    }
    return out;
}

/* The ConformityAttestation: who was certified to what, by whom, and the public record itself. */
static json_t *subject_of(const json_t *record, const char *subject_id, const char *verify_url)
{
    const json_t *holder = json_object_get(record, "holder");
    char party_id[900], assessment_id[900], name[200], description[400];
    snprintf(party_id, sizeof(party_id), "%s#holder", verify_url);
    snprintf(assessment_id, sizeof(assessment_id), "%s#assessment", subject_id);
    snprintf(name, sizeof(name), "Certificate %s", str(record, "number"));
    snprintf(description, sizeof(description),
             "Management system certification to %s: certificate %s, status %s, as the certification body's "
             "register stated it at validFrom",
             str(record, "standard"), str(record, "number"), str(record, "status"));
    const char *holder_name = holder != NULL ? str(holder, "name") : "Not disclosed (confidential client)";
    json_t *party = json_pack("{s:s, s:s}", "id", party_id, "name", holder_name);
    json_t *assessment =
        json_pack("{s:[s], s:s, s:s, s:o, s:b, s:s, s:O, s:o}", "type", "ConformityAssessment", "id",
                  assessment_id, "name", str(record, "standard"), "referenceStandard",
                  standard_of(str(record, "standard")), "conformance",
                  json_is_true(json_object_get(record, "valid")), "conformityTopic", "governance.compliance",
                  "assessedOrganisation", party, "assessedFacility", facilities_of(record, subject_id));
    if (json_object_get(record, "scope") != NULL)
        json_object_set_new(assessment, "description", json_string(str(record, "scope")));
    if (json_object_get(record, "issue_date") != NULL)
        json_object_set_new(assessment, "assessmentDate", json_string(str(record, "issue_date")));
    bool accredited = str(record, "accreditation_body")[0] != '\0';
    return json_pack("{s:[s,s], s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:{s:s, s:s}, s:[o], s:O}", "type",
                     "ConformityAttestation", "Attestation", "id", subject_id, "name", name, "description",
                     description, "assessorLevel", "3rdParty", "assessmentLevel",
                     accredited ? "Accredited" : "Unspecified", "attestationType", "certification",
                     "issuedToParty", party, "conformityCertificate", "linkURL", verify_url, "linkName", name,
                     "assessment", assessment, "certificate", record);
}

json_t *attestation_payload(const json_t *record, const char *base_url, const char *cb_slug, const char *jti,
                            int64_t now)
{
    char issuer[600], subject_id[800], id[64], from[32], until[32];
    attestation_issuer_id(base_url, cb_slug, issuer, sizeof(issuer));
    snprintf(subject_id, sizeof(subject_id), "%s/public/v1/cbs/%s/certificates/%s", base_url, cb_slug,
             str(record, "number"));
    snprintf(id, sizeof(id), "urn:uuid:%s", jti);
    rfc3339(now, from);
    rfc3339(now + ATTESTATION_TTL, until);
    const char *verify_url = str(record, "verify_url");
    return json_pack("{s:[s,s], s:[s,s], s:s, s:{s:[s], s:s, s:s}, s:s, s:s, s:o, s:s, s:s, s:I, s:I, s:I}",
                     "@context", "https://www.w3.org/ns/credentials/v2", ATTESTATION_DCC_CONTEXT, "type",
                     "DigitalConformityCredential", "VerifiableCredential", "id", id, "issuer", "type",
                     "CredentialIssuer", "id", issuer, "name",
                     str(json_object_get(record, "certification_body"), "name"), "validFrom", from,
                     "validUntil", until, "credentialSubject", subject_of(record, subject_id, verify_url),
                     "iss", issuer, "jti", id, "iat", (json_int_t)now, "nbf", (json_int_t)now, "exp",
                     (json_int_t)(now + ATTESTATION_TTL));
}
