/* links.c - the links the e-mails carry (see mail_template.h): the invitation's and the
 * sign-in's, each with its token derived from the server's secret and the row's nonce. */
#include "mail_template.h"

#include <stdio.h>
#include <string.h>

bool mail_invitation_link(const struct mail_render_ctx *ctx, const char *nonce, char *out,
                          size_t len)
{
  char token[SECRET_LINK_TOKEN_LEN];
  secret_link_token(ctx->secret, nonce, token);
  const char *base = ctx->public_url ? ctx->public_url : "";
  size_t bl = strlen(base);
  while (bl > 0 && base[bl - 1] == '/')
    bl--;
  /* The web app's page; the token in the fragment, which browsers never send (no access log
   * or Referer sees it). The page reads the invitation from /v1/invitations/{token}. */
  int n = snprintf(out, len, "%.*s/invitation#token=%s", (int)bl, base, token);
  return n > 0 && (size_t)n < len;
}

bool mail_sign_in_link(const struct mail_render_ctx *ctx, const char *nonce, char *out,
                       size_t len)
{
  char token[SECRET_TOKEN_LEN];
  secret_token(ctx->secret, "sign-in", nonce, token);
  const char *base = ctx->public_url ? ctx->public_url : "";
  size_t bl = strlen(base);
  while (bl > 0 && base[bl - 1] == '/')
    bl--;
  /* A fragment: the browser never sends it, so no access log or proxy sees the token. */
  int n = snprintf(out, len, "%.*s/sign-in#token=%s", (int)bl, base, token);
  return n > 0 && (size_t)n < len;
}
