/*
 * certcycle seed-demo: two certification bodies, northcert and southcert,
 * each with an admin, a scheme manager, two auditors, a decision maker and
 * two client organisations with one client user each, and the address and
 * accreditation body its certificates print. Every e-mail is
 * <role>@<slug>.example and every password demo-password-1. Then the lived-in
 * demo: four more organisations with their stories, the registry settings and
 * a webhook (seed.h). Idempotent.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "seed.h"

#define DEMO_PASSWORD "demo-password-1"

static const cc_sql_t client_find_sql = {"cli_client_find",
                                         "SELECT id FROM clients WHERE tenant_id = $1 AND legal_name = $2"};
static const cc_sql_t client_insert_sql = {
    "cli_client_insert",
    "INSERT INTO clients (tenant_id, legal_name, street, city, post_code, country, personnel, "
    "  registry_consent_given, registry_consent_date, registry_consent_reference) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7::int, $8::boolean, "
    "  CASE WHEN $8::boolean THEN current_date - 400 END, "
    "  CASE WHEN $8::boolean THEN 'Signed certification agreement, clause 12 (IAF CertSearch)' END) "
    "RETURNING id"};
/* The CB as its certificates print it (0017: tenants.address, tenants.accreditation_body). */
static const cc_sql_t tenant_identity_sql = {
    "cli_tenant_identity", "UPDATE tenants SET address = $2, accreditation_body = $3 WHERE id = $1"};
static const cc_sql_t site_insert_sql = {
    "cli_site_insert",
    "INSERT INTO sites (tenant_id, client_id, name, street, city, post_code, country, personnel, central, "
    "activities) "
    "SELECT $1, $2, $3, $4, $5, $6, $7, $8::int, $9::boolean, $10 "
    "WHERE NOT EXISTS (SELECT 1 FROM sites WHERE tenant_id = $1 AND client_id = $2 AND name = $3)"};

static const cc_sql_t auditor_insert_sql = {
    "cli_auditor_insert",
    "INSERT INTO auditors (tenant_id, user_id, competences) "
    "SELECT $1, id, $3::jsonb FROM users WHERE tenant_id = $1 AND lower(email) = lower($2) "
    "ON CONFLICT (tenant_id, user_id) DO NOTHING"};

/* The demo auditors' competences (catalogue references). */
static const struct {
    const char *local, *competences;
} demo_auditors[] = {
    {"auditor1", "[{\"standard\":\"ISO/IEC 27001:2022\",\"sector_codes\":[\"IAF 33\"],\"role\":\"lead\"},"
                 "{\"standard\":\"ISO 9001:2015\",\"sector_codes\":[],\"role\":\"auditor\"}]"},
    {"auditor2", "[{\"standard\":\"ISO/IEC 27001:2022\",\"sector_codes\":[],\"role\":\"auditor\"}]"},
};

/* Gives the demo auditors their auditor records (idempotent). */
static int ensure_auditors(cc_dbconn_t *db, const char *tenant_id, const char *slug)
{
    if (cc_db_begin(db, tenant_id) != 0)
        return -1;
    int ok = 1;
    for (size_t i = 0; ok && i < sizeof(demo_auditors) / sizeof(demo_auditors[0]); i++) {
        char email[128];
        snprintf(email, sizeof(email), "%s@%s.example", demo_auditors[i].local, slug);
        const char *params[] = {tenant_id, email, demo_auditors[i].competences};
        PGresult *res = cc_db_exec(db, &auditor_insert_sql, 3, params);
        ok = cc_db_is_ok(res);
        if (!ok)
            fprintf(stderr, "certcycle: could not create auditor %s: %s", email, PQresultErrorMessage(res));
        PQclear(res);
    }
    ok = ok && cc_db_commit(db) == 0;
    cc_db_rollback(db);
    return ok ? 0 : -1;
}

typedef struct demo_tenant {
    const char *slug, *name, *address, *accreditation_body;
    demo_client_t clients[2];
    demo_story_clients_t story; /* the organisations of the lived-in demo (seed_story.c) */
} demo_tenant_t;

