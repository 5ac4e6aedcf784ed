/*
 * End-to-end tests of login, tokens and the JWKS through the gateway
 * (CC_TEST_GATEWAY_URL): login shape, identical failure bodies, disabled
 * users, lockout, refresh rotation and reuse detection, logout, GET /v1/me,
 * forged tokens (alg none, HS256 keyed with the public key, tampered payload,
 * unknown kid, garbage) and an independent verification of a real token with
 * Debian's python3-jwt. /healthz is read direct from identity
 * (CC_TEST_IDENTITY_URL) since the gateway does not route it.
 */
#include "cc_jwt.h"
#include "cc_mem.h"
#include "cc_test_http.h"

#include <check.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#define STRONG_PASSWORD "Lockout-test-password-42"

static const char *gateway(void)
{
    return cc_test_env("CC_TEST_GATEWAY_URL");
}

/* ---- base64url ---- */

static char *b64url_encode(const unsigned char *in, size_t len)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *out = cc_malloc(4 * ((len + 2) / 3) + 1), *o = out;
    size_t i = 0;
    for (; i + 2 < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        *o++ = alphabet[v >> 18 & 63];
        *o++ = alphabet[v >> 12 & 63];
        *o++ = alphabet[v >> 6 & 63];
        *o++ = alphabet[v & 63];
    }
    if (len - i == 1) {
        unsigned v = (unsigned)in[i] << 16;
        *o++ = alphabet[v >> 18 & 63];
        *o++ = alphabet[v >> 12 & 63];
    } else if (len - i == 2) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
        *o++ = alphabet[v >> 18 & 63];
        *o++ = alphabet[v >> 12 & 63];
        *o++ = alphabet[v >> 6 & 63];
    }
    *o = '\0';
    return out;
}

static int b64url_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

/* Decodes len characters of unpadded base64url; returns a caller-freed buffer (NUL-terminated) or NULL. */
static unsigned char *b64url_decode(const char *in, size_t len, size_t *out_len)
{
    unsigned char *out = cc_malloc(len * 3 / 4 + 2);
    size_t n = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64url_value(in[i]);
        if (v < 0) {
            free(out);
            return NULL;
        }
        acc = acc << 6 | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits & 0xff);
        }
    }
    out[n] = '\0';
    *out_len = n;
    return out;
}

/* ---- token surgery ---- */

typedef struct jwt_parts {
    char *header;    /* base64url */
    char *payload;   /* base64url */
    char *signature; /* base64url */
} jwt_parts_t;

static void split_token(const char *token, jwt_parts_t *parts)
{
    const char *d1 = strchr(token, '.');
    ck_assert_msg(d1 != NULL, "token has no dot: %s", token);
    const char *d2 = strchr(d1 + 1, '.');
    ck_assert_msg(d2 != NULL && strchr(d2 + 1, '.') == NULL, "token is not three parts: %s", token);
    parts->header = cc_strndup(token, (size_t)(d1 - token));
    parts->payload = cc_strndup(d1 + 1, (size_t)(d2 - d1 - 1));
    parts->signature = cc_strdup(d2 + 1);
}

static void free_parts(jwt_parts_t *parts)
{
    free(parts->header);
    free(parts->payload);
    free(parts->signature);
}

static json_t *decode_segment(const char *segment)
{
    size_t len;
    unsigned char *raw = b64url_decode(segment, strlen(segment), &len);
    ck_assert_msg(raw != NULL, "segment is not base64url: %s", segment);
    json_t *j = json_loadb((const char *)raw, len, 0, NULL);
    free(raw);
    ck_assert_msg(json_is_object(j), "segment is not a JSON object: %s", segment);
    return j;
}

static char *encode_segment(const json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT);
    char *enc = b64url_encode((const unsigned char *)text, strlen(text));
    free(text);
    return enc;
}

static char *join3(const char *a, const char *b, const char *c)
{
    char *out = NULL;
    if (asprintf(&out, "%s.%s.%s", a, b, c) < 0)
        abort();
    return out;
}

