/* Integration test of the cap on creating collaborations (--collaboration-create-limit): the
 * next one in the hour is 429 with Retry-After, another principal is not affected, withdrawn
 * ones still count, and a customer administrator's office invitations count the same way. */
#include "exits_fx.h"

TEST_MAIN_DEFS

/* Creations are capped per principal and hour (--collaboration-create-limit): the next one is
 * 429 with Retry-After; another principal is not affected; withdrawn ones still count. */
static void test_creation_cap(void)
{
  struct server s;
  const char *args[] = {"--collaboration-create-limit", "2", NULL};
  server_start(&s, args, NULL);
  char off[FX_ID_LEN], user2[FX_ID_LEN], tok_user2[FX_TOKEN_LEN];
  fx_office(&s, "Byrå Ett AB", "5560360793", "info@byra-ett.se", off, tok_office);
  fx_user(&s, off, "andra@byra-ett.se", "full", user2, tok_user2);
  struct invite a, b, c;
  invite_account(&s, "556100-0018", "Ett AB", "a@ett.se", &a);
  invite_account(&s, "556100-0026", "Två AB", "b@tva.se", &b);
  struct resp r;
  CHECK(cx_action(&s, b.id, "withdraw", tok_office, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  /* the third in the hour */
  memset(&c, 0, sizeof c);
  char company[FX_ID_LEN], path[160];
  fx_company(&s, "556100-0034", "Tre AB", "account", company);
  fx_customer_admin(&s, "556100-0034", "Admin", "c@tre.se", c.cadmin, c.tok_cadmin);
  cx_customer(&s, tok_office, "556100-0034", "Tre AB", "kontakt@tre.se", c.customer);
  cx_task(&s, tok_office, c.customer, "Uppdrag", c.task);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", c.customer);
#define TERMS "{\"task_id\":\"%s\",\"variant\":\"start\",\"invoice_recipient\":\"office\"," \
              "\"agreement_period_months\":3}"
  CHECK(cx_post(&s, path, tok_office, &r, TERMS, c.task));
  CHECK_INT(r.status, 429);
  CHECK_STR(resp_str(&r, "code"), "rate_limited");
  char retry[16];
  CHECK(resp_header(&r, "retry-after", retry, sizeof retry) && atoi(retry) > 3500 &&
        atoi(retry) <= 3600);
  CHECK(r.body && strstr(r.body, "2 per hour"));
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaborations WHERE customer_id = ?",
                     c.customer),
            0);
  /* another user of the office has its own allowance */
  CHECK(cx_post(&s, path, tok_user2, &r, TERMS, c.task));
#undef TERMS
  CHECK_INT(r.status, 201);
  resp_free(&r);
  /* a customer administrator's office invitations count the same way */
  CHECK(cx_action(&s, a.id, "withdraw", tok_office, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  for (int i = 0; i < 3; i++) {
    CHECK(cx_post(&s, "/v1/office-invitations", a.tok_cadmin, &r,
                  "{\"office_corporate_id\":\"556036-0793\",\"variant\":\"start\"}"));
    CHECK_MSG(r.status == (i < 2 ? 201 : 429), "office invitation %d: %ld", i, r.status);
    char inv[FX_ID_LEN];
    snprintf(inv, sizeof inv, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
    resp_free(&r);
    if (i < 2) {
      CHECK(cx_action(&s, inv, "withdraw", a.tok_cadmin, NULL, &r));
      CHECK_INT(r.status, 200);
      resp_free(&r);
    }
  }
  CHECK_INT(server_stop(&s, false), 0);
}

int main(void)
{
  test_creation_cap();
  return TEST_REPORT();
}
