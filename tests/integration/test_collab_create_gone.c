/* A client that leaves while its activation waits for its commit (the connection suspended,
 * http/later.c): when the write is refused, its Idempotency-Key is let go at the request's
 * end, so that the client's retry with the same key gets the refusal itself, not 409
 * idempotency_key_in_use for minutes. The client here sends its request and half-closes its
 * side (shutdown SHUT_WR), which libmicrohttpd 0.9.75 treats as gone once the connection is
 * resumed. */
#include "collab_fx.h"
#include "load_fx.h"
#include "rawclient.h"

#include <poll.h>
#include <sys/socket.h>

TEST_MAIN_DEFS

static struct server s;

/* Sends req on a new connection, half-closes it and reads until the server closes or 3 s
 * pass; returns the bytes read. */
static int send_half_closed(const char *req, size_t len)
{
  char out[8192];
  int fd = raw_connect(&s, NULL, false);
  CHECK(fd >= 0);
  if (fd < 0)
    return -1;
  CHECK(write(fd, req, len) == (ssize_t)len);
  shutdown(fd, SHUT_WR);
  size_t n = 0;
  for (;;) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 3000) <= 0)
      break;
    ssize_t k = read(fd, out + n, sizeof out - 1 - n);
    if (k <= 0)
      break;
    n += (size_t)k;
  }
  close(fd);
  return (int)n;
}

int main(void)
{
  const char *args[] = {"--threads", "1", "--collaboration-create-limit", "0", NULL};
  server_start(&s, args, NULL);
  char office[FX_ID_LEN], tok[FX_TOKEN_LEN], cid[12], customer[FX_ID_LEN], task[FX_ID_LEN];
  fx_office(&s, "Byrå Halv AB", "5560360793", "info@byra-halv.se", office, tok);
  load_corporate_id("559", 1, cid);
  cx_customer(&s, tok, cid, "Halv AB", "kund@example.se", customer);
  cx_task(&s, tok, customer, "Bokslut", task);
  char body[400], path[160], req[1600];
  int blen = snprintf(body, sizeof body,
                      "{\"task_id\":\"%s\",\"variant\":\"start\",\"invoice_recipient\":"
                      "\"customer\",\"agreement_period_months\":3,\"administrator\":{\"name\":"
                      "\"Gunnar\",\"email\":\"gunnar@example.se\",\"phone\":"
                      "\"+46 70 555 12 34\"}}", task);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
  struct resp r;
  CHECK(api(&s, "POST", path, tok, body, &r)); /* the first: an open collaboration now exists */
  CHECK_INT(r.status, 201);
  resp_free(&r);

  /* the same activation again with a key, refused in its transaction; the client is gone */
  int rlen = snprintf(req, sizeof req,
                      "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                      "Content-Type: application/json\r\nIdempotency-Key: gone-1\r\n"
                      "Content-Length: %d\r\n\r\n%s", path, tok, blen, body);
  send_half_closed(req, (size_t)rlen);
  /* the retry with the same key: the refusal, as if the first try had never been made */
  const char *hdrs[] = {"Idempotency-Key: gone-1", "Content-Type: application/json", NULL};
  int64_t until = util_mono_ms() + 5000;
  for (;;) { /* the request's end (where the key is let go) follows the close within moments */
    CHECK(api_with(&s, "POST", path, tok, body, hdrs, &r));
    bool in_use = r.status == 409 && resp_str(&r, "code") &&
                  strcmp(resp_str(&r, "code"), "idempotency_key_in_use") == 0;
    if (!in_use || util_mono_ms() >= until)
      break;
    resp_free(&r);
    usleep(50 * 1000);
  }
  CHECK_INT(r.status, 409);
  CHECK_MSG(resp_str(&r, "code") && strcmp(resp_str(&r, "code"), "open_collaboration_exists") == 0,
            "the retry got %ld %s", r.status, resp_str(&r, "code") ? resp_str(&r, "code") : "");
  resp_free(&r);
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