static const demo_tenant_t demo_tenants[] = {
    {"northcert",
     "NorthCert Certification Ltd",
     "4 Castle Terrace, Edinburgh EH1 2DP, United Kingdom",
     "UKAS (United Kingdom Accreditation Service)",
     {{"Aurora Logistics Ltd",
       "12 Harbour Road",
       "Leith",
       "EH6 6QB",
       "GB",
       "140",
       {{"Leith head office", "12 Harbour Road", "Leith", "EH6 6QB", "GB", "90",
         "Management, IT operations, HR"},
        {"Grangemouth depot", "3 Dock Street", "Grangemouth", "FK3 8UE", "GB", "50",
         "Warehousing and fleet"}},
       false},
      {"Fjord Data Systems AS",
       "Kanalveien 7",
       "Bergen",
       "5068",
       "NO",
       "35",
       {{"Bergen office", "Kanalveien 7", "Bergen", "5068", "NO", "35", "Software development and hosting"}},
       false}},
     {{"Harbour Freight Analytics Ltd",
       "9 Commercial Quay",
       "Edinburgh",
       "EH6 6LX",
       "GB",
       "85",
       {{"Commercial Quay office", "9 Commercial Quay", "Edinburgh", "EH6 6LX", "GB", "85",
         "Freight data analytics and hosting"}},
       true},
      {"Kestrel Biotech Ltd",
       "2 Research Avenue South",
       "Edinburgh",
       "EH14 4AP",
       "GB",
       "60",
       {{"Riccarton laboratory", "2 Research Avenue South", "Edinburgh", "EH14 4AP", "GB", "60",
         "Genomic data processing"}},
       false},
      {"Moorland Water Services Ltd",
       "40 Glasgow Road",
       "Perth",
       "PH2 0NX",
       "GB",
       "120",
       {{"Perth operations centre", "40 Glasgow Road", "Perth", "PH2 0NX", "GB", "120",
         "Water network telemetry and billing"}},
       true},
      {"Thistle Print & Mail Ltd",
       "15 Peffer Place",
       "Edinburgh",
       "EH16 4BB",
       "GB",
       "30",
       {{"Peffer Place works", "15 Peffer Place", "Edinburgh", "EH16 4BB", "GB", "30",
         "Transactional print and mail"}},
       false},
      "United Kingdom Accreditation Service",
      "UKAS"}},
    {"southcert",
     "SouthCert Assurance GmbH",
     "Theresienstrasse 40, 80333 Muenchen, Germany",
     "DAkkS (Deutsche Akkreditierungsstelle)",
     {{"Meridian Health Services GmbH",
       "Leopoldstrasse 21",
       "Muenchen",
       "80802",
       "DE",
       "410",
       {{"Muenchen clinic and administration", "Leopoldstrasse 21", "Muenchen", "80802", "DE", "300",
         "Patient records, administration, IT"},
        {"Augsburg laboratory", "Halderstrasse 9", "Augsburg", "86150", "DE", "110",
         "Diagnostics laboratory"}},
       false},
      {"Sirocco Payments S.L.",
       "Calle de Alcala 48",
       "Madrid",
       "28014",
       "ES",
       "60",
       {{"Madrid office", "Calle de Alcala 48", "Madrid", "28014", "ES", "60", "Payment processing"}},
       false}},
     {{"Alpenglanz Cloud GmbH",
       "Arnulfstrasse 59",
       "Muenchen",
       "80636",
       "DE",
       "95",
       {{"Arnulfstrasse office", "Arnulfstrasse 59", "Muenchen", "80636", "DE", "95",
         "Managed cloud hosting"}},
       true},
      {"Isar Mobility AG",
       "Landsberger Strasse 110",
       "Muenchen",
       "80339",
       "DE",
       "70",
       {{"Landsberger Strasse office", "Landsberger Strasse 110", "Muenchen", "80339", "DE", "70",
         "Ride-sharing platform operations"}},
       false},
      {"Bodensee Versicherungsdienst GmbH",
       "Seestrasse 12",
       "Konstanz",
       "78464",
       "DE",
       "150",
       {{"Konstanz head office", "Seestrasse 12", "Konstanz", "78464", "DE", "150",
         "Insurance claims processing"}},
       true},
      {"Lechfeld Logistik GmbH",
       "Industriestrasse 4",
       "Augsburg",
       "86167",
       "DE",
       "45",
       {{"Augsburg warehouse", "Industriestrasse 4", "Augsburg", "86167", "DE", "45",
         "Warehouse management systems"}},
       false},
      "Deutsche Akkreditierungsstelle",
      "DAkkS"}},
};

static const struct {
    const char *local, *name, *role;
} demo_staff[] = {
    {"admin", "Avery Admin", "admin"},
    {"scheme_manager", "Sam Scheme", "scheme_manager"},
    {"auditor1", "Alex Auditor", "auditor"},
    {"auditor2", "Robin Reviewer", "auditor"},
    {"decision_maker", "Dana Decider", "decision_maker"},
};

