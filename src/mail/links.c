/* links.c - the links the e-mails carry (see mail_template.h): the invitation's and the
 * sign-in's, each with its token derived from the server's secret and the row's nonce. */
#include "mail_template.h"

#include <stdio.h>
#include <string.h>

/* public_url (without trailing slashes) + page + "#token=" + token into out. The token goes in
 * the fragment, which browsers never send: no access log, proxy or Referer sees it. */
static bool page_link(const struct mail_render_ctx *ctx, const char *page, const char *token,
                      char *out, size_t len)
{
  const char *base = ctx->public_url ? ctx->public_url : "";
  size_t bl = strlen(base);
  while (bl > 0 && base[bl - 1] == '/')
    bl--;
  int n = snprintf(out, len, "%.*s/%s#token=%s", (int)bl, base, page, token);
  return n > 0 && (size_t)n < len;
}

bool mail_invitation_link(const struct mail_render_ctx *ctx, const char *nonce, char *out,
                          size_t len)
{
  char token[SECRET_LINK_TOKEN_LEN];
  secret_link_token(ctx->secret, nonce, token);
  /* The web app's page reads the invitation from /v1/invitations/{token}. */
  return page_link(ctx, "invitation", token, out, len);
}

bool mail_sign_in_link(const struct mail_render_ctx *ctx, const char *nonce, char *out,
                       size_t len)
{
  char token[SECRET_TOKEN_LEN];
  secret_token(ctx->secret, "sign-in", nonce, token);
  return page_link(ctx, "sign-in", token, out, len);
}
