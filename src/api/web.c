/* web.c - the web app and the contract, served from files built into the binary (embed.h):
 * the app's pages (one shell; the JavaScript reads the path), its assets under /assets/,
 * GET /openapi.yaml and /openapi.json, and /docs (Redoc rendering /openapi.json). Each answer
 * carries an ETag (If-None-Match gives 304), Cache-Control: no-cache (always revalidated, so
 * a new binary's files are seen at once) and a Content-Security-Policy that the pages keep. */
#include "embed.h"
#include "handlers.h"

#include <string.h>

/* The app: only its own scripts, styles and API; nothing inline, no frames, no referrer
 * (the invitation and sign-in tokens are in the fragment, which is never sent anyway). */
static const char app_csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
/* Redoc writes its styles into <style> elements and runs its search in a blob: worker. */
static const char docs_csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src blob:; "
    "base-uri 'none'; frame-ancestors 'none'";

static enum MHD_Result send_file(struct request *req, const struct embed_file *f,
                                 const char *csp)
{
  http_add_header(req, "X-Content-Type-Options", "nosniff");
  http_add_header(req, "Referrer-Policy", "no-referrer");
  if (csp)
    http_add_header(req, "Content-Security-Policy", csp);
  /* reply_static answers 304 when If-None-Match names the ETag */
  return reply_static(req, 200, f->data, f->len, f->content_type, f->etag, "no-cache");
}

static enum MHD_Result send_named(struct request *req, const char *name, const char *csp)
{
  const struct embed_file *f = embed_find(embed_web, embed_web_count, name);
  if (!f) /* every name used here is in the table that CMakeLists.txt builds */
    return reply_problem(req, ERR_INTERNAL, "The file %s is missing from this build", name);
  return send_file(req, f, csp);
}

enum MHD_Result api_web_page(struct request *req)
{
  return send_named(req, "index.html", app_csp);
}

enum MHD_Result api_web_asset(struct request *req)
{
  const char *name = http_param(req, "name");
  const struct embed_file *f = embed_find(embed_web, embed_web_count, name);
  if (!f)
    return reply_problem(req, ERR_ROUTE_NOT_FOUND, "No file /assets/%s", name);
  return send_file(req, f, strcmp(name, "docs.html") == 0 ? docs_csp : app_csp);
}

enum MHD_Result api_openapi_yaml(struct request *req)
{
  return send_named(req, "openapi.yaml", NULL);
}

enum MHD_Result api_openapi_json(struct request *req)
{
  return send_named(req, "openapi.json", NULL);
}

enum MHD_Result api_docs(struct request *req)
{
  return send_named(req, "docs.html", docs_csp);
}
