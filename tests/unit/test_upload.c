/*
 * The upload parsers of cc_upload.c: the Content-Type allow-list, the file
 * name from Content-Disposition (RFC 6266 / 8187) with every refusal, the
 * magic bytes of each binary type and the streaming text check.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cc_upload.h"

static int type_of(const char *v)
{
    return cc_upload_type_parse(v, strlen(v));
}

START_TEST(test_types)
{
    ck_assert_int_eq(type_of("application/pdf"), CC_UPLOAD_PDF);
    ck_assert_int_eq(type_of("Application/PDF"), CC_UPLOAD_PDF);
    ck_assert_int_eq(type_of(" image/png "), CC_UPLOAD_PNG);
    ck_assert_int_eq(type_of("image/jpeg"), CC_UPLOAD_JPEG);
    ck_assert_int_eq(type_of("text/plain"), CC_UPLOAD_TEXT);
    ck_assert_int_eq(type_of("text/plain; charset=utf-8"), CC_UPLOAD_TEXT);
    ck_assert_int_eq(type_of("text/plain;charset=\"UTF-8\""), CC_UPLOAD_TEXT);
    ck_assert_int_eq(type_of("text/csv; charset=us-ascii; header=present"), CC_UPLOAD_CSV);
    ck_assert_int_eq(type_of("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                     CC_UPLOAD_XLSX);
    ck_assert_int_eq(type_of("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                     CC_UPLOAD_DOCX);
    /* off the list, malformed, another charset, parameters on a binary type */
    ck_assert_int_eq(type_of("application/octet-stream"), -1);
    ck_assert_int_eq(type_of("image/gif"), -1);
    ck_assert_int_eq(type_of("application/pdfx"), -1);
    ck_assert_int_eq(type_of("text/html"), -1);
    ck_assert_int_eq(type_of(""), -1);
    ck_assert_int_eq(cc_upload_type_parse(NULL, 0), -1);
    ck_assert_int_eq(type_of("text/plain; charset=iso-8859-1"), -1);
    ck_assert_int_eq(type_of("text/plain; charset"), -1);
    ck_assert_int_eq(type_of("text/plain; charset=\"utf-8"), -1);
    ck_assert_int_eq(type_of("application/pdf; name=x"), -1);
    ck_assert_int_eq(type_of("image/png x"), -1);
    ck_assert_str_eq(cc_upload_type_name(CC_UPLOAD_TEXT), "text/plain; charset=utf-8");
    ck_assert_str_eq(cc_upload_type_name(CC_UPLOAD_PDF), "application/pdf");
    ck_assert(cc_upload_type_is_text(CC_UPLOAD_CSV));
    ck_assert(!cc_upload_type_is_text(CC_UPLOAD_PNG));
}
END_TEST

static char name[CC_UPLOAD_NAME_MAX + 1];

static cc_upload_name_status_t name_of(const char *header)
{
    return cc_upload_filename(header, header != NULL ? strlen(header) : 0, name);
}

