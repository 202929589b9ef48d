/* batch_fx.h - the upload of the batch tests (header-only): a 500-row CSV file as a Swedish
 * spreadsheet exports it (a BOM, semicolons, CRLF, names and task names with å, ä and ö, cells
 * quoted because they hold a ';' or a '"') with exactly 20 bad rows of different kinds, each
 * with the column it must be refused for; the companies it needs on the vendor's side (way 1
 * subscribers, way 2 accounts, each with an administrator on the portal); and the POST. */
#ifndef ADVISORD_TEST_BATCH_FX_H
#define ADVISORD_TEST_BATCH_FX_H

#include "collab_fx.h"
#include "load_fx.h"

#include <stdlib.h>
#include <unistd.h>

#define BFX_ROWS 500
#define BFX_BAD 20
#define BFX_WAY1 4
#define BFX_WAY2 4

/* The bad rows: row number (1-based), the column named, and words the problem must hold. */
static const struct bfx_bad {
  int row;
  const char *column;
  const char *words;
} bfx_bad[BFX_BAD] = {
    {7, "corporate_id", "corporate_id"},       {33, "corporate_id", "corporate_id"},
    {77, "corporate_id", "corporate_id"},      {95, "email", "email"},
    {123, "email", "email"},                   {140, "variant", "must be one of"},
    {177, "variant", "must be one of"},        {199, "agreement_period_months", "3, 12"},
    {222, "agreement_period_months", "3, 12"}, {240, "starts_on", "is in the past"},
    {266, "starts_on", "is in the past"},      {288, "corporate_id", "row 287 (line 288)"},
    {301, "corporate_id", "row 5 (line 6)"},   {333, "task", "task"},
    {355, "administrator_email", "administrator_email"},
    {377, "administrator_phone", "required"},  {399, "starts_on", "date"},
    {410, "variant", "downgrade"},             {444, "invoice_recipient", "office, customer"},
    {466, "language", "sv, en"},
};
/* Rows of existing companies: way 1 (subscribers of start; the last one, row 410, of pro)
 * and way 2 (a portal account). */
static const int bfx_way1_rows[BFX_WAY1 + 1] = {10, 110, 210, 310, 410};
static const int bfx_way2_rows[BFX_WAY2] = {50, 150, 250, 350};

static inline const struct bfx_bad *bfx_bad_row(int row)
{
  for (int i = 0; i < BFX_BAD; i++)
    if (bfx_bad[i].row == row)
      return &bfx_bad[i];
  return NULL;
}

/* A valid organisation number "5PPNNN-NNNC" for n (PP: 59 + salt), load_fx.h's rule. */
static inline void bfx_cid(int salt, int n, char *out)
{
  char prefix[16];
  snprintf(prefix, sizeof prefix, "5%02d", 59 + salt % 40);
  load_corporate_id(prefix, n, out);
}

/* The company of row (before the bad ones change it). */
static inline void bfx_row_cid(int salt, int row, char *out)
{
  bfx_cid(salt, 1000 + row, out);
}

/* The companies the upload names that the vendor knows already, with their administrators. */
static inline void bfx_companies(struct server *s, int salt)
{
  char cid[12], id[FX_ID_LEN], admin[FX_ID_LEN], tok[FX_TOKEN_LEN], name[64], email[64];
  char renews[DATE_LEN];
  cx_today_plus_months(6, renews);
  for (int i = 0; i < BFX_WAY1 + 1; i++) {
    bfx_row_cid(salt, bfx_way1_rows[i], cid);
    snprintf(name, sizeof name, "Prenumerant %d AB", i);
    fx_subscriber(s, cid, name, i < BFX_WAY1 ? "start" : "pro", "customer", "12", renews, id);
    snprintf(email, sizeof email, "agare%d@prenumerant.se", i);
    fx_customer_admin(s, cid, "Örjan Ägare", email, admin, tok);
  }
  for (int i = 0; i < BFX_WAY2; i++) {
    bfx_row_cid(salt, bfx_way2_rows[i], cid);
    snprintf(name, sizeof name, "Kontoinnehavare %d AB", i);
    fx_company(s, cid, name, "account", id);
    snprintf(email, sizeof email, "agare%d@konto.se", i);
    fx_customer_admin(s, cid, "Åke Konto", email, admin, tok);
  }
}

static inline bool bfx_in(const int *rows, int n, int row)
{
  for (int i = 0; i < n; i++)
    if (rows[i] == row)
      return true;
  return false;
}

