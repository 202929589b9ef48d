/* log.h - structured logging: one JSON object per line on stderr. */
#ifndef ADVISORD_LOG_H
#define ADVISORD_LOG_H

#include <jansson.h>
#include <stdbool.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level min);
/* True when a line of this level is written (to skip building one that would not be). */
bool log_enabled(enum log_level level);
/* Writes {"ts","level","event", ...fields}. Steals the reference to fields (may be NULL). */
void log_json(enum log_level level, const char *event, json_t *fields);
/* Writes {"ts","level","event","msg"} with a printf-style message. */
void log_msg(enum log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
