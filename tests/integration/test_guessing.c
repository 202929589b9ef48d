/* Integration test of guessing: failed bearer tokens, invitation links and office acceptances
 * from one client address are answered 429 with a growing Retry-After once --guess-limit (3
 * here) is reached, and served again when the wait is over (tokens and links: the limit
 * reached and lifted); other addresses, and a valid bearer token from the same address, are
 * not affected. Addresses are 127.0.0.x (all loopback). */
#include "collab_fx.h"
#include "rawclient.h"

#include <unistd.h>

TEST_MAIN_DEFS

static struct server s;
static char office[FX_ID_LEN], tok_office[FX_TOKEN_LEN];

/* One request from address src; the reply into reply. Returns the status. */
static int from(const char *src, const char *method, const char *path, const char *token,
                const char *body, char *reply, size_t cap)
{
  char req[2048], auth[160] = "";
  if (token)
    snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", token);
  int n = snprintf(req, sizeof req,
                   "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s"
                   "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                   method, path, auth, body ? strlen(body) : 0, body ? body : "");
  return raw_request(&s, src, req, (size_t)n, reply, cap, 5000);
}

/* Checks a 429 rate_limited problem and returns its Retry-After in seconds. */
static int check_429(const char *reply, int status)
{
  CHECK_INT(status, 429);
  char ct[64] = "", ra[16] = "0";
  CHECK(raw_header(reply, "Content-Type", ct, sizeof ct));
  CHECK_STR(ct, "application/problem+json");
  CHECK(strstr(reply, "\"code\":\"rate_limited\"") != NULL);
  CHECK(raw_header(reply, "Retry-After", ra, sizeof ra));
  int secs = atoi(ra);
  CHECK_MSG(secs >= 1, "Retry-After '%s'", ra);
  return secs;
}

static void bearer_tokens(void)
{
  char reply[4096];
  const char *a = "127.0.0.2", *bad = "bm90LWEtdG9rZW4tYXQtYWxsLWp1c3QtYS1ndWVzcw";
  for (int i = 0; i < 3; i++)
    CHECK_INT(from(a, "GET", "/v1/me", bad, NULL, reply, sizeof reply), 401);
  int first = check_429(reply, from(a, "GET", "/v1/me", bad, NULL, reply, sizeof reply));
  /* the same address with a valid token, and another address, are served as ever */
  CHECK_INT(from(a, "GET", "/v1/me", tok_office, NULL, reply, sizeof reply), 200);
  CHECK_INT(from("127.0.0.3", "GET", "/v1/me", bad, NULL, reply, sizeof reply), 401);
  CHECK_INT(from("127.0.0.3", "GET", "/v1/me", tok_office, NULL, reply, sizeof reply), 200);
  /* the wait over, a bad token is answered 401 again; the next one waits longer */
  sleep((unsigned)first);
  usleep(100 * 1000);
  CHECK_INT(from(a, "GET", "/v1/me", bad, NULL, reply, sizeof reply), 401);
  int second = check_429(reply, from(a, "GET", "/v1/me", bad, NULL, reply, sizeof reply));
  CHECK_MSG(second > first, "Retry-After %d then %d: not growing", first, second);
  /* a link opened from the waiting address waits too (no lookup while it waits) */
  CHECK_INT(from(a, "GET", "/v1/invitations/abc", NULL, NULL, reply, sizeof reply), 429);
  fprintf(stderr,
          "guessing, bearer tokens (limit 3): 3 x 401, then 429 Retry-After %d s; the same "
          "address with a valid token 200, another address 401/200; after %d s 401 again, then "
          "429 Retry-After %d s\n",
          first, first, second);
}

static void links(void)
{
  char reply[4096], path[128];
  const char *c = "127.0.0.4";
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "/v1/invitations/NoSuchLinkToken%dxxxxxxxxxxxxxxxxxxxxxxxxxx", i);
    CHECK_INT(from(c, "GET", path, NULL, NULL, reply, sizeof reply), 404);
  }
  int wait = check_429(reply, from(c, "GET", path, NULL, NULL, reply, sizeof reply));
  CHECK_INT(from(c, "GET", "/v1/me", tok_office, NULL, reply, sizeof reply), 200);
  CHECK_INT(from("127.0.0.7", "GET", path, NULL, NULL, reply, sizeof reply), 404);
  /* the limit lifts: once the wait is over the link is looked up again (404), and the next
   * failure waits longer */
  CHECK_INT(from(c, "GET", path, NULL, NULL, reply, sizeof reply), 429);
  sleep((unsigned)wait);
  usleep(100 * 1000);
  CHECK_INT(from(c, "GET", path, NULL, NULL, reply, sizeof reply), 404);
  int again = check_429(reply, from(c, "GET", path, NULL, NULL, reply, sizeof reply));
  CHECK_MSG(again > wait, "Retry-After %d then %d: not growing", wait, again);
  fprintf(stderr, "guessing, invitation links: 3 x 404, then 429 Retry-After %d s; the same "
                  "address with a valid bearer token 200, another address 404; after %d s 404 "
                  "again, then 429 Retry-After %d s\n", wait, wait, again);
}

