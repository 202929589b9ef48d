/* rawclient.h - HTTP over plain sockets for tests that need what libcurl hides: a chosen source
 * address (127.0.0.x, all loopback on Linux), half-sent requests, malformed framing. */
#ifndef ADVISORD_TEST_RAWCLIENT_H
#define ADVISORD_TEST_RAWCLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "harness.h"

/* A blocking TCP connection to the server from source address src (NULL: any). Returns the
 * descriptor, or -1. With nonblock the connect is started and not waited for. */
int raw_connect(const struct server *s, const char *src, bool nonblock);
/* Sends len bytes of request from src, then reads the reply until the server closes or
 * timeout_ms passes, into out (NUL-terminated, truncated to cap). Returns the status code
 * of the reply, 0 when none came. */
int raw_request(const struct server *s, const char *src, const char *request, size_t len,
                char *out, size_t cap, int timeout_ms);
/* The value of header name (case-insensitive) in a raw reply, into buf; false when absent. */
bool raw_header(const char *reply, const char *name, char *buf, size_t len);
/* Milliseconds on the monotonic clock. */
double raw_now_ms(void);

#endif
