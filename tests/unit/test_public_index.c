/*
 * The public index (services/certificates/public_index.c) without a database: rows shaped like
 * cc_public_certificates()'s are built as PGresults; the answers of the lookup and the search are checked
 * field by field (full, confidential, superseded, valid on today's UTC date), the ETag (stable, and
 * changed by a change), a notification's replacement of a certification (a revision gone is removed) and
 * the case-insensitive holder key.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "certificates/public_index.c"

#define CERT_A "aaaaaaaa-0000-4000-8000-000000000001"
#define CERT_B "bbbbbbbb-0000-4000-8000-000000000002"

/* A record as cc_certificate_public() writes it. */
static char *record(const char *cert, const char *number, const char *status, const char *holder,
                    bool confidential, const char *current_number, const char *effective, const char *expiry)
{
    json_t *r = json_pack(
        "{s:s, s:s, s:i, s:s, s:s?, s:b, s:{s:s, s:s, s:s}, s:s, s:s, s:s, s:[{s:s, s:s, s:s}],"
        " s:s, s:s, s:s, s:s, s:n, s:n, s:{s:s, s:s}, s:s, s:s}",
        "certification_id", cert, "number", number, "revision", 0, "status", status, "current_number",
        current_number, "confidential", confidential, "holder", "name", holder, "city", "Köln", "country",
        "DE", "standard", "ISO/IEC 27001:2022", "standard_code", "ISO27001:2022", "scope", "Widgets", "sites",
        "city", "Köln", "country", "DE", "scope", "Design", "original_issue_date", "2024-01-10", "issue_date",
        "2024-01-10", "effective_date", effective, "expiry_date", expiry, "suspended_since", "withdrawn_on",
        "certification_body", "name", "North", "slug", "northcert", "accreditation_body", "UKAS",
        "updated_at", "2026-01-10T09:30:00.000Z");
    ck_assert_ptr_nonnull(r);
    char *text = json_dumps(r, JSON_COMPACT);
    json_decref(r);
    return text;
}

/* A PGresult of (tenant_slug, number, record) rows; rows is a NULL-terminated list of triples. */
static PGresult *rows_of(const char *const *rows)
{
    PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    PGresAttDesc attrs[3];
    memset(attrs, 0, sizeof(attrs));
    attrs[0].name = "tenant_slug", attrs[1].name = "number", attrs[2].name = "record";
    for (int i = 0; i < 3; i++)
        attrs[i].format = 0, attrs[i].typid = 25, attrs[i].typlen = -1, attrs[i].atttypmod = -1;
    ck_assert_int_eq(PQsetResultAttrs(res, 3, attrs), 1);
    for (int row = 0; rows[row * 3] != NULL; row++)
        for (int col = 0; col < 3; col++)
            ck_assert_int_eq(
                PQsetvalue(res, row, col, (char *)rows[row * 3 + col], (int)strlen(rows[row * 3 + col])), 1);
    return res;
}

static void load(const char *const *rows)
{
    PGresult *res = rows_of(rows);
    ck_assert_int_eq(public_index_load(res), 0);
    PQclear(res);
}

static json_t *get(const char *slug, const char *number, char etag[PUBLIC_ETAG_SIZE])
{
    return public_lookup(slug, number, "https://certs.example", etag);
}

START_TEST(lookup_full_confidential_superseded)
{
    char today[CIVIL_DATE_BUFSIZE];
    civil_date_format(civil_date_today_utc(), today);
    char *a0 =
        record(CERT_A, "NC-1", "superseded", "Müller GmbH", false, "NC-1-R1", "2024-01-10", "2027-01-09");
    char *a1 = record(CERT_A, "NC-1-R1", "active", "Müller GmbH", false, NULL, "2024-01-10", "2099-01-09");
    char *b0 = record(CERT_B, "NC-2", "active", "Hidden AG", true, NULL, "2024-01-10", "2099-01-09");
    const char *rows[] = {"northcert", "NC-1", a0, "northcert", "NC-1-R1", a1, "northcert", "NC-2", b0, NULL};
    load(rows);
    ck_assert(public_index_loaded());

    char etag[PUBLIC_ETAG_SIZE], again[PUBLIC_ETAG_SIZE];
    json_t *b = get("NorthCert", "NC-1-R1", etag);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(json_object_size(b), 17);
    ck_assert(json_is_true(json_object_get(b, "valid")));
    ck_assert_str_eq(json_string_value(json_object_get(b, "verify_url")),
                     "https://certs.example/verify/northcert/NC-1-R1");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(b, "holder"), "name")), "Müller GmbH");
    ck_assert_ptr_null(json_object_get(b, "effective_date")); /* internal fields stay out */
    ck_assert_ptr_null(json_object_get(b, "confidential"));
    ck_assert_ptr_null(json_object_get(b, "certification_id"));
    ck_assert_ptr_null(json_object_get(b, "current_number"));
    json_decref(b);
    json_decref(get("northcert", "NC-1-R1", again));
    ck_assert_str_eq(etag, again);
    json_decref(public_lookup("northcert", "NC-1-R1", "http://other.example", again));
    ck_assert_str_ne(etag, again); /* verify_url is part of the answer */

    b = get("northcert", "NC-1", NULL);
    ck_assert_str_eq(json_string_value(json_object_get(b, "status")), "superseded");
    ck_assert_str_eq(json_string_value(json_object_get(b, "current_number")), "NC-1-R1");
    ck_assert(json_is_false(json_object_get(b, "valid")));
    json_decref(b);

    b = get("northcert", "NC-2", NULL);
    ck_assert_uint_eq(json_object_size(b), 5);
    ck_assert_ptr_nonnull(json_object_get(b, "certification_body"));
    ck_assert_ptr_null(json_object_get(b, "holder"));
    json_decref(b);

    ck_assert_ptr_null(get("southcert", "NC-1", NULL));
    ck_assert_ptr_null(get("northcert", "nc-1", NULL)); /* the number exactly */
    public_index_clear();
    ck_assert(!public_index_loaded());
    free(a0), free(a1), free(b0);
}
END_TEST