/* Way 4: the company (a subscriber) invites the office; the invitation's id and link token. */
static void office_invitation(const char *corporate_id, const char *name, const char *admin_email,
                              char *id, char *token)
{
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN];
  fx_subscriber(&s, corporate_id, name, "smart", "customer", "3", "2030-06-30", company);
  fx_customer_admin(&s, corporate_id, "Ida Inbjudare", admin_email, cadmin, tok_cadmin);
  struct resp r;
  CHECK(cx_post(&s, "/v1/office-invitations", tok_cadmin, &r,
                "{\"office_corporate_id\":\"556036-0793\"}"));
  CHECK_INT(r.status, 201);
  snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
  struct cx_mail m[4];
  int n = cx_mails(&s, id, m, 4);
  CHECK_INT(n, 1);
  token[0] = '\0';
  if (n >= 1)
    cx_token(&s, &m[0], token);
  cx_mails_free(m, n);
}

static const char *const WRONG = "{\"corporate_id\":\"556036-0793\",\"email\":\"gissning@byra-ett.se\","
                                 "\"terms_version\":\"2026-11\"}";
static const char *const RIGHT = "{\"corporate_id\":\"5560360793\",\"email\":\"info@byra-ett.se\","
                                 "\"terms_version\":\"2026-11\"}";

/* Guesses of the office's identity on the link. */
static void acceptances(void)
{
  char id[FX_ID_LEN], token[SECRET_LINK_TOKEN_LEN], path[160], reply[4096];
  office_invitation("556100-0042", "Inbjudare AB", "ida@inbjudare.se", id, token);
  snprintf(path, sizeof path, "/v1/invitations/%s/accept", token);
  const char *d = "127.0.0.5";
  for (int i = 0; i < 3; i++) {
    CHECK_INT(from(d, "POST", path, NULL, WRONG, reply, sizeof reply), 422);
    CHECK(strstr(reply, "identity_mismatch") != NULL);
  }
  check_429(reply, from(d, "POST", path, NULL, WRONG, reply, sizeof reply));
  /* refused unseen: the invitation's own count of attempts did not move */
  CHECK_INT(cx_count(&s, "SELECT accept_attempts FROM collaborations WHERE id = ?", id), 3);
  CHECK_INT(from("127.0.0.6", "POST", path, NULL, RIGHT, reply, sizeof reply), 200);
  fprintf(stderr, "guessing, link acceptances: 3 x 422 identity_mismatch, then 429 (the "
                  "invitation's attempts stay at 3); the right identity from another address "
                  "200\n");
}

/* Guesses by a logged-in office user (POST /v1/collaborations/{id}/accept) are counted per
 * address and user: a colleague at the same address is not slowed. */
static void acceptances_by_id(void)
{
  char id[FX_ID_LEN], token[SECRET_LINK_TOKEN_LEN], path[160], reply[4096];
  char colleague[FX_ID_LEN], tok_colleague[FX_TOKEN_LEN];
  fx_user(&s, office, "kollega@byra-ett.se", "full", colleague, tok_colleague);
  office_invitation("556100-0059", "Andra Inbjudare AB", "ivar@inbjudare.se", id, token);
  snprintf(path, sizeof path, "/v1/collaborations/%s/accept", id);
  const char *f = "127.0.0.8";
  for (int i = 0; i < 3; i++)
    CHECK_INT(from(f, "POST", path, tok_office, WRONG, reply, sizeof reply), 422);
  check_429(reply, from(f, "POST", path, tok_office, WRONG, reply, sizeof reply));
  CHECK_INT(from(f, "POST", path, tok_colleague, RIGHT, reply, sizeof reply), 200);
  fprintf(stderr, "guessing, acceptances by a logged-in user: 3 x 422, then 429; a colleague "
                  "at the same address 200\n");
}

int main(void)
{
  const char *args[] = {"--guess-limit", "3", NULL};
  const char *env[] = {"ADVISORD_SMTP_URL=", NULL};
  server_start(&s, args, env);
  fx_office(&s, "Byrå Ett AB", "5560360793", "info@byra-ett.se", office, tok_office);
  bearer_tokens();
  links();
  acceptances();
  acceptances_by_id();
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
