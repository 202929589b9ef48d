/* testlib.h - a minimal test framework: CHECK records a failure and goes on; the test binary
 * exits non-zero when any check failed. */
#ifndef ADVISORD_TESTLIB_H
#define ADVISORD_TESTLIB_H

#include <stdio.h>
#include <string.h>

extern int test_failures;
extern int test_checks;

#define CHECK(cond)                                                                  \
  do {                                                                               \
    test_checks++;                                                                   \
    if (!(cond)) {                                                                   \
      test_failures++;                                                               \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);       \
    }                                                                                \
  } while (0)

#define CHECK_MSG(cond, ...)                                                         \
  do {                                                                               \
    test_checks++;                                                                   \
    if (!(cond)) {                                                                   \
      test_failures++;                                                               \
      fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);       \
      fprintf(stderr, __VA_ARGS__);                                                  \
      fputc('\n', stderr);                                                           \
    }                                                                                \
  } while (0)

#define CHECK_STR(a, b)                                                              \
  do {                                                                               \
    const char *a_ = (a), *b_ = (b);                                                 \
    CHECK_MSG(a_ && b_ && strcmp(a_, b_) == 0, "'%s' != '%s'", a_ ? a_ : "(null)",   \
              b_ ? b_ : "(null)");                                                   \
  } while (0)

#define CHECK_INT(a, b)                                                              \
  do {                                                                               \
    long long a_ = (long long)(a), b_ = (long long)(b);                              \
    CHECK_MSG(a_ == b_, "%lld != %lld", a_, b_);                                     \
  } while (0)

#define TEST_MAIN_DEFS \
  int test_failures = 0; \
  int test_checks = 0;

#define TEST_REPORT()                                                                \
  (fprintf(stderr, "%d checks, %d failed\n", test_checks, test_failures),            \
   test_failures ? 1 : 0)

#endif