static size_t search_count(const char *number, const char *holder, const char *country)
{
    char etag[PUBLIC_ETAG_SIZE];
    size_t len;
    char *text = public_search_text(number, holder, country, "https://x.example", etag, &len);
    json_t *j = json_loads(text, 0, NULL);
    ck_assert_ptr_nonnull(j);
    ck_assert_uint_eq(strlen(text), len);
    size_t n = json_array_size(json_object_get(j, "items"));
    json_decref(j);
    free(text);
    return n;
}

START_TEST(search_and_notifications)
{
    char *a0 = record(CERT_A, "NC-1", "active", "Müller GmbH", false, NULL, "2024-01-10", "2099-01-09");
    char *b0 = record(CERT_B, "NC-2", "active", "Hidden AG", true, NULL, "2024-01-10", "2099-01-09");
    const char *rows[] = {"northcert", "NC-1", a0, "southcert", "NC-1", a0, "northcert", "NC-2", b0, NULL};
    load(rows);
    ck_assert_uint_eq(search_count("NC-1", NULL, NULL), 2);
    ck_assert_uint_eq(search_count("NC-", NULL, NULL), 0);
    ck_assert_uint_eq(search_count(NULL, "MÜLLER gmbh", "de"), 2); /* Latin-1 capitals fold too */
    ck_assert_uint_eq(search_count(NULL, "Müller", "DE"), 0);
    ck_assert_uint_eq(search_count(NULL, "Müller GmbH", "AT"), 0);
    ck_assert_uint_eq(search_count(NULL, "Hidden AG", "DE"), 0); /* confidential */
    ck_assert_uint_eq(search_count("NC-2", NULL, NULL), 1);

    /* certification A is revised: NC-1 superseded by NC-1-R1 (both CBs here carry CERT_A) */
    char etag[PUBLIC_ETAG_SIZE], after[PUBLIC_ETAG_SIZE];
    json_decref(get("northcert", "NC-1", etag));
    char *s0 =
        record(CERT_A, "NC-1", "superseded", "Müller GmbH", false, "NC-1-R1", "2024-01-10", "2099-01-09");
    char *s1 = record(CERT_A, "NC-1-R1", "active", "Müller GmbH", false, NULL, "2024-01-10", "2099-01-09");
    const char *change[] = {"northcert", "NC-1", s0, "northcert", "NC-1-R1", s1, NULL};
    PGresult *res = rows_of(change);
    public_index_apply("{\"tenant_id\":\"x\",\"certification_id\":\"" CERT_A "\"}", res);
    PQclear(res);
    json_t *b = get("northcert", "NC-1", after);
    ck_assert_str_eq(json_string_value(json_object_get(b, "status")), "superseded");
    ck_assert_str_ne(etag, after);
    json_decref(b);
    ck_assert_ptr_null(get("southcert", "NC-1", NULL));            /* gone from the rows: removed */
    ck_assert_uint_eq(search_count(NULL, "müller gmbh", "DE"), 1); /* the current revision only */

    /* a certification whose rows vanished (back to draft) */
    const char *none[] = {NULL};
    res = rows_of(none);
    public_index_apply("{\"tenant_id\":\"x\",\"certification_id\":\"" CERT_A "\"}", res);
    PQclear(res);
    ck_assert_ptr_null(get("northcert", "NC-1-R1", NULL));
    ck_assert_uint_eq(search_count("NC-2", NULL, NULL), 1);
    public_index_clear();
    free(a0), free(b0), free(s0), free(s1);
}
END_TEST

START_TEST(many_entries_grow)
{
    enum { N = 300 };
    char *records[N], numbers[N][16], certs[N][37];
    const char *rows[N * 3 + 1];
    for (int i = 0; i < N; i++) {
        snprintf(numbers[i], sizeof(numbers[i]), "NC-%d", i);
        snprintf(certs[i], sizeof(certs[i]), "cccccccc-0000-4000-8000-%012d", i);
        records[i] =
            record(certs[i], numbers[i], "active", "Many Ltd", false, NULL, "2024-01-10", "2099-01-09");
    }
    /* loaded empty, then grown one notification at a time */
    const char *none[] = {NULL};
    load(none);
    for (int i = 0; i < N; i++) {
        rows[0] = "northcert", rows[1] = numbers[i], rows[2] = records[i], rows[3] = NULL;
        PGresult *res = rows_of(rows);
        public_index_apply("{}", res);
        PQclear(res);
    }
    for (int i = 0; i < N; i++) {
        json_t *b = get("northcert", numbers[i], NULL);
        ck_assert_ptr_nonnull(b);
        json_decref(b);
    }
    ck_assert_uint_eq(search_count(NULL, "many ltd", "de"), PUBLIC_SEARCH_MAX);
    public_index_clear();
    for (int i = 0; i < N; i++)
        free(records[i]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("public_index");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, lookup_full_confidential_superseded);
    tcase_add_test(tc, search_and_notifications);
    tcase_add_test(tc, many_entries_grow);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
