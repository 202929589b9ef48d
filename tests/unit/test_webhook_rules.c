/* Unit tests of the webhook rules (domain/webhook.h): every history event has a type and
 * back, which endpoint wants which type, what each answer means, the backoff's bounds and
 * growth, the URLs accepted, and which addresses count as inside. Also the signature header
 * (mail/webhook_send.c) against an HMAC computed here independently. */
#include "domain/collab.h"
#include "domain/webhook.h"
#include "testlib.h"
#include "webhook_send.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>

TEST_MAIN_DEFS

static void check_types(void)
{
  for (int ev = 0; ev < COLLAB_EVENT__COUNT; ev++) {
    const char *type = webhook_event_type(collab_event_str((enum collab_event)ev));
    CHECK_MSG(type && webhook_event_type_known(type), "history event %s has no type",
              collab_event_str((enum collab_event)ev));
  }
  size_t n = 0;
  while (webhook_event_type_at(n))
    n++;
  CHECK_INT(n, COLLAB_EVENT__COUNT);
  CHECK(webhook_event_type("nonsense") == NULL);
  CHECK(!webhook_event_type_known(WEBHOOK_PING));
  CHECK(!webhook_event_type_known("collaboration."));
}

static void check_match(void)
{
  const char *list = ",collaboration.approved,collaboration.ended,";
  CHECK(webhook_events_match(list, "collaboration.approved"));
  CHECK(webhook_events_match(list, "collaboration.ended"));
  CHECK(!webhook_events_match(list, "collaboration.invited"));
  CHECK(!webhook_events_match(",collaboration.task_changed,", "collaboration.task"));
  CHECK(!webhook_events_match(",xcollaboration.ended,", "collaboration.ended"));
  CHECK(webhook_events_match("*", "collaboration.invited"));
  CHECK(webhook_events_match(list, WEBHOOK_PING)); /* a ping always goes */
}

