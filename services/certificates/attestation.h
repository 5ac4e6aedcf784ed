/*
 * The signed attestation's payload (issue 9 "Public verification"): a
 * certificate's public record, dated and short-lived, as a W3C Verifiable
 * Credential (VC Data Model 2.0) shaped as a UN/CEFACT UNTP Digital Conformity
 * Credential, version 0.6.1 (uncefact/spec-untp tag v0.6.1,
 * data-models/untp-dcc), with the JWT claims of its compact JWS envelope.
 * Pure: no I/O, no clock (the caller passes now and the id).
 */
#ifndef ATTESTATION_H
#define ATTESTATION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define ATTESTATION_TTL (24 * 3600) /* seconds an attestation is valid from its issue */
#define ATTESTATION_TYP "vc+jwt"    /* the JWS header's typ and the answer's media type's subtype */
#define ATTESTATION_MEDIA_TYPE "application/vc+jwt"
#define ATTESTATION_DCC_CONTEXT "https://test.uncefact.org/vocabulary/untp/dcc/0.6.1/"

/*
 * The CB's identifier as issuer and iss: did:web of the public base URL's host
 * (a port's colon percent-encoded, path segments appended) and ":cbs:<slug>",
 * e.g. "did:web:verify.example:cbs:northcert". Writes at most size bytes.
 */
void attestation_issuer_id(const char *base_url, const char *cb_slug, char *out, size_t size);

/*
 * The JWS payload for the public record `record` (borrowed; as public_lookup()
 * answers it, so a confidential client's holder, scope and sites are not in
 * it) of certificate `number` under `cb_slug`: @context, type
 * [DigitalConformityCredential, VerifiableCredential], id "urn:uuid:<jti>",
 * issuer {type, id, name}, validFrom now and validUntil now + ATTESTATION_TTL
 * (RFC 3339 UTC), credentialSubject (a ConformityAttestation with its
 * assessment, plus "certificate": the public record itself), and the claims
 * iss, jti, iat = nbf = now, exp = validUntil. Returns a new object the caller
 * owns.
 */
json_t *attestation_payload(const json_t *record, const char *base_url, const char *cb_slug, const char *jti,
                            int64_t now);

#endif
