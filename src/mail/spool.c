/* spool.c - the embedded default transport: each message as <spool>/<outbox id>.eml, written
 * to a temporary file, flushed and renamed so that a reader never sees half a message. */
#include "mail_transport.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Creates dir and its parents (mode 0750) when missing. */
static bool make_dirs(const char *dir)
{
  char buf[4096];
  if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf) {
    errno = ENAMETOOLONG;
    return false;
  }
  for (char *p = buf + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      if (mkdir(buf, 0750) != 0 && errno != EEXIST)
        return false;
      *p = '/';
    }
  return mkdir(buf, 0750) == 0 || errno == EEXIST;
}

bool mail_spool_write(const char *dir, const char *id, const char *msg, char *why, size_t len)
{
  if (!util_is_uuid(id)) {
    snprintf(why, len, "spool: '%.40s' is not an outbox id", id);
    return false;
  }
  char tmp[4200], final[4200];
  snprintf(tmp, sizeof tmp, "%s/.%s.eml.tmp", dir, id);
  snprintf(final, sizeof final, "%s/%s.eml", dir, id);
  if (!make_dirs(dir)) {
    snprintf(why, len, "spool: cannot create %s: %s", dir, strerror(errno));
    return false;
  }
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) {
    snprintf(why, len, "spool: cannot create %s: %s", tmp, strerror(errno));
    return false;
  }
  size_t total = strlen(msg), done = 0;
  while (done < total) {
    ssize_t n = write(fd, msg + done, total - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    done += (size_t)n;
  }
  int err = done == total ? 0 : errno ? errno : EIO;
  if (!err && fsync(fd) != 0)
    err = errno;
  if (close(fd) != 0 && !err)
    err = errno;
  if (!err && rename(tmp, final) != 0)
    err = errno;
  if (err) {
    snprintf(why, len, "spool: cannot write %s: %s", final, strerror(err));
    unlink(tmp);
    return false;
  }
  return true;
}