/* Rebuilds the SubjectPublicKeyInfo PEM of a P-256 JWK from its x and y; caller frees. */
static char *pem_from_jwk(const json_t *jwk)
{
    const char *x = cc_test_json_string(jwk, "x"), *y = cc_test_json_string(jwk, "y");
    ck_assert_msg(x != NULL && y != NULL, "JWK without x/y");
    size_t xl, yl;
    unsigned char *xb = b64url_decode(x, strlen(x), &xl), *yb = b64url_decode(y, strlen(y), &yl);
    ck_assert_msg(xb != NULL && yb != NULL && xl == 32 && yl == 32, "JWK x/y are not 32-byte base64url");
    unsigned char point[65];
    point[0] = 0x04;
    memcpy(point + 1, xb, 32);
    memcpy(point + 33, yb, 32);
    free(xb);
    free(yb);

    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point));
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *pkey = NULL;
    int ok = ctx != NULL && params != NULL && EVP_PKEY_fromdata_init(ctx) == 1 &&
             EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) == 1;
    char *pem = NULL;
    if (ok) {
        BIO *bio = BIO_new(BIO_s_mem());
        if (PEM_write_bio_PUBKEY(bio, pkey) == 1) {
            char *data;
            long len = BIO_get_mem_data(bio, &data);
            pem = cc_strndup(data, (size_t)len);
        }
        BIO_free(bio);
    }
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    ck_assert_msg(pem != NULL, "could not rebuild a P-256 public key from the JWK");
    return pem;
}

/* header.payload signed with HMAC-SHA256 keyed by key; caller frees. */
static char *hs256_token(const char *header, const char *payload, const char *key, size_t key_len)
{
    char *signing_input = NULL;
    if (asprintf(&signing_input, "%s.%s", header, payload) < 0)
        abort();
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    ck_assert(HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)signing_input,
                   strlen(signing_input), mac, &mac_len) != NULL);
    char *sig = b64url_encode(mac, mac_len);
    char *token = join3(header, payload, sig);
    free(sig);
    free(signing_input);
    return token;
}

/* ---- small helpers ---- */

static json_t *fetch_jwks(void)
{
    cc_test_response_t *resp = cc_test_http("GET", gateway(), "/.well-known/jwks.json", NULL, NULL);
    cc_test_assert_json(resp, 200);
    json_t *jwks = json_incref(resp->json);
    cc_test_response_free(resp);
    return jwks;
}

static const json_t *jwk_by_kid(const json_t *jwks, const char *kid)
{
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(jwks, "keys"), i, k)
    {
        const char *got = cc_test_json_string(k, "kid");
        if (got != NULL && kid != NULL && strcmp(got, kid) == 0)
            return k;
    }
    return NULL;
}

static cc_test_response_t *login_raw(const char *tenant, const char *email, const char *password)
{
    json_t *body = json_pack("{s:s, s:s, s:s}", "tenant", tenant, "email", email, "password", password);
    cc_test_response_t *resp = cc_test_http_json("POST", gateway(), "/v1/auth/login", NULL, body);
    json_decref(body);
    return resp;
}

static cc_test_response_t *refresh_raw(const char *refresh_token)
{
    json_t *body = json_pack("{s:s}", "refresh_token", refresh_token);
    cc_test_response_t *resp = cc_test_http_json("POST", gateway(), "/v1/auth/refresh", NULL, body);
    json_decref(body);
    return resp;
}

static cc_test_response_t *get_with_auth(const char *path, const char *auth_line)
{
    const char *headers[] = {auth_line, NULL};
    return cc_test_http("GET", gateway(), path, auth_line != NULL ? headers : NULL, NULL);
}

static cc_test_response_t *get_me(const char *token)
{
    char *auth = cc_test_bearer(token);
    cc_test_response_t *resp = get_with_auth("/v1/me", auth);
    free(auth);
    return resp;
}

/* Asserts a token-pair answer: token_type Bearer, expires_in 900, a three-part access token, a refresh token.
 */
static void assert_token_pair(const cc_test_response_t *resp)
{
    cc_test_assert_json(resp, 200);
    ck_assert_str_eq(cc_test_json_string(resp->json, "token_type"), "Bearer");
    json_t *exp = json_object_get(resp->json, "expires_in");
    ck_assert_msg(json_is_integer(exp) && json_integer_value(exp) == 900, "expires_in is not 900: %s",
                  resp->body);
    const char *access = cc_test_json_string(resp->json, "access_token");
    ck_assert_ptr_nonnull(access);
    jwt_parts_t parts;
    split_token(access, &parts);
    ck_assert(parts.header[0] != '\0' && parts.payload[0] != '\0' && parts.signature[0] != '\0');
    free_parts(&parts);
    const char *refresh = cc_test_json_string(resp->json, "refresh_token");
    ck_assert_msg(refresh != NULL && strlen(refresh) >= 32, "refresh_token missing or short: %s", resp->body);
}

