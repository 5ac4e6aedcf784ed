/*
 * Clients that hang up during an evidence upload leave the findings service
 * whole (run under the sanitizer build by deploy/test --sanitize, where a
 * read of a freed body aborts the service). Straight to the service, on raw
 * sockets, several clients at once:
 *   - bodies cut off halfway (the handler never runs; h2o frees the partial
 *     body with the request);
 *   - whole bodies (6 MiB: over the size kept in a mapped temporary file)
 *     whose jobs wait on the finding's row, locked by the test, so the clients
 *     hang up while the workers are about to read the bodies in chunks; then
 *     the lock goes;
 *   - downloads of a stored 6 MiB file (streamed chunk by chunk) that hang
 *     up after the first bytes, while the next chunk is being read.
 * Afterwards the service answers /healthz and a normal upload, and no chunk is
 * left without its file. Needs CC_TEST_GATEWAY_URL, CC_TEST_STATE_DIR (the
 * findings service's port is in run/findings.pid) and DATABASE_URL.
 */
#include "cc_test_main.h"
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_db.h"
#include "cc_test_findings.h"
#include "cc_test_http.h"
#include "cc_test_scheduling.h"

#define CLIENTS 8
#define BODY_SIZE (6 * 1024 * 1024)

/* The findings service's port: the third field of run/findings.pid in the test's state directory. */
static int findings_port(void)
{
    char *path = cc_test_asprintf("%s/run/findings.pid", cc_test_env("CC_TEST_STATE_DIR"));
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    long pid, start;
    int port = 0;
    ck_assert_int_eq(fscanf(f, "%ld %ld %d", &pid, &start, &port), 3);
    fclose(f);
    free(path);
    return port;
}

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {
        .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    return fd;
}

static void write_all(int fd, const char *buf, size_t len)
{
    for (size_t off = 0; off < len;) {
        ssize_t n = write(fd, buf + off, len - off);
        ck_assert_int_gt(n, 0);
        off += (size_t)n;
    }
}

/* Sends an upload's headers (announcing BODY_SIZE bytes) and the first `send` bytes of body. */
static int send_upload(int port, const char *auth, const char *finding, const char *body, size_t send)
{
    int fd = connect_to(port);
    char *head = cc_test_asprintf("POST /v1/findings/%s/evidence HTTP/1.1\r\nHost: test\r\n%s\r\n"
                                  "Content-Type: application/pdf\r\n"
                                  "Content-Disposition: attachment; filename=hangup.pdf\r\n"
                                  "Content-Length: %d\r\n\r\n",
                                  finding, auth, BODY_SIZE);
    write_all(fd, head, strlen(head));
    write_all(fd, body, send);
    free(head);
    return fd;
}

/* Closes each socket at once: half with a reset, half with an orderly close. */
static void hang_up(int *fds, int n)
{
    for (int i = 0; i < n; i++) {
        struct linger abortive = {1, 0};
        if (i % 2 == 0)
            setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &abortive, sizeof(abortive));
        close(fds[i]);
    }
}

/* An area of concern on a conducted Stage 1 of client1's organisation, raised by the scheme manager through
 * POST /v1/findings. Returns its id (caller frees). */
static char *make_finding(const cc_test_cb_t *cb)
{
    cc_test_auditor_t lead =
        cc_test_new_auditor(&cb->admin, &cb->sm, CC_TEST_COMPETENCE(CC_TEST_ISMS, "[]", "lead"));
    json_t *programme = cc_test_new_programme(&cb->sm, cb->org, "[]");
    const char *audit = cc_test_audit_of(programme, "stage1");
    cc_test_conduct(&cb->sm, audit, lead.id, "2026-05-04", "2026-05-05");
    json_t *finding = cc_test_must_raise_by(&cb->sm, audit, "area_of_concern");
    char *id = cc_strdup(cc_test_json_string(finding, "id"));
    json_decref(finding);
    json_decref(programme);
    cc_test_auditor_free(&lead);
    return id;
}

