/* mail_template.h - the texts of every e-mail advisord sends, in Swedish (the default) and
 * English, rendered from an outbox row's template name, language and JSON data. Pure code:
 * no I/O; the invitation token is derived from the server secret here (secret_token) so that
 * the database never holds it. The templates, with the data members each requires, are in
 * src/mail/texts_customer.c and texts_office.c; the placeholders and line conditions they
 * may use are described in src/mail/template.c. */
#ifndef ADVISORD_MAIL_TEMPLATE_H
#define ADVISORD_MAIL_TEMPLATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "secret.h"

struct mail_render_ctx {
  const char *public_url;      /* base of links, e.g. "https://advisor.example.com" */
  const struct secret *secret; /* derives invitation tokens from data.token_nonce */
  const char *variant_name;    /* display name of data.variant ("Visma eEkonomi Smart"), the
                                  fallback for rows whose data has no variant_name; NULL: the
                                  code itself is shown */
};

struct mail_rendered {
  char *subject; /* UTF-8, one line; malloc'd */
  char *body;    /* UTF-8 text, \n line ends; malloc'd */
};

/* Renders template `name` in `language` ("en" for English; anything else is Swedish) with
 * data (a JSON object). On success fills out (free with mail_rendered_free) and returns true.
 * Returns false with a reason in why (naming the data member) for an unknown template, a
 * missing or unusable data member, or no memory. Borrows data and ctx. */
bool mail_template_render(const char *name, const char *language, json_t *data,
                          const struct mail_render_ctx *ctx, struct mail_rendered *out,
                          char *why, size_t why_len);
void mail_rendered_free(struct mail_rendered *r);

/* True when name is a template this build can render. */
bool mail_template_known(const char *name);

/* The invitation link <public_url>/v1/invitations/<token> for a nonce into out; false when it
 * does not fit. */
bool mail_invitation_link(const struct mail_render_ctx *ctx, const char *nonce, char *out,
                          size_t len);

/* The sign-in link <public_url>/sign-in#token=<token> for a nonce into out (the token is
 * secret_token(secret, "sign-in", nonce)); false when it does not fit. */
bool mail_sign_in_link(const struct mail_render_ctx *ctx, const char *nonce, char *out,
                       size_t len);

#endif