/* Asserts a 401 unauthorized problem with a WWW-Authenticate: Bearer challenge. */
static void assert_unauthorized(const cc_test_response_t *resp, const char *what)
{
    ck_assert_msg(resp->status == 401, "%s: expected 401, got %d: %s", what, resp->status, resp->body);
    cc_test_assert_problem(resp, 401, "unauthorized");
    const char *challenge = cc_test_response_header(resp, "WWW-Authenticate");
    ck_assert_msg(challenge != NULL && strncasecmp(challenge, "Bearer", 6) == 0,
                  "%s: no WWW-Authenticate: Bearer challenge", what);
}

/* A problem body without the members that differ per request. */
static json_t *problem_core(const cc_test_response_t *resp)
{
    json_t *core = json_deep_copy(resp->json);
    json_object_del(core, "request_id");
    json_object_del(core, "instance");
    return core;
}

/* Creates a dedicated northcert user; returns its email (caller frees). */
static char *dedicated_user(const char *label, char **id_out)
{
    cc_test_tokens_t admin;
    cc_test_login(gateway(), "northcert", "admin@northcert.example", CC_TEST_DEMO_PASSWORD, &admin);
    char *email = cc_test_unique_email(label, "northcert");
    char *id = cc_test_create_user(gateway(), admin.access, email, "auditor", NULL, STRONG_PASSWORD);
    if (id_out != NULL)
        *id_out = id;
    else
        free(id);
    cc_test_tokens_free(&admin);
    return email;
}

/* ---- tests ---- */

START_TEST(test_login_success_shape)
{
    cc_test_response_t *resp = login_raw("northcert", "admin@northcert.example", CC_TEST_DEMO_PASSWORD);
    assert_token_pair(resp);
    ck_assert_ptr_nonnull(cc_test_response_header(resp, "X-Request-Id"));
    /* The header names the signing key, and the algorithm is ES256. */
    jwt_parts_t parts;
    split_token(cc_test_json_string(resp->json, "access_token"), &parts);
    json_t *header = decode_segment(parts.header);
    ck_assert_str_eq(cc_test_json_string(header, "alg"), "ES256");
    ck_assert_ptr_nonnull(cc_test_json_string(header, "kid"));
    json_t *payload = decode_segment(parts.payload);
    ck_assert_str_eq(cc_test_json_string(payload, "role"), "admin");
    ck_assert(cc_test_is_uuid(cc_test_json_string(payload, "sub")));
    ck_assert(cc_test_is_uuid(cc_test_json_string(payload, "tid")));
    ck_assert(json_integer_value(json_object_get(payload, "exp")) -
                  json_integer_value(json_object_get(payload, "iat")) ==
              900);
    json_decref(header);
    json_decref(payload);
    free_parts(&parts);
    cc_test_response_free(resp);
}
END_TEST

START_TEST(test_wrong_password_and_unknown_email_identical)
{
    char *email = dedicated_user("wrongpw", NULL);
    cc_test_response_t *wrong = login_raw("northcert", email, "not-the-password-1");
    cc_test_assert_problem(wrong, 401, "invalid_credentials");
    char *unknown_email = cc_test_unique_email("nobody", "northcert");
    cc_test_response_t *unknown = login_raw("northcert", unknown_email, "not-the-password-1");
    cc_test_assert_problem(unknown, 401, "invalid_credentials");
    json_t *a = problem_core(wrong), *b = problem_core(unknown);
    char *at = json_dumps(a, JSON_SORT_KEYS), *bt = json_dumps(b, JSON_SORT_KEYS);
    ck_assert_msg(json_equal(a, b), "wrong password and unknown email differ:\n%s\n%s", at, bt);
    ck_assert_str_eq(cc_test_response_header(wrong, "Content-Type"),
                     cc_test_response_header(unknown, "Content-Type"));
    free(at);
    free(bt);
    json_decref(a);
    json_decref(b);
    cc_test_response_free(wrong);
    cc_test_response_free(unknown);
    free(unknown_email);
    free(email);
}
END_TEST

START_TEST(test_unknown_tenant_is_invalid_credentials)
{
    char *email = cc_test_unique_email("nobody", "nowhere");
    cc_test_response_t *resp = login_raw("no-such-tenant-x", email, "not-the-password-1");
    cc_test_assert_problem(resp, 401, "invalid_credentials");
    cc_test_response_free(resp);
    free(email);
}
END_TEST

