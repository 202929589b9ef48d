/* link.c - the Link header of a list page (RFC 8288): the same path and query with the next
 * page's cursor, so a client follows rel="next" without building URLs itself. */
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes s percent-encoded (RFC 3986 unreserved characters as they are; '/' too when
 * keep_slash). */
static void put_encoded(FILE *f, const char *s, bool keep_slash)
{
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
        strchr("-._~", *p) || (keep_slash && *p == '/'))
      fputc(*p, f);
    else
      fprintf(f, "%%%02X", *p);
  }
}

struct query_walk {
  FILE *f;
  const char *skip;
  bool first;
};

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
  (void)kind;
  struct query_walk *w = cls;
  if (strcmp(key, w->skip) == 0)
    return MHD_YES;
  fputc(w->first ? '?' : '&', w->f);
  w->first = false;
  put_encoded(w->f, key, false);
  if (value) {
    fputc('=', w->f);
    put_encoded(w->f, value, false);
  }
  return MHD_YES;
}

void http_link_next(struct request *req, const char *name, const char *value)
{
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f)
    return;
  fputc('<', f);
  put_encoded(f, req->path, true);
  struct query_walk w = {f, name, true};
  MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, add_arg, &w);
  fputc(w.first ? '?' : '&', f);
  put_encoded(f, name, false);
  fputc('=', f);
  put_encoded(f, value, false);
  fputs(">; rel=\"next\"", f);
  if (fclose(f) == 0)
    http_add_header(req, "Link", text);
  free(text);
}