START_TEST(test_filename_ok)
{
    ck_assert_int_eq(name_of("attachment; filename*=UTF-8''report.pdf"), CC_UPLOAD_NAME_OK);
    ck_assert_str_eq(name, "report.pdf");
    /* percent-decoding, UTF-8, a language tag */
    ck_assert_int_eq(name_of("attachment; filename*=utf-8'de'Pr%C3%BCfbericht%20Q1.pdf"), CC_UPLOAD_NAME_OK);
    ck_assert_str_eq(name, "Pr\xc3\xbc"
                           "fbericht Q1.pdf");
    /* filename* wins over filename, in either order */
    ck_assert_int_eq(name_of("attachment; filename=\"fallback.pdf\"; filename*=UTF-8''real.pdf"),
                     CC_UPLOAD_NAME_OK);
    ck_assert_str_eq(name, "real.pdf");
    ck_assert_int_eq(name_of("Attachment;filename*=UTF-8''real.pdf;filename=x"), CC_UPLOAD_NAME_OK);
    ck_assert_str_eq(name, "real.pdf");
    /* plain filename: token or quoted-string with escapes; no percent-decoding */
    ck_assert_int_eq(name_of("attachment; filename=plain.txt"), CC_UPLOAD_NAME_OK);
    ck_assert_str_eq(name, "plain.txt");
    ck_assert_int_eq(name_of("attachment; filename=\"a \\\"quoted\\\" name%20.txt\""), CC_UPLOAD_NAME_OK);
    ck_assert_str_eq(name, "a \"quoted\" name%20.txt");
    ck_assert_int_eq(name_of("inline; size=12; filename=\"x.csv\";"), CC_UPLOAD_NAME_OK);
    ck_assert_str_eq(name, "x.csv");
    /* paths stripped to the base name, both separators */
    ck_assert_int_eq(name_of("attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd"), CC_UPLOAD_NAME_OK);
    ck_assert_str_eq(name, "passwd");
    ck_assert_int_eq(name_of("attachment; filename=\"C:\\\\Users\\\\me\\\\evil.pdf\""), CC_UPLOAD_NAME_OK);
    ck_assert_str_eq(name, "evil.pdf");
    /* control characters (C0, DEL, C1, U+2028) stripped, surrounding spaces trimmed */
    ck_assert_int_eq(name_of("attachment; filename*=UTF-8''%20a%00b%0Ac%7Fd%C2%85e%E2%80%A8f.txt%09"),
                     CC_UPLOAD_NAME_OK);
    ck_assert_str_eq(name, "abcdef.txt");
}
END_TEST