START_TEST(test_disabled_user)
{
    char *id = NULL;
    char *email = dedicated_user("disabled", &id);
    cc_test_tokens_t admin;
    cc_test_login(gateway(), "northcert", "admin@northcert.example", CC_TEST_DEMO_PASSWORD, &admin);
    char *auth = cc_test_bearer(admin.access);
    const char *headers[] = {auth, NULL};
    char path[128];
    snprintf(path, sizeof(path), "/v1/users/%s", id);
    cc_test_response_t *patch = cc_test_http("PATCH", gateway(), path, headers, "{\"disabled\":true}");
    cc_test_assert_json(patch, 200);
    ck_assert(json_is_true(json_object_get(patch->json, "disabled")));

    /* The right password of a disabled user answers exactly like an unknown email. */
    cc_test_response_t *disabled = login_raw("northcert", email, STRONG_PASSWORD);
    cc_test_assert_problem(disabled, 401, "invalid_credentials");
    char *unknown_email = cc_test_unique_email("nobody", "northcert");
    cc_test_response_t *unknown = login_raw("northcert", unknown_email, STRONG_PASSWORD);
    json_t *a = problem_core(disabled), *b = problem_core(unknown);
    ck_assert_msg(json_equal(a, b), "disabled and unknown bodies differ: %s / %s", disabled->body,
                  unknown->body);
    json_decref(a);
    json_decref(b);
    cc_test_response_free(unknown);
    cc_test_response_free(disabled);
    cc_test_response_free(patch);
    free(unknown_email);
    free(auth);
    cc_test_tokens_free(&admin);
    free(email);
    free(id);
}
END_TEST

START_TEST(test_lockout_after_five_failures)
{
    char *email = dedicated_user("lockout", NULL);
    for (int i = 1; i <= 5; i++) {
        cc_test_response_t *resp = login_raw("northcert", email, "wrong-password-attempt");
        ck_assert_msg(resp->status == 401, "failure %d answered %d: %s", i, resp->status, resp->body);
        cc_test_assert_problem(resp, 401, "invalid_credentials");
        cc_test_response_free(resp);
    }
    /* The sixth attempt is refused even with the right password. */
    cc_test_response_t *locked = login_raw("northcert", email, STRONG_PASSWORD);
    cc_test_assert_problem(locked, 429, "account_locked");
    const char *retry = cc_test_response_header(locked, "Retry-After");
    ck_assert_msg(retry != NULL, "429 account_locked without Retry-After");
    char *end;
    long seconds = strtol(retry, &end, 10);
    ck_assert_msg(end != retry && *end == '\0' && seconds > 0 && seconds <= 900,
                  "Retry-After is not 1..900 seconds: %s", retry);
    cc_test_response_free(locked);

    /* Other accounts are unaffected. */
    cc_test_tokens_t other;
    cc_test_login(gateway(), "northcert", "auditor2@northcert.example", CC_TEST_DEMO_PASSWORD, &other);
    cc_test_tokens_free(&other);
    free(email);
}
END_TEST

START_TEST(test_refresh_rotation_and_reuse)
{
    cc_test_tokens_t first;
    cc_test_login(gateway(), "northcert", "auditor1@northcert.example", CC_TEST_DEMO_PASSWORD, &first);

    cc_test_response_t *rotated = refresh_raw(first.refresh);
    assert_token_pair(rotated);
    char *access2 = cc_strdup(cc_test_json_string(rotated->json, "access_token"));
    char *refresh2 = cc_strdup(cc_test_json_string(rotated->json, "refresh_token"));
    ck_assert_str_ne(refresh2, first.refresh);
    cc_test_response_free(rotated);

    cc_test_response_t *me = get_me(access2);
    cc_test_assert_json(me, 200);
    ck_assert_str_eq(cc_test_json_string(me->json, "role"), "auditor");
    cc_test_response_free(me);

    /* Reusing the rotated-away token is detected... */
    cc_test_response_t *reuse = refresh_raw(first.refresh);
    cc_test_assert_problem(reuse, 401, "refresh_token_reused");
    cc_test_response_free(reuse);

    /* ...and revokes the whole family, including the newest token. */
    cc_test_response_t *revoked = refresh_raw(refresh2);
    cc_test_assert_problem(revoked, 401, "invalid_refresh_token");
    cc_test_response_free(revoked);

    free(access2);
    free(refresh2);
    cc_test_tokens_free(&first);
}
END_TEST

START_TEST(test_refresh_unknown_token)
{
    cc_test_response_t *resp = refresh_raw("not-a-refresh-token-at-all-0123456789abcdef");
    cc_test_assert_problem(resp, 401, "invalid_refresh_token");
    cc_test_response_free(resp);
}
END_TEST

