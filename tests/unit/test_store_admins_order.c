/* The order of a company's customer administrators as the store reads them, on either engine.
 * On SQLite the two reads an activation makes (store_customer_admin_get_by_email, way 3's reuse
 * of an address; store_customer_admins_of_company, who is told of a notification) run without
 * ORDER BY since migration 0110 (a temporary b-tree at every run cost more than the search) and
 * order their rows in C; PostgreSQL sorts in SQL. Rows are written so that the index order
 * (company, e-mail) is not the order asked for: the lookup in any case must find the oldest of
 * the addresses that differ only in case (created_at, then id), and the list must put the main
 * contact first, then the oldest, leave out the unconfirmed, and when cut to max keep the first
 * max of that order. */
#include "store_identity.h"
#include "testdb.h"
#include "testlib.h"

#include <stdio.h>
#include <string.h>

TEST_MAIN_DEFS

#define COMPANY "0190a0a0-0000-7000-8000-0000000000c1"
#define OTHER "0190a0a0-0000-7000-8000-0000000000c2"
#define ID(n) "0190a0a0-0000-7000-8000-0000000000" n
#define T1 "2026-01-01T00:00:00.000Z"
#define T2 "2026-02-01T00:00:00.000Z"
#define T3 "2026-03-01T00:00:00.000Z"
#define ROW(id, company, email, main, when, confirmed)                                        \
  "('" id "', '" company "', 'Namn', '" email "', " #main ", '" when "', " #confirmed ")"

int main(void)
{
  char dir[] = "/tmp/advisord-admins-XXXXXX", url[400];
  struct store *st = testdb_store_temp(dir, url, sizeof url);
  CHECK(st != NULL);
  if (!st)
    return TEST_REPORT();
  struct store_conn *c = store_conn(st);
  CHECK(testdb_exec(url,
                    "INSERT INTO companies (id, corporate_id, name, relation, created_at, "
                    "updated_at) VALUES ('" COMPANY "', '556100-0000', 'Företaget', 'none', 'x', "
                    "'x'), ('" OTHER "', '556100-0018', 'Annat', 'none', 'x', 'x')",
                    NULL));
  /* e-mail order (the unique index's): a, b, c, d, e, f; the order asked for differs */
  CHECK(testdb_exec(url,
                    "INSERT INTO customer_admins (id, company_id, name, email, is_main_contact, "
                    "created_at, confirmed) VALUES "
                    ROW(ID("a9"), COMPANY, "a@x.se", 0, T3, 1) ", "
                    ROW(ID("a8"), COMPANY, "b@x.se", 0, T1, 1) ", "
                    ROW(ID("a7"), COMPANY, "c@x.se", 0, T1, 0) ", "
                    ROW(ID("a6"), COMPANY, "d@x.se", 1, T3, 1) ", "
                    ROW(ID("a5"), COMPANY, "e@x.se", 0, T1, 1) ", "
                    ROW(ID("a4"), COMPANY, "f@x.se", 0, T2, 1) ", "
                    /* one address in three spellings (possible before 0100) */
                    ROW(ID("b3"), COMPANY, "ANNA@X.SE", 0, T2, 0) ", "
                    ROW(ID("b2"), COMPANY, "Anna@x.se", 0, T1, 0) ", "
                    ROW(ID("b1"), COMPANY, "anna@x.se", 0, T1, 0) ", "
                    ROW(ID("c1"), OTHER, "a@x.se", 1, T1, 1),
                    NULL));

  struct customer_admin ads[STORE_MAX_ADMINS];
  size_t n = 0;
  CHECK_INT(store_customer_admins_of_company(c, COMPANY, ads, STORE_MAX_ADMINS, &n), STORE_OK);
  const char *want[] = {ID("a6"), ID("a5"), ID("a8"), ID("a4"), ID("a9")};
  CHECK_INT((long)n, 5);
  for (size_t i = 0; i < n && i < 5; i++)
    CHECK_STR(ads[i].id, want[i]);
  CHECK(n > 0 && ads[0].is_main_contact && ads[0].confirmed);
  /* cut to two: the first two of that order, whichever rows came first */
  CHECK_INT(store_customer_admins_of_company(c, COMPANY, ads, 2, &n), STORE_OK);
  CHECK_INT((long)n, 2);
  CHECK_STR(ads[0].id, ID("a6"));
  CHECK_STR(ads[1].id, ID("a5"));
  CHECK_INT(store_customer_admins_of_company(c, COMPANY, ads, 0, &n), STORE_OK);
  CHECK_INT((long)n, 0);
  CHECK_INT(store_customer_admins_of_company(c, OTHER, ads, STORE_MAX_ADMINS, &n), STORE_OK);
  CHECK_INT((long)n, 1);
  CHECK_STR(ads[0].id, ID("c1"));

  /* the oldest spelling, created_at first and then id, in any case asked */
  struct customer_admin ad;
  const char *asked[] = {"anna@x.se", "ANNA@x.se", "aNNa@X.sE"};
  for (size_t i = 0; i < 3; i++) {
    CHECK_INT(store_customer_admin_get_by_email(c, COMPANY, asked[i], &ad), STORE_OK);
    CHECK_STR(ad.id, ID("b1"));
    CHECK_STR(ad.email, "anna@x.se");
    CHECK_STR(ad.created_at, T1);
    CHECK(!ad.confirmed && !ad.is_main_contact);
  }
  CHECK_INT(store_customer_admin_get_by_email(c, COMPANY, "D@X.SE", &ad), STORE_OK);
  CHECK_STR(ad.id, ID("a6"));
  CHECK(ad.is_main_contact && ad.confirmed);
  CHECK_INT(store_customer_admin_get_by_email(c, COMPANY, "anna@x.s", &ad), STORE_NOT_FOUND);
  CHECK_INT(store_customer_admin_get_by_email(c, OTHER, "anna@x.se", &ad), STORE_NOT_FOUND);
  CHECK_INT(store_customer_admin_get_by_email(c, OTHER, "A@X.se", &ad), STORE_OK);
  CHECK_STR(ad.id, ID("c1"));
  CHECK(testdb_store_temp_end(st, dir, url));
  return TEST_REPORT();
}