/* The CSV file (malloc'd, the caller frees). */
static inline char *bfx_csv(int salt)
{
  size_t cap = 256 * (BFX_ROWS + 1);
  char *out = malloc(cap), yesterday[DATE_LEN], tomorrow[DATE_LEN];
  int64_t now = util_now_ms();
  date_local_of_ms(now - 86400000LL, yesterday, sizeof yesterday);
  date_local_of_ms(now + 86400000LL, tomorrow, sizeof tomorrow);
  size_t n = (size_t)snprintf(out, cap, "\xEF\xBB\xBF" "corporate_id;name;email;task;variant;"
                              "invoice_recipient;agreement_period_months;administrator_name;"
                              "administrator_email;administrator_phone;language;starts_on\r\n");
  static const char *const variants[] = {"start", "bokforing", "fakturering", "smart", "pro"};
  for (int row = 1; row <= BFX_ROWS; row++) {
    char cid[12], name[80], task[80], admin[200], variant[16], terms[40], on[DATE_LEN] = "";
    bfx_row_cid(salt, row, cid);
    if (row % 7 == 0)
      snprintf(name, sizeof name, "\"Ekstr\xC3\xB6m; Bygg %d AB\"", row);
    else
      snprintf(name, sizeof name, "Bj\xC3\xB6rk & S\xC3\xB6ner %d AB", row);
    snprintf(task, sizeof task, row % 5 == 0 ? "\"\xC3\x85rsbokslut \"\"%d\"\"\""
                                             : "L\xC3\xB6pande bokf\xC3\xB6ring %d", 2027);
    snprintf(variant, sizeof variant, "%s", variants[row % 5]);
    snprintf(terms, sizeof terms, "%s;%d", row % 2 ? "office" : "customer", row % 3 ? 12 : 3);
    snprintf(admin, sizeof admin,
             "\xC3\x85sa \xC3\x96" "berg %d;asa%d@kund%d.se;+46 70 555 %02d %02d", row, row, row,
             row % 100, row / 100);
    const char *lang = row % 4 == 0 ? "en" : "sv";
    char email[64];
    snprintf(email, sizeof email, "ekonomi%d@kund.se", row);
    if (row % 25 == 0)
      snprintf(on, sizeof on, "%s", tomorrow);
    if (bfx_in(bfx_way1_rows, BFX_WAY1 + 1, row)) { /* the agreement continues: no terms */
      snprintf(variant, sizeof variant, "%s", row == 410 ? "start" : row == 210 ? "" : "smart");
      terms[0] = ';';
      terms[1] = '\0';
      snprintf(admin, sizeof admin, ";;");
    } else if (bfx_in(bfx_way2_rows, BFX_WAY2, row)) {
      snprintf(variant, sizeof variant, "bokforing");
      snprintf(admin, sizeof admin, ";;");
    }
    switch (row) {
    case 7: cid[10] = (char)('0' + (cid[10] - '0' + 1) % 10); break; /* the Luhn digit */
    case 33: cid[9] = (char)('0' + (cid[9] - '0' + 3) % 10); break;
    case 77: snprintf(cid, sizeof cid, "55903"); break;
    case 95: snprintf(email, sizeof email, "ekonomi(at)kund.se"); break;
    case 123: snprintf(email, sizeof email, "ekonomi@"); break;
    case 140: snprintf(variant, sizeof variant, "premium"); break;
    case 177: snprintf(variant, sizeof variant, "Smart+"); break;
    case 199: snprintf(terms, sizeof terms, "office;6"); break;
    case 222: snprintf(terms, sizeof terms, "customer;24"); break;
    case 240: snprintf(on, sizeof on, "2020-01-01"); break;
    case 266: snprintf(on, sizeof on, "%s", yesterday); break;
    case 288: bfx_row_cid(salt, 287, cid); break;
    case 301: bfx_row_cid(salt, 5, cid); break;
    case 333: task[0] = '\0'; break;
    case 355: snprintf(admin, sizeof admin, "\xC3\x85sa;\xC3\xA5sa@;+46 70 555 00 00"); break;
    case 377: snprintf(admin, sizeof admin, "\xC3\x85sa;asa377@kund.se;"); break;
    case 399: snprintf(on, sizeof on, "2027-02-30"); break;
    case 444: snprintf(terms, sizeof terms, "kunden;12"); break;
    case 466: lang = "de"; break;
    }
    n += (size_t)snprintf(out + n, cap - n, "%s;%s;%s;%s;%s;%s;%s;%s;%s\r\n", cid, name, email,
                          task, variant, terms, admin, lang, on);
  }
  return out;
}

/* POSTs the CSV as the office (tok); query "" or "?dry_run=true"; key NULL: none. */
static inline bool bfx_post(struct server *s, const char *tok, const char *query, const char *key,
                            const char *csv, struct resp *r)
{
  char auth[160], path[96], idem[160];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
  snprintf(path, sizeof path, "/v1/collaboration-batches%s", query);
  snprintf(idem, sizeof idem, "Idempotency-Key: %s", key ? key : "");
  const char *headers[] = {auth, "Content-Type: text/csv; charset=utf-8", key ? idem : NULL,
                           NULL};
  return http(s, "POST", path, headers, csv, r);
}

/* GETs the batch at location until its state is done (at most timeout_ms); the last answer
 * into r (the caller frees). */
static inline void bfx_wait_done(struct server *s, const char *tok, const char *location,
                                 int timeout_ms, struct resp *r)
{
  int64_t until = util_mono_ms() + timeout_ms;
  for (;;) {
    CHECK(api(s, "GET", location, tok, NULL, r));
    const char *state = resp_str(r, "state");
    if ((state && strcmp(state, "done") == 0) || util_mono_ms() > until)
      break;
    resp_free(r);
    usleep(100 * 1000);
  }
  CHECK_STR(resp_str(r, "state"), "done");
}

#endif