START_TEST(test_logout_revokes_family)
{
    cc_test_tokens_t session, other;
    cc_test_login(gateway(), "northcert", "decision_maker@northcert.example", CC_TEST_DEMO_PASSWORD,
                  &session);
    cc_test_login(gateway(), "northcert", "decision_maker@northcert.example", CC_TEST_DEMO_PASSWORD, &other);

    cc_test_response_t *rotated = refresh_raw(session.refresh);
    assert_token_pair(rotated);
    char *refresh2 = cc_strdup(cc_test_json_string(rotated->json, "refresh_token"));
    cc_test_response_free(rotated);

    char *auth = cc_test_bearer(session.access);
    const char *headers[] = {auth, NULL};
    json_t *body = json_pack("{s:s}", "refresh_token", refresh2);
    cc_test_response_t *out = cc_test_http_json("POST", gateway(), "/v1/auth/logout", headers, body);
    ck_assert_msg(out->status == 204, "logout answered %d: %s", out->status, out->body);
    ck_assert_uint_eq(out->body_len, 0);
    cc_test_response_free(out);
    json_decref(body);
    free(auth);

    cc_test_response_t *after = refresh_raw(refresh2);
    cc_test_assert_problem(after, 401, "invalid_refresh_token");
    cc_test_response_free(after);

    /* Another session (family) of the same user is untouched. */
    cc_test_response_t *still = refresh_raw(other.refresh);
    assert_token_pair(still);
    cc_test_response_free(still);

    free(refresh2);
    cc_test_tokens_free(&session);
    cc_test_tokens_free(&other);
}
END_TEST

START_TEST(test_me_staff)
{
    cc_test_tokens_t t;
    cc_test_login(gateway(), "northcert", "auditor1@northcert.example", CC_TEST_DEMO_PASSWORD, &t);
    cc_test_response_t *me = get_me(t.access);
    cc_test_assert_json(me, 200);
    ck_assert(cc_test_is_uuid(cc_test_json_string(me->json, "id")));
    ck_assert_str_eq(cc_test_json_string(me->json, "tenant"), "northcert");
    ck_assert(cc_test_is_uuid(cc_test_json_string(me->json, "tenant_id")));
    ck_assert_str_eq(cc_test_json_string(me->json, "email"), "auditor1@northcert.example");
    const char *name = cc_test_json_string(me->json, "name");
    ck_assert(name != NULL && *name != '\0');
    ck_assert_str_eq(cc_test_json_string(me->json, "role"), "auditor");
    ck_assert_msg(json_is_null(json_object_get(me->json, "client_id")), "staff client_id is not null: %s",
                  me->body);
    ck_assert_ptr_null(json_object_get(me->json, "password_hash"));
    ck_assert_ptr_null(json_object_get(me->json, "password"));

    /* The token's sub and tid are the same user and tenant. */
    jwt_parts_t parts;
    split_token(t.access, &parts);
    json_t *payload = decode_segment(parts.payload);
    ck_assert_str_eq(cc_test_json_string(payload, "sub"), cc_test_json_string(me->json, "id"));
    ck_assert_str_eq(cc_test_json_string(payload, "tid"), cc_test_json_string(me->json, "tenant_id"));
    json_decref(payload);
    free_parts(&parts);
    cc_test_response_free(me);
    cc_test_tokens_free(&t);
}
END_TEST

START_TEST(test_me_client)
{
    cc_test_tokens_t north, south;
    cc_test_login(gateway(), "southcert", "client1@southcert.example", CC_TEST_DEMO_PASSWORD, &south);
    cc_test_login(gateway(), "northcert", "scheme_manager@northcert.example", CC_TEST_DEMO_PASSWORD, &north);
    cc_test_response_t *me = get_me(south.access);
    cc_test_assert_json(me, 200);
    ck_assert_str_eq(cc_test_json_string(me->json, "tenant"), "southcert");
    ck_assert_str_eq(cc_test_json_string(me->json, "email"), "client1@southcert.example");
    ck_assert_str_eq(cc_test_json_string(me->json, "role"), "client");
    ck_assert_msg(cc_test_is_uuid(cc_test_json_string(me->json, "client_id")),
                  "client user without client_id: %s", me->body);
    cc_test_response_t *me2 = get_me(north.access);
    cc_test_assert_json(me2, 200);
    ck_assert_str_eq(cc_test_json_string(me2->json, "tenant"), "northcert");
    ck_assert_str_eq(cc_test_json_string(me2->json, "role"), "scheme_manager");
    ck_assert_str_ne(cc_test_json_string(me->json, "tenant_id"), cc_test_json_string(me2->json, "tenant_id"));
    cc_test_response_free(me);
    cc_test_response_free(me2);
    cc_test_tokens_free(&north);
    cc_test_tokens_free(&south);
}
END_TEST

