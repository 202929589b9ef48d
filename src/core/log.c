/* log.c - JSON-lines logger on stderr; each line is written with one stdio call so that
 * lines from different threads never interleave. A log file replaces descriptor 2 itself
 * (dup2 is atomic, stderr is unbuffered): a line is written whole to the old file or the new
 * one, never lost, and libmicrohttpd's or a sanitizer's words land in the same file. */
#include "log.h"
#include "util.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static enum log_level min_level = LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level min) { min_level = min; }

bool log_to_file(const char *path)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0)
    return false;
  fflush(stderr);
  bool ok = dup2(fd, STDERR_FILENO) == STDERR_FILENO;
  close(fd);
  return ok;
}

bool log_enabled(enum log_level level) { return level >= min_level; }

void log_json(enum log_level level, const char *event, json_t *fields)
{
  if (level < min_level) {
    json_decref(fields);
    return;
  }
  char ts[40];
  util_now_iso8601(ts, sizeof ts);
  json_t *line = json_pack("{s:s, s:s, s:s}", "ts", ts, "level", level_names[level],
                           "event", event);
  if (line && fields)
    json_object_update(line, fields);
  json_decref(fields);
  char *text = line ? json_dumps(line, JSON_COMPACT) : NULL;
  json_decref(line);
  if (text) {
    fprintf(stderr, "%s\n", text);
    free(text);
  }
}

void log_json_text(enum log_level level, const char *event, const char *members, size_t len)
{
  if (level < min_level)
    return;
  char ts[40];
  util_now_iso8601(ts, sizeof ts);
  /* what log_json writes for the same fields, in one stdio call */
  fprintf(stderr, "{\"ts\":\"%s\",\"level\":\"%s\",\"event\":\"%s\"%s%.*s}\n", ts,
          level_names[level], event, len ? "," : "", (int)len, members);
}

void log_msg(enum log_level level, const char *event, const char *fmt, ...)
{
  if (level < min_level)
    return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  log_json(level, event, json_pack("{s:s}", "msg", msg));
}
