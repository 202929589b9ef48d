/* embed.h - files built into the binary by cmake/embed_files.cmake (migrations, the web app's
 * assets, the contract): one table per set, each row a file. Everything here is static data;
 * nothing is ever freed. */
#ifndef ADVISORD_EMBED_H
#define ADVISORD_EMBED_H

#include <stddef.h>

struct embed_file {
  const char *path;                /* the name it is served or looked up by */
  const char *content_type;        /* from the file's extension */
  const unsigned char *data;       /* len bytes, then a NUL (a text file is a C string) */
  size_t len;
  const char *etag;                /* "\"<32 hex digits of its SHA-256>\"" */
};

/* The row of table (n rows) whose path is path, NULL when none. */
const struct embed_file *embed_find(const struct embed_file *table, size_t n, const char *path);

/* The web app's assets (src/web/, served under /assets/ and as pages), the contract
 * (openapi.yaml, openapi.json made from it at build time) and the /docs renderer. */
extern const struct embed_file embed_web[];
extern const size_t embed_web_count;

#endif