int seed_client_ensure(cc_dbconn_t *db, const char *tenant_id, const demo_client_t *c, char client_id[37])
{
    const char *find[] = {tenant_id, c->legal_name};
    const char *insert[] = {tenant_id,    c->legal_name, c->street,    c->city,
                            c->post_code, c->country,    c->personnel, c->consent ? "true" : "false"};
    if (cc_db_begin(db, tenant_id) != 0)
        return -1;
    PGresult *res = cc_db_exec(db, &client_find_sql, 2, find);
    if (cc_db_is_ok(res) && PQntuples(res) == 0) {
        PQclear(res);
        res = cc_db_exec(db, &client_insert_sql, 8, insert);
    }
    int ok = cc_db_is_ok(res) && PQntuples(res) == 1;
    if (ok)
        snprintf(client_id, 37, "%s", PQgetvalue(res, 0, 0));
    else
        fprintf(stderr, "certcycle: could not create client %s: %s", c->legal_name,
                PQresultErrorMessage(res));
    PQclear(res);
    for (int i = 0; ok && i < 2 && c->sites[i].name != NULL; i++) {
        const demo_site_t *s = &c->sites[i];
        const char *site[] = {tenant_id,    client_id,    s->name,
                              s->street,    s->city,      s->post_code,
                              s->country,   s->personnel, i == 0 ? "true" : "false",
                              s->activities};
        res = cc_db_exec(db, &site_insert_sql, 10, site);
        ok = cc_db_is_ok(res);
        if (!ok)
            fprintf(stderr, "certcycle: could not create site %s: %s", s->name, PQresultErrorMessage(res));
        PQclear(res);
    }
    ok = ok && cc_db_commit(db) == 0;
    cc_db_rollback(db);
    return ok ? 0 : -1;
}

/* Sets the CB's printed address and accreditation body (again on every run: the demo's values). */
static int set_identity(cc_dbconn_t *db, const char *tenant_id, const demo_tenant_t *t)
{
    const char *params[] = {tenant_id, t->address, t->accreditation_body};
    if (cc_db_begin(db, tenant_id) != 0)
        return -1;
    PGresult *res = cc_db_exec(db, &tenant_identity_sql, 3, params);
    int ok = cc_db_is_ok(res);
    if (!ok)
        fprintf(stderr, "certcycle: could not set %s's address: %s", t->slug, PQresultErrorMessage(res));
    PQclear(res);
    ok = ok && cc_db_commit(db) == 0;
    cc_db_rollback(db);
    return ok ? 0 : -1;
}

static int seed_tenant(cc_dbconn_t *db, const demo_tenant_t *t)
{
    char tenant_id[37], email[128], client_id[37];
    if (cli_tenant_id(db, t->slug, tenant_id) != 0 && cli_create_tenant(db, t->slug, t->name, tenant_id) != 0)
        return -1;
    if (set_identity(db, tenant_id, t) != 0)
        return -1;
    for (size_t i = 0; i < sizeof(demo_staff) / sizeof(demo_staff[0]); i++) {
        snprintf(email, sizeof(email), "%s@%s.example", demo_staff[i].local, t->slug);
        if (cli_create_user(db, tenant_id, email, demo_staff[i].name, demo_staff[i].role, NULL,
                            DEMO_PASSWORD) < 0)
            return -1;
    }
    for (int i = 0; i < 2; i++) {
        char name[64];
        if (seed_client_ensure(db, tenant_id, &t->clients[i], client_id) != 0)
            return -1;
        snprintf(email, sizeof(email), "client%d@%s.example", i + 1, t->slug);
        snprintf(name, sizeof(name), "Client Contact %d", i + 1);
        if (cli_create_user(db, tenant_id, email, name, "client", client_id, DEMO_PASSWORD) < 0)
            return -1;
    }
    if (ensure_auditors(db, tenant_id, t->slug) != 0)
        return -1;
    if (seed_registry(db, tenant_id, t->slug, t->story.ab_name, t->story.ab_acronym) != 0 ||
        seed_stories(db, tenant_id, t->slug, &t->story) != 0)
        return -1;
    printf("demo tenant %s ready (%s)\n", t->slug, tenant_id);
    return 0;
}

int cli_seed_demo(const cli_args_t *args)
{
    cc_dbconn_t db;
    if (cli_connect(&db) != 0)
        return 1;
    int rc = 0;
    for (size_t i = 0; i < sizeof(demo_tenants) / sizeof(demo_tenants[0]) && rc == 0; i++)
        if (seed_tenant(&db, &demo_tenants[i]) != 0)
            rc = 1;
    cc_dbconn_close(&db);
    return rc;
}