START_TEST(test_filename_refused)
{
    ck_assert_int_eq(name_of(NULL), CC_UPLOAD_NAME_MISSING);
    ck_assert_int_eq(name_of("attachment"), CC_UPLOAD_NAME_MISSING);
    ck_assert_int_eq(name_of("attachment; size=3"), CC_UPLOAD_NAME_MISSING);
    ck_assert_str_eq(name, "");
    ck_assert_int_eq(name_of("form-data; filename=x.pdf"), CC_UPLOAD_NAME_MALFORMED);
    ck_assert_int_eq(name_of("filename=x.pdf"), CC_UPLOAD_NAME_MALFORMED);
    ck_assert_int_eq(name_of("attachment filename=x.pdf"), CC_UPLOAD_NAME_MALFORMED);
    ck_assert_int_eq(name_of("attachment; filename=\"x.pdf"), CC_UPLOAD_NAME_MALFORMED);
    ck_assert_int_eq(name_of("attachment; filename="), CC_UPLOAD_NAME_MALFORMED);
    ck_assert_int_eq(name_of("attachment; filename=a; filename=b"), CC_UPLOAD_NAME_MALFORMED);
    ck_assert_int_eq(name_of("attachment; filename*=ISO-8859-1''caf%E9.pdf"), CC_UPLOAD_NAME_MALFORMED);
    ck_assert_int_eq(name_of("attachment; filename*=UTF-8''bad%zz.pdf"), CC_UPLOAD_NAME_MALFORMED);
    ck_assert_int_eq(name_of("attachment; filename*=UTF-8''bad%4"), CC_UPLOAD_NAME_MALFORMED);
    ck_assert_int_eq(name_of("attachment; filename*=x.pdf"), CC_UPLOAD_NAME_MALFORMED);
    ck_assert_int_eq(name_of("attachment; filename*=\"UTF-8''a b.pdf\""), CC_UPLOAD_NAME_MALFORMED);
    /* invalid UTF-8: a lone continuation byte, an overlong '/', a surrogate, a truncated sequence */
    ck_assert_int_eq(name_of("attachment; filename*=UTF-8''a%80.pdf"), CC_UPLOAD_NAME_BAD_UTF8);
    ck_assert_int_eq(name_of("attachment; filename*=UTF-8''..%C0%AFx.pdf"), CC_UPLOAD_NAME_BAD_UTF8);
    ck_assert_int_eq(name_of("attachment; filename*=UTF-8''%ED%A0%80.pdf"), CC_UPLOAD_NAME_BAD_UTF8);
    ck_assert_int_eq(name_of("attachment; filename*=UTF-8''x%E2%82"), CC_UPLOAD_NAME_BAD_UTF8);
    ck_assert_int_eq(name_of("attachment; filename=\"caf\xe9.pdf\""), CC_UPLOAD_NAME_BAD_UTF8);
    /* nothing left */
    ck_assert_int_eq(name_of("attachment; filename*=UTF-8''"), CC_UPLOAD_NAME_EMPTY);
    ck_assert_int_eq(name_of("attachment; filename*=UTF-8''dir%2F"), CC_UPLOAD_NAME_EMPTY);
    ck_assert_int_eq(name_of("attachment; filename*=UTF-8''%01%02%20"), CC_UPLOAD_NAME_EMPTY);
    ck_assert_int_eq(name_of("attachment; filename=\"a/..\""), CC_UPLOAD_NAME_EMPTY);
    ck_assert_int_eq(name_of("attachment; filename=\".\""), CC_UPLOAD_NAME_EMPTY);
    /* 255 bytes pass, 256 do not */
    char header[600], *p;
    p = header + sprintf(header, "attachment; filename=\"");
    memset(p, 'a', 255);
    strcpy(p + 255, "\"");
    ck_assert_int_eq(name_of(header), CC_UPLOAD_NAME_OK);
    ck_assert_uint_eq(strlen(name), 255);
    memset(p, 'a', 256);
    strcpy(p + 256, "\"");
    ck_assert_int_eq(name_of(header), CC_UPLOAD_NAME_TOO_LONG);
    ck_assert_str_eq(cc_upload_name_code(CC_UPLOAD_NAME_TOO_LONG), "too_long");
    ck_assert_str_eq(cc_upload_name_code(CC_UPLOAD_NAME_BAD_UTF8), "invalid_utf8");
    ck_assert_str_eq(cc_upload_name_code(CC_UPLOAD_NAME_MISSING), "required");
    ck_assert_str_eq(cc_upload_name_code(CC_UPLOAD_NAME_MALFORMED), "invalid");
    ck_assert_str_eq(cc_upload_name_code(CC_UPLOAD_NAME_EMPTY), "empty");
    ck_assert_ptr_nonnull(cc_upload_name_message(CC_UPLOAD_NAME_EMPTY));
}
END_TEST

static bool magic(cc_upload_type_t type, const void *head, size_t n)
{
    return cc_upload_magic_ok(type, head, n, NULL, 0);
}

/* A ZIP's local header with one entry name (30 bytes of header, then the name). */
static size_t zip_local(uint8_t *out, const char *entry)
{
    memset(out, 0, 30);
    memcpy(out, "PK\x03\x04", 4);
    out[26] = (uint8_t)strlen(entry);
    memcpy(out + 30, entry, strlen(entry));
    return 30 + strlen(entry);
}

/* A central-directory record for one entry name (46 bytes, then the name). */
static size_t zip_central(uint8_t *out, const char *entry)
{
    memset(out, 0, 46);
    memcpy(out, "PK\x01\x02", 4);
    out[28] = (uint8_t)strlen(entry);
    memcpy(out + 46, entry, strlen(entry));
    return 46 + strlen(entry);
}