START_TEST(hang_ups_during_uploads)
{
    int port = findings_port();
    cc_test_cb_t cb;
    cc_test_cb_login(&cb);
    PGconn *owner = cc_test_db_connect("DATABASE_URL");
    cc_test_db_run(owner, "SELECT set_config('app.tenant_id', cc_tenant_id('northcert')::text, false)", 0,
                   NULL);
    char *finding = make_finding(&cb);
    char *body = cc_malloc(BODY_SIZE);
    memset(body, 'x', BODY_SIZE);
    memcpy(body, "%PDF-1.7\n", 9);
    int fds[CLIENTS];

    /* Bodies cut off halfway. */
    for (int i = 0; i < CLIENTS; i++)
        fds[i] = send_upload(port, cb.client1.auth, finding, body, BODY_SIZE / 2);
    usleep(200 * 1000);
    hang_up(fds, CLIENTS);

    /* Whole bodies whose jobs wait on the finding's row. */
    PGconn *locker = cc_test_db_connect("DATABASE_URL");
    PGconn *watcher = cc_test_db_connect("DATABASE_URL");
    cc_test_db_run(locker, "BEGIN", 0, NULL);
    cc_test_db_run(locker, "SELECT set_config('app.tenant_id', cc_tenant_id('northcert')::text, true)", 0,
                   NULL);
    const char *fp[] = {finding};
    cc_test_db_run(locker,
                   "SELECT id FROM findings WHERE tenant_id = cc_current_tenant() AND id = $1 FOR UPDATE", 1,
                   fp);
    for (int i = 0; i < CLIENTS; i++)
        fds[i] = send_upload(port, cb.client1.auth, finding, body, BODY_SIZE);
    int blocked = cc_test_db_wait_blocked(watcher, locker, 1);
    hang_up(fds, CLIENTS);
    usleep(200 * 1000);
    cc_test_db_run(locker, "COMMIT", 0, NULL);
    ck_assert_msg(blocked >= 1, "no upload waited on the finding's row");

    /* The service is whole: it answers, and a normal upload through the gateway goes in. */
    char *direct = cc_test_asprintf("http://127.0.0.1:%d", port);
    cc_test_response_t *resp = cc_test_http("GET", direct, "/healthz", NULL, NULL);
    ck_assert_int_eq(resp->status, 200);
    cc_test_response_free(resp);
    char *path = cc_test_asprintf("/v1/findings/%s/evidence", finding);
    const char *headers[] = {cb.client1.auth, "Content-Type: application/pdf",
                             "Content-Disposition: attachment; filename=after.pdf", NULL};
    cc_test_request_t req = {
        "POST", cc_test_env("CC_TEST_GATEWAY_URL"), path, headers, body, BODY_SIZE, 120, NULL, NULL};
    resp = cc_test_http_send(&req, NULL);
    ck_assert_ptr_nonnull(resp);
    ck_assert_int_eq(resp->status, 201);
    cc_test_response_free(resp);

    /* Downloads that hang up midway. */
    char *file_id =
        cc_test_db_value(owner, "SELECT id FROM evidence_files WHERE finding_id = $1 LIMIT 1", 1, fp);
    ck_assert_ptr_nonnull(file_id);
    for (int i = 0; i < CLIENTS; i++) {
        fds[i] = connect_to(port);
        char *get = cc_test_asprintf("GET /v1/evidence/%s HTTP/1.1\r\nHost: test\r\n%s\r\n\r\n", file_id,
                                     cb.client1.auth);
        write_all(fds[i], get, strlen(get));
        free(get);
        char first[4096];
        ck_assert_int_gt(read(fds[i], first, sizeof(first)), 0);
    }
    hang_up(fds, CLIENTS);
    usleep(200 * 1000);
    resp = cc_test_http("GET", direct, "/healthz", NULL, NULL);
    ck_assert_int_eq(resp->status, 200);
    cc_test_response_free(resp);
    free(file_id);

    /* Whatever went in went in whole: no chunk without its file, every file all its bytes. */
    char *orphans = cc_test_db_value(owner,
                                     "SELECT count(*) FROM evidence_chunks c WHERE NOT EXISTS (SELECT 1 FROM "
                                     "evidence_files f WHERE f.tenant_id = c.tenant_id AND f.id = c.file_id)",
                                     0, NULL);
    ck_assert_str_eq(orphans, "0");
    char *short_files =
        cc_test_db_value(owner,
                         "SELECT count(*) FROM evidence_files f WHERE f.finding_id = $1 AND f.size <> "
                         "(SELECT sum(length(c.data)) "
                         "FROM evidence_chunks c WHERE c.tenant_id = f.tenant_id AND c.file_id = f.id)",
                         1, fp);
    ck_assert_str_eq(short_files, "0");

    free(short_files);
    free(orphans);
    free(direct);
    free(path);
    PQfinish(watcher);
    PQfinish(locker);
    PQfinish(owner);
    free(body);
    free(finding);
    cc_test_cb_free(&cb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("evidence_disconnect");
    TCase *tc = tcase_create("hang_up");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, hang_ups_during_uploads);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
