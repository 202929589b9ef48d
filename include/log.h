/* log.h - structured logging: one JSON object per line on stderr, or in a file that stands in
 * for stderr (--log-file) and is opened again on SIGHUP (after logrotate moved it). */
#ifndef ADVISORD_LOG_H
#define ADVISORD_LOG_H

#include <jansson.h>
#include <stdbool.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level min);
/* From now on stderr (the log lines, and whatever else the process writes there) goes to the
 * end of path, created 0640 when missing. Calling it again with the same path opens the file
 * anew: a moved (rotated) file keeps what it has and new lines go to a new file at path.
 * False with errno set when the file cannot be opened (stderr is unchanged). */
bool log_to_file(const char *path);
/* True when a line of this level is written (to skip building one that would not be). */
bool log_enabled(enum log_level level);
/* Writes {"ts","level","event", ...fields}. Steals the reference to fields (may be NULL). */
void log_json(enum log_level level, const char *event, json_t *fields);
/* Writes the same line with its fields already JSON text: members (len bytes) are an object's
 * members without its braces ("\"k\":1,\"m\":\"v\""), event a name that needs no escape. */
void log_json_text(enum log_level level, const char *event, const char *members, size_t len);
/* Writes {"ts","level","event","msg"} with a printf-style message. */
void log_msg(enum log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
