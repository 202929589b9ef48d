/* common.c - answers shared by every resource handler. */
#include "api.h"

enum MHD_Result api_store_failure(struct request *req, enum store_status st, const char *what)
{
  switch (st) {
  case STORE_NOT_FOUND:
    return reply_problem(req, ERR_NOT_FOUND, "No such %s", what);
  case STORE_CONFLICT:
    return reply_problem(req, ERR_CONFLICT, "The %s conflicts with an existing one", what);
  case STORE_BUSY:
    return reply_problem(req, ERR_UNAVAILABLE, "The database is busy; try again shortly");
  default:
    return reply_problem(req, ERR_INTERNAL, "The request could not be completed");
  }
}
