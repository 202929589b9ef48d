/* Integration test of races on the single-use and last-one rules: 20 concurrent uses of one
 * sign-in link make exactly one session (the others 410); two users with full rights who
 * demote or remove each other at the same time leave the office with one user with full
 * rights (one wins, the other gets 409), every round of 10. */
#include "signin_fx.h"

#include <pthread.h>

TEST_MAIN_DEFS

#define RACERS 20

static struct server s;
static pthread_barrier_t start_line;

struct racer {
  const char *method, *path, *token, *body;
  long status;
};

static void *race(void *arg)
{
  struct racer *rc = arg;
  pthread_barrier_wait(&start_line);
  struct resp r;
  rc->status = api(&s, rc->method, rc->path, rc->token, rc->body, &r) ? r.status : -1;
  resp_free(&r);
  return NULL;
}

static void run(struct racer *racers, int n)
{
  pthread_t th[RACERS];
  pthread_barrier_init(&start_line, NULL, (unsigned)n);
  for (int i = 0; i < n; i++)
    pthread_create(&th[i], NULL, race, &racers[i]);
  for (int i = 0; i < n; i++)
    pthread_join(th[i], NULL);
  pthread_barrier_destroy(&start_line);
}

static void test_link_race(void)
{
  CHECK_INT(sx_ask(&s, "info@byra-ett.se", NULL), 202);
  char token[64], body[120];
  CHECK(sx_link_token(&s, "info@byra-ett.se", token));
  snprintf(body, sizeof body, "{\"token\":\"%s\"}", token);
  struct racer racers[RACERS];
  for (int i = 0; i < RACERS; i++)
    racers[i] = (struct racer){"POST", "/v1/sessions", NULL, body, 0};
  run(racers, RACERS);
  int won = 0, gone = 0;
  for (int i = 0; i < RACERS; i++)
    won += racers[i].status == 201, gone += racers[i].status == 410;
  printf("# one link, %d at once: %d sessions, %d refused (410)\n", RACERS, won, gone);
  CHECK_INT(won, 1);
  CHECK_INT(gone, RACERS - 1);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM sessions", NULL), 1);
}

static void test_last_full_user_race(const char *office, char *tok_a)
{
  for (int round = 0; round < 10; round++) {
    char email[64], b_id[FX_ID_LEN], tok_b[FX_TOKEN_LEN], a_id[FX_ID_LEN];
    snprintf(email, sizeof email, "b%d@byra-ett.se", round);
    fx_user(&s, office, email, "full", b_id, tok_b);
    struct resp r;
    CHECK(api(&s, "GET", "/v1/me", tok_a, NULL, &r));
    snprintf(a_id, sizeof a_id, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
    resp_free(&r);
    char path_a[80], path_b[80];
    snprintf(path_a, sizeof path_a, "/v1/users/%s", a_id);
    snprintf(path_b, sizeof path_b, "/v1/users/%s", b_id);
    /* a demotes b while b removes a (odd rounds: both demote) */
    struct racer racers[2] = {{"PATCH", path_b, tok_a, "{\"role\":\"limited\"}", 0},
                              {round % 2 ? "PATCH" : "DELETE", path_a, tok_b,
                               round % 2 ? "{\"role\":\"limited\"}" : NULL, 0}};
    run(racers, 2);
    int ok = 0, conflict = 0;
    for (int i = 0; i < 2; i++)
      ok += racers[i].status == 200 || racers[i].status == 204,
          conflict += racers[i].status == 409 || racers[i].status == 401 ||
                      racers[i].status == 403;
    CHECK_MSG(ok == 1 && conflict == 1, "round %d: %ld and %ld", round, racers[0].status,
              racers[1].status);
    CHECK_INT(cx_count(&s, "SELECT count(*) FROM office_users WHERE role = 'full' AND "
                           "office_id = ?", office), 1);
    /* The next round starts from the winner (the one with full rights); the loser goes. */
    if (racers[0].status != 200)
      snprintf(tok_a, FX_TOKEN_LEN, "%s", tok_b);
    CHECK(api(&s, "DELETE", racers[0].status == 200 ? path_b : path_a, tok_a, NULL, &r));
    CHECK(r.status == 204 || r.status == 404);
    resp_free(&r);
  }
}

int main(void)
{
  server_start(&s, NULL, NULL);
  char office[FX_ID_LEN], tok[FX_TOKEN_LEN];
  fx_office(&s, "Byrå Ett AB", "5560360793", "info@byra-ett.se", office, tok);
  test_link_race();
  test_last_full_user_race(office, tok);
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