START_TEST(test_missing_or_malformed_authorization)
{
    cc_test_tokens_t t;
    cc_test_login(gateway(), "northcert", "auditor1@northcert.example", CC_TEST_DEMO_PASSWORD, &t);

    cc_test_response_t *resp = get_with_auth("/v1/me", NULL);
    assert_unauthorized(resp, "no Authorization");
    cc_test_response_free(resp);

    /* The real token without the Bearer scheme. */
    char *line = NULL;
    if (asprintf(&line, "Authorization: %s", t.access) < 0)
        abort();
    resp = get_with_auth("/v1/me", line);
    assert_unauthorized(resp, "token without Bearer");
    cc_test_response_free(resp);
    free(line);

    if (asprintf(&line, "Authorization: Basic %s", "YWRtaW46ZGVtby1wYXNzd29yZC0x") < 0)
        abort();
    resp = get_with_auth("/v1/me", line);
    assert_unauthorized(resp, "Basic credentials");
    cc_test_response_free(resp);
    free(line);

    const char *garbage[] = {"Authorization: Bearer garbage", "Authorization: Bearer a.b.c",
                             "Authorization: Bearer ", "Authorization: Bearer ....",
                             "Authorization: Bearer eyJhbGciOiJFUzI1NiJ9.e30.%%%"};
    for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
        resp = get_with_auth("/v1/me", garbage[i]);
        assert_unauthorized(resp, garbage[i]);
        cc_test_response_free(resp);
    }
    cc_test_tokens_free(&t);
}
END_TEST

START_TEST(test_forged_tokens)
{
    cc_test_tokens_t t;
    cc_test_login(gateway(), "northcert", "auditor1@northcert.example", CC_TEST_DEMO_PASSWORD, &t);
    jwt_parts_t parts;
    split_token(t.access, &parts);
    json_t *header = decode_segment(parts.header);
    json_t *payload = decode_segment(parts.payload);
    const char *kid = cc_test_json_string(header, "kid");
    ck_assert_ptr_nonnull(kid);

    json_t *admin_payload = json_deep_copy(payload);
    json_object_set_new(admin_payload, "role", json_string("admin"));
    char *admin_p = encode_segment(admin_payload);
    json_t *expired_payload = json_deep_copy(payload);
    json_object_set_new(expired_payload, "exp",
                        json_integer(json_integer_value(json_object_get(payload, "iat")) - 60));
    char *expired_p = encode_segment(expired_payload);

    json_t *none_header = json_pack("{s:s, s:s, s:s}", "alg", "none", "typ", "JWT", "kid", kid);
    char *none_h = encode_segment(none_header);
    json_t *hs_header = json_pack("{s:s, s:s, s:s}", "alg", "HS256", "typ", "JWT", "kid", kid);
    char *hs_h = encode_segment(hs_header);
    json_t *nokey_header = json_pack("{s:s, s:s, s:s}", "alg", "ES256", "typ", "JWT", "kid", "no-such-key");
    char *nokey_h = encode_segment(nokey_header);

    /* HS256 keyed with the public key's PEM text, with and without its final newline. */
    json_t *jwks = fetch_jwks();
    const json_t *jwk = jwk_by_kid(jwks, kid);
    ck_assert_msg(jwk != NULL, "the token's kid %s is not in the JWKS", kid);
    char *pem = pem_from_jwk(jwk);
    size_t pem_len = strlen(pem);

    char *sig_flipped = cc_strdup(parts.signature);
    sig_flipped[5] = sig_flipped[5] == 'A' ? 'B' : 'A';

    struct {
        const char *what;
        char *token;
    } forged[] = {
        {"alg none, empty signature", join3(none_h, parts.payload, "")},
        {"alg none, admin role", join3(none_h, admin_p, "")},
        {"alg none, original signature", join3(none_h, parts.payload, parts.signature)},
        {"HS256 keyed with the public PEM", hs256_token(hs_h, parts.payload, pem, pem_len)},
        {"HS256 keyed with the public PEM without newline",
         hs256_token(hs_h, parts.payload, pem, pem_len - 1)},
        {"HS256 admin keyed with the public PEM", hs256_token(hs_h, admin_p, pem, pem_len)},
        {"tampered payload (role admin)", join3(parts.header, admin_p, parts.signature)},
        {"tampered payload (expired)", join3(parts.header, expired_p, parts.signature)},
        {"flipped signature", join3(parts.header, parts.payload, sig_flipped)},
        {"no signature", join3(parts.header, parts.payload, "")},
        {"unknown kid", join3(nokey_h, parts.payload, parts.signature)},
    };
    for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
        cc_test_response_t *resp = get_me(forged[i].token);
        assert_unauthorized(resp, forged[i].what);
        cc_test_response_free(resp);
        /* An admin-only route must not answer 403 (or 200) to a forged admin token either. */
        char *auth = cc_test_bearer(forged[i].token);
        resp = get_with_auth("/v1/users", auth);
        assert_unauthorized(resp, forged[i].what);
        cc_test_response_free(resp);
        free(auth);
        free(forged[i].token);
    }

    /* The service keeps serving: the real token still works and /healthz answers. */
    cc_test_response_t *me = get_me(t.access);
    cc_test_assert_json(me, 200);
    cc_test_response_free(me);
    cc_test_response_t *health =
        cc_test_http("GET", cc_test_env("CC_TEST_IDENTITY_URL"), "/healthz", NULL, NULL);
    cc_test_assert_json(health, 200);
    ck_assert_str_eq(cc_test_json_string(health->json, "status"), "ok");
    cc_test_response_free(health);

    free(sig_flipped);
    free(pem);
    json_decref(jwks);
    free(nokey_h);
    json_decref(nokey_header);
    free(hs_h);
    json_decref(hs_header);
    free(none_h);
    json_decref(none_header);
    free(expired_p);
    json_decref(expired_payload);
    free(admin_p);
    json_decref(admin_payload);
    json_decref(payload);
    json_decref(header);
    free_parts(&parts);
    cc_test_tokens_free(&t);
}
END_TEST