static void check_classify(void)
{
  static const struct {
    long status;
    bool transport;
    enum webhook_outcome want;
  } cases[] = {
      {200, false, WEBHOOK_DELIVERED}, {204, false, WEBHOOK_DELIVERED},
      {299, false, WEBHOOK_DELIVERED}, {0, true, WEBHOOK_RETRY},
      {500, false, WEBHOOK_RETRY},     {503, false, WEBHOOK_RETRY},
      {408, false, WEBHOOK_RETRY},     {429, false, WEBHOOK_RETRY},
      {410, false, WEBHOOK_GONE},      {301, false, WEBHOOK_REFUSED},
      {302, false, WEBHOOK_REFUSED},   {400, false, WEBHOOK_REFUSED},
      {404, false, WEBHOOK_REFUSED},   {100, false, WEBHOOK_REFUSED},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    CHECK_MSG(webhook_classify(cases[i].status, cases[i].transport) == cases[i].want,
              "status %ld", cases[i].status);
}

static void check_backoff(void)
{
  int64_t prev_max = 0;
  for (int attempts = 1; attempts <= 40; attempts++) {
    int64_t lo = webhook_backoff_ms(attempts, 1000, 3600000, 0);
    int64_t hi = webhook_backoff_ms(attempts, 1000, 3600000, UINT32_MAX);
    CHECK(lo >= 500 && hi <= 3600000 && lo <= hi);
    CHECK(hi >= prev_max); /* it never shrinks */
    prev_max = hi;
  }
  CHECK_INT(webhook_backoff_ms(1, 1000, 3600000, 0), 500);      /* half of it random */
  CHECK_INT(webhook_backoff_ms(3, 1000, 3600000, 0), 2000);     /* doubled per failure */
  CHECK_INT(webhook_backoff_ms(40, 1000, 3600000, 0), 1800000); /* at most the maximum */
  CHECK(webhook_backoff_ms(2, 1000, 3600000, 7) != webhook_backoff_ms(2, 1000, 3600000, 8));
}

static void check_urls(void)
{
  char why[160];
  CHECK(webhook_url_check("https://example.com/hooks", false, why, sizeof why));
  CHECK(webhook_url_check("https://example.com:8443/h?x=1", false, why, sizeof why));
  CHECK(!webhook_url_check("http://example.com/hooks", false, why, sizeof why));
  CHECK(strstr(why, "https"));
  CHECK(webhook_url_check("http://127.0.0.1:9/hooks", true, why, sizeof why));
  CHECK(!webhook_url_check("ftp://example.com/", true, why, sizeof why));
  CHECK(!webhook_url_check("https:///nohost", false, why, sizeof why));
  CHECK(!webhook_url_check("https://user:pw@example.com/", false, why, sizeof why));
  CHECK(strstr(why, "user name"));
  CHECK(!webhook_url_check("https://example.com/#frag", false, why, sizeof why));
  CHECK(!webhook_url_check("https://example.com/a b", false, why, sizeof why));
}

static void check_addresses(void)
{
  static const struct {
    unsigned char a[4];
    bool internal;
  } v4[] = {{{127, 0, 0, 1}, true},      {{10, 1, 2, 3}, true},     {{172, 16, 0, 1}, true},
            {{172, 31, 255, 1}, true},   {{172, 32, 0, 1}, false},  {{192, 168, 1, 1}, true},
            {{169, 254, 169, 254}, true}, {{0, 0, 0, 0}, true},     {{100, 64, 0, 1}, true},
            {{224, 0, 0, 1}, true},      {{255, 255, 255, 255}, true}, {{8, 8, 8, 8}, false},
            {{93, 184, 216, 34}, false}};
  for (size_t i = 0; i < sizeof v4 / sizeof v4[0]; i++)
    CHECK_MSG(webhook_address_internal(v4[i].a, 4) == v4[i].internal, "%d.%d.%d.%d",
              v4[i].a[0], v4[i].a[1], v4[i].a[2], v4[i].a[3]);
  unsigned char loop6[16] = {0}, any6[16] = {0}, mapped[16] = {0}, ll[16] = {0xfe, 0x80};
  unsigned char ula[16] = {0xfd, 0x12}, pub[16] = {0x2a, 0x00, 0x14, 0x50};
  loop6[15] = 1;
  mapped[10] = mapped[11] = 0xff;
  mapped[12] = 127;
  mapped[15] = 1;
  CHECK(webhook_address_internal(loop6, 16));
  CHECK(webhook_address_internal(any6, 16));
  CHECK(webhook_address_internal(mapped, 16));
  CHECK(webhook_address_internal(ll, 16));
  CHECK(webhook_address_internal(ula, 16));
  CHECK(!webhook_address_internal(pub, 16));
}

static void check_signature(void)
{
  const char *secrets[] = {"whsec_new", "whsec_old"};
  char sig[300];
  webhook_signature(secrets, 1767225600, "{\"a\":1}", sig, sizeof sig);
  unsigned char mac[32];
  unsigned n = 0;
  char want[200] = "t=1767225600";
  for (int k = 0; k < 2; k++) {
    const char *msg = "1767225600.{\"a\":1}";
    HMAC(EVP_sha256(), secrets[k], (int)strlen(secrets[k]), (const unsigned char *)msg,
         strlen(msg), mac, &n);
    strcat(want, ",v1=");
    for (unsigned i = 0; i < n; i++)
      sprintf(want + strlen(want), "%02x", mac[i]);
  }
  CHECK_STR(sig, want);
  const char *one[] = {"whsec_new", NULL};
  webhook_signature(one, 1767225600, "{\"a\":1}", sig, sizeof sig);
  CHECK_INT(strlen(sig), strlen("t=1767225600,v1=") + 64);
}

int main(void)
{
  check_types();
  check_match();
  check_classify();
  check_backoff();
  check_urls();
  check_addresses();
  check_signature();
  return TEST_REPORT();
}