START_TEST(test_magic)
{
    ck_assert(magic(CC_UPLOAD_PDF, "%PDF-1.7\n", 9));
    ck_assert(!magic(CC_UPLOAD_PDF, "%PDF", 4));
    ck_assert(!magic(CC_UPLOAD_PDF, "<html>PDF", 9));
    ck_assert(magic(CC_UPLOAD_PNG, "\x89PNG\r\n\x1a\n....", 12));
    ck_assert(!magic(CC_UPLOAD_PNG,
                     "\x7f"
                     "ELF\x02\x01\x01\x00",
                     8)); /* an executable is no image */
    ck_assert(!magic(CC_UPLOAD_PNG, "\x89PNG", 4));
    ck_assert(magic(CC_UPLOAD_JPEG, "\xff\xd8\xff\xe0", 4));
    ck_assert(!magic(CC_UPLOAD_JPEG, "\xff\xd8", 2));
    ck_assert(magic(CC_UPLOAD_TEXT, "anything", 8)); /* text is checked whole, elsewhere */

    uint8_t head[128], tail[256];
    size_t n = zip_local(head, "[Content_Types].xml");
    ck_assert(!cc_upload_magic_ok(CC_UPLOAD_DOCX, head, n, NULL, 0)); /* a ZIP, but which? */
    size_t t = zip_central(tail, "[Content_Types].xml");
    t += zip_central(tail + t, "word/document.xml");
    ck_assert(cc_upload_magic_ok(CC_UPLOAD_DOCX, head, n, tail, t));
    ck_assert(!cc_upload_magic_ok(CC_UPLOAD_XLSX, head, n, tail, t)); /* a document is no spreadsheet */
    n = zip_local(head, "xl/workbook.xml");
    ck_assert(cc_upload_magic_ok(CC_UPLOAD_XLSX, head, n, NULL, 0));
    ck_assert(!cc_upload_magic_ok(CC_UPLOAD_XLSX, (const uint8_t *)"%PDF-1.4", 8, NULL, 0));
    ck_assert_uint_eq(cc_upload_tail_wanted(CC_UPLOAD_DOCX), 64 * 1024);
    ck_assert_uint_eq(cc_upload_tail_wanted(CC_UPLOAD_PDF), 0);
}
END_TEST

static bool text_ok(const char *s, size_t n, size_t piece)
{
    cc_upload_text_t t = {0};
    for (size_t i = 0; i < n; i += piece)
        cc_upload_text_feed(&t, (const uint8_t *)s + i, n - i < piece ? n - i : piece);
    return cc_upload_text_end(&t);
}

START_TEST(test_text)
{
    const char *good = "a,b\r\nPr\xc3\xbc"
                       "f\t\xe2\x82\xac\f\xf0\x9f\x98\x80\n";
    for (size_t piece = 1; piece <= strlen(good); piece++) /* sequences split across pieces */
        ck_assert(text_ok(good, strlen(good), piece));
    ck_assert(text_ok("", 0, 1));
    ck_assert(!text_ok("a\0b", 3, 1));     /* NUL */
    ck_assert(!text_ok("a\x1b[0m", 5, 2)); /* ESC */
    ck_assert(!text_ok("a\x7f", 2, 1));    /* DEL */
    ck_assert(!text_ok("\x7f"
                       "ELF\x02",
                       5, 5));                                 /* an executable */
    ck_assert(!text_ok("caf\xe9", 4, 4));                      /* Latin-1 */
    ck_assert(!text_ok("x\xe2\x82", 3, 1));                    /* cut short */
    ck_assert(!text_ok("\xc0\xaf", 2, 1));                     /* overlong */
    ck_assert(!text_ok("\xed\xa0\x80", 3, 1));                 /* surrogate */
    ck_assert(!text_ok("\xf4\x90\x80\x80", 4, 1));             /* past U+10FFFF */
    ck_assert(cc_upload_is_utf8((const uint8_t *)"a\x01", 2)); /* controls are UTF-8 all the same */
    ck_assert(!cc_upload_is_utf8((const uint8_t *)"\xff", 1));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("upload");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_types);
    tcase_add_test(tc, test_filename_ok);
    tcase_add_test(tc, test_filename_refused);
    tcase_add_test(tc, test_magic);
    tcase_add_test(tc, test_text);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(suite());
}