START_TEST(test_jwks_shape)
{
    json_t *jwks = fetch_jwks();
    json_t *keys = json_object_get(jwks, "keys");
    ck_assert_msg(json_is_array(keys) && json_array_size(keys) >= 1, "JWKS without keys");
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k)
    {
        ck_assert_str_eq(cc_test_json_string(k, "kty"), "EC");
        ck_assert_str_eq(cc_test_json_string(k, "crv"), "P-256");
        ck_assert_str_eq(cc_test_json_string(k, "alg"), "ES256");
        ck_assert_str_eq(cc_test_json_string(k, "use"), "sig");
        const char *kid = cc_test_json_string(k, "kid");
        ck_assert(kid != NULL && *kid != '\0');
        ck_assert_ptr_null(json_object_get(k, "d")); /* never the private part */
        char *pem = pem_from_jwk(k);
        ck_assert(strstr(pem, "BEGIN PUBLIC KEY") != NULL);
        free(pem);
    }
    /* A fresh token is signed by a published key. */
    cc_test_tokens_t t;
    cc_test_login(gateway(), "southcert", "admin@southcert.example", CC_TEST_DEMO_PASSWORD, &t);
    jwt_parts_t parts;
    split_token(t.access, &parts);
    json_t *header = decode_segment(parts.header);
    ck_assert_ptr_nonnull(jwk_by_kid(jwks, cc_test_json_string(header, "kid")));
    json_decref(header);
    free_parts(&parts);
    cc_test_tokens_free(&t);
    json_decref(jwks);
}
END_TEST

static const char python_verifier[] =
    "import json, sys\n"
    "import jwt\n"
    "from jwt.algorithms import ECAlgorithm\n"
    "jwks_file, token_file, audience, issuer, role = sys.argv[1:6]\n"
    "jwks = json.load(open(jwks_file))\n"
    "token = open(token_file).read().strip()\n"
    "kid = jwt.get_unverified_header(token).get('kid')\n"
    "keys = [k for k in jwks['keys'] if k.get('kid') == kid]\n"
    "if len(keys) != 1:\n"
    "    print('kid %r not in the JWKS' % kid); sys.exit(3)\n"
    "key = ECAlgorithm.from_jwk(json.dumps(keys[0]))\n"
    "try:\n"
    "    claims = jwt.decode(token, key, algorithms=['ES256'], audience=audience, issuer=issuer,\n"
    "                        options={'require': ['exp', 'iat', 'sub', 'iss', 'aud']})\n"
    "except jwt.InvalidTokenError as e:\n"
    "    print('invalid token: %s' % e); sys.exit(2)\n"
    "for c in ('sub', 'tid', 'role', 'jti', 'iat', 'exp'):\n"
    "    if c not in claims:\n"
    "        print('missing claim ' + c); sys.exit(4)\n"
    "if claims['role'] != role or claims['exp'] - claims['iat'] != 900:\n"
    "    print('unexpected claims %r' % claims); sys.exit(5)\n"
    "sys.exit(0)\n";

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "could not write %s", path);
    fputs(text, f);
    ck_assert(fclose(f) == 0);
}

/* Runs the verifier on token; returns its exit status. */
static int python_verify(const char *dir, const char *token, const char *role)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/token", dir);
    write_file(path, token);
    const char *issuer = getenv("CC_JWT_ISSUER");
    if (issuer == NULL || *issuer == '\0')
        issuer = "certcycle";
    for (const char *c = issuer; *c != '\0'; c++)
        ck_assert_msg(*c != '\'', "issuer contains a quote");
    char *cmd = NULL;
    /* -I: isolated from PYTHONPATH and user site-packages, so Debian's python3-jwt is the one used. */
    if (asprintf(&cmd, "/usr/bin/python3 -I '%s/verify.py' '%s/jwks.json' '%s/token' '%s' '%s' '%s'", dir,
                 dir, dir, CC_JWT_AUDIENCE, issuer, role) < 0)
        abort();
    int status = system(cmd);
    free(cmd);
    ck_assert_msg(status != -1 && WIFEXITED(status), "could not run /usr/bin/python3");
    return WEXITSTATUS(status);
}

START_TEST(test_python_jwt_verifies_real_token)
{
    ck_assert_msg(access("/usr/bin/python3", X_OK) == 0,
                  "/usr/bin/python3 is missing (apt install python3-jwt)");
    char dir[] = "/tmp/cc-test-jwt-XXXXXX";
    ck_assert(mkdtemp(dir) != NULL);
    char path[512];
    snprintf(path, sizeof(path), "%s/verify.py", dir);
    write_file(path, python_verifier);
    cc_test_response_t *resp = cc_test_http("GET", gateway(), "/.well-known/jwks.json", NULL, NULL);
    cc_test_assert_json(resp, 200);
    snprintf(path, sizeof(path), "%s/jwks.json", dir);
    write_file(path, resp->body);
    cc_test_response_free(resp);

    cc_test_tokens_t t;
    cc_test_login(gateway(), "northcert", "auditor2@northcert.example", CC_TEST_DEMO_PASSWORD, &t);
    int rc = python_verify(dir, t.access, "auditor");
    ck_assert_msg(rc == 0, "python3-jwt did not verify a real access token (exit %d)", rc);

    /* The verifier is not a rubber stamp: a tampered token fails its signature check. */
    jwt_parts_t parts;
    split_token(t.access, &parts);
    json_t *payload = decode_segment(parts.payload);
    json_object_set_new(payload, "role", json_string("admin"));
    char *p = encode_segment(payload);
    char *tampered = join3(parts.header, p, parts.signature);
    rc = python_verify(dir, tampered, "admin");
    ck_assert_msg(rc == 2, "python3-jwt accepted or choked on a tampered token (exit %d)", rc);
    free(tampered);
    free(p);
    json_decref(payload);
    free_parts(&parts);
    cc_test_tokens_free(&t);

    const char *files[] = {"verify.py", "jwks.json", "token"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}
END_TEST

static Suite *auth_suite(void)
{
    Suite *s = suite_create("auth");
    TCase *tc = tcase_create("auth");
    /* Every login runs argon2id (~0.2 s); lockout makes six. */
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_login_success_shape);
    tcase_add_test(tc, test_wrong_password_and_unknown_email_identical);
    tcase_add_test(tc, test_unknown_tenant_is_invalid_credentials);
    tcase_add_test(tc, test_disabled_user);
    tcase_add_test(tc, test_lockout_after_five_failures);
    tcase_add_test(tc, test_refresh_rotation_and_reuse);
    tcase_add_test(tc, test_refresh_unknown_token);
    tcase_add_test(tc, test_logout_revokes_family);
    tcase_add_test(tc, test_me_staff);
    tcase_add_test(tc, test_me_client);
    tcase_add_test(tc, test_missing_or_malformed_authorization);
    tcase_add_test(tc, test_forged_tokens);
    tcase_add_test(tc, test_jwks_shape);
    tcase_add_test(tc, test_python_jwt_verifies_real_token);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    cc_mem_init(); /* jansson through cc_mem, as in every binary */
    SRunner *sr = srunner_create(auth_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
