/* sqlite_walbuf.c - a VFS over SQLite's default one for the store's writer connection: a
 * commit's WAL frames reach the file in a few large writes instead of two per frame.
 *
 * SQLite writes each WAL frame with two pwrite calls, its 24-byte header and then its page, so
 * a group commit of 10 activations (about 75 frames) made 150 system calls, each taking the
 * file's lock and updating its times (perf of the activation load: pwrite64 was a fifth of the
 * writer thread's samples). This VFS gathers the frames appended at the log's end in memory
 * and writes them (in writes of up to 124 KiB) when the commit frame's page arrives: the
 * commit frame is the last frame of a transaction that SQLite writes before it publishes the
 * new frames in the WAL index (shared memory), so every frame a reader may look for is in the
 * file by then, and a write is acknowledged after its COMMIT returned, so after the file
 * holds it: a kill -9 loses nothing the default VFS would have kept (synchronous=NORMAL syncs
 * the WAL only at checkpoints, and xSync writes what is gathered first).
 *
 * Only appends are gathered (a write at the log's end, as far as this file saw it: the WAL
 * header at offset 0 starts the log again), and only whole frames: a page is gathered only
 * after its header was. That end is a guess: another connection, perhaps another process (the
 * CLI writes while the server runs), may have appended frames since this file last wrote, so
 * the next frame's header goes past the guess, at once, and its page then lands at the new
 * guess; gathered alone, the page of a commit frame (a transaction of one frame) would wait
 * for a commit header that was never seen and be dropped with the transaction's end: the log
 * then said the frame was committed, and the database read another page's bytes for it
 * (it_test_batch: "database disk image is malformed"). SQLite also writes inside the log: a
 * frame written again in the same transaction, the checksums rewritten after such a frame (frame
 * headers only, the commit frame's among them, after the commit frame): those go to the file
 * at once, after what is gathered. Anything else done with the file (read, sync, truncate,
 * size, locks, controls) first writes what is gathered. Frames still gathered when a
 * transaction ends belong to one that did not commit (it spilled pages, then rolled back):
 * the writer drops them after each transaction (sq_walbuf_drop), before another connection,
 * perhaps another process, may write the log where they would have gone; a close drops them
 * too. Every other file (database, journals) is the default VFS's own file, untouched. */
#include "sqlite_engine.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define FRAME_HDR 24           /* a WAL frame's header (SQLite's file format) */
#define WAL_HDR 32             /* the WAL file's header */
#define GATHER_MAX (4 << 20)   /* past it, a transaction's frames go out in several writes */
#define WRITE_MAX (31 * 4096)  /* one write of the default VFS: below 128 KiB (flush) */

struct wal_file {
  sqlite3_file base;           /* first: SQLite's handle; pMethods = walbuf_methods */
  sqlite3_file *real;          /* the default VFS's file, in the same allocation after this */
  unsigned char *buf;          /* gathered bytes for offsets [at, at + len); owned, malloc'd */
  sqlite3_int64 at;
  size_t len, cap;
  sqlite3_int64 end;           /* where the log ends as written through this file; -1: unknown */
  bool commit_hdr;             /* the last append was a commit frame's header */
};

static sqlite3_vfs *base_vfs;  /* the default VFS */
static sqlite3_vfs walbuf_vfs;

static sqlite3_file *real_of(sqlite3_file *f) { return ((struct wal_file *)f)->real; }

/* Writes what is gathered, then forgets it: in pieces of at most WRITE_MAX bytes, since the
 * default VFS writes only the low 17 bits of a length (it reports SQLITE_FULL for more). */
static int flush(struct wal_file *w)
{
  int rc = SQLITE_OK;
  for (size_t done = 0, n; rc == SQLITE_OK && done < w->len; done += n) {
    n = w->len - done < WRITE_MAX ? w->len - done : WRITE_MAX;
    rc = w->real->pMethods->xWrite(w->real, w->buf + done, (int)n, w->at + (sqlite3_int64)done);
  }
  w->len = 0;
  return rc;
}

static int wal_close(sqlite3_file *f)
{
  struct wal_file *w = (struct wal_file *)f;
  int rc = w->real->pMethods->xClose(w->real); /* what is gathered never committed */
  free(w->buf);
  w->buf = NULL;
  w->len = 0;
  return rc;
}

static int wal_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
  int rc = flush((struct wal_file *)f);
  return rc != SQLITE_OK ? rc : real_of(f)->pMethods->xRead(real_of(f), p, n, off);
}

/* A write of a frame's header: SQLite writes each frame as its 24-byte header and then its
 * page (walWriteOneFrame), and only a header is 24 bytes. Nothing else starts a gathered run:
 * with synchronous=FULL on a file without powersafe overwrite, the frame that crosses a sector
 * is written as two pieces of a page around a sync, and the second piece, gathered as if it
 * began a frame, would wait for a commit never seen and be dropped (a review found it;
 * test_store_walbuf's padded_commits). */
static bool is_frame_start(int n)
{
  return n == FRAME_HDR;
}

/* A commit frame's header: its "database size after commit" (bytes 4-7) is not 0. */
static bool is_commit_hdr(const unsigned char *p, int n)
{
  return is_frame_start(n) && (p[4] | p[5] | p[6] | p[7]) != 0;
}

/* Appends p to what is gathered; false when it does not fit (then nothing is appended). */
static bool gather(struct wal_file *w, const void *p, size_t n, sqlite3_int64 off)
{
  if (w->len + n > w->cap) {
    size_t cap = w->cap ? w->cap : 512 * 1024;
    while (cap < w->len + n && cap < GATHER_MAX)
      cap *= 2;
    unsigned char *b = cap >= w->len + n ? realloc(w->buf, cap) : NULL;
    if (!b)
      return false;
    w->buf = b;
    w->cap = cap;
  }
  if (!w->len)
    w->at = off;
  memcpy(w->buf + w->len, p, n);
  w->len += n;
  return true;
}

static int wal_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
  struct wal_file *w = (struct wal_file *)f;
  if (off == 0 && n == WAL_HDR)
    w->end = 0; /* the log starts again from its beginning */
  /* a frame's header (or the log's) at the end starts a gathered run, anything else only
   * continues one: a frame's page is never gathered without its header */
  bool append = w->end >= 0 && off == w->end &&
                (w->len ? off == w->at + (sqlite3_int64)w->len : off == 0 || is_frame_start(n));
  /* the page after a commit frame's header (wherever that went) */
  bool ends_commit = w->commit_hdr;
  int rc = SQLITE_OK;
  if (w->len && !append)
    rc = flush(w);
  if (rc == SQLITE_OK && !(append && gather(w, p, (size_t)n, off))) {
    rc = flush(w);
    if (rc == SQLITE_OK)
      rc = w->real->pMethods->xWrite(w->real, p, n, off);
  }
  if (rc == SQLITE_OK && ends_commit)
    rc = flush(w);
  w->commit_hdr = is_commit_hdr(p, n);
  if (rc != SQLITE_OK)
    w->end = -1; /* not known any more: nothing is gathered until the log starts again */
  else if (w->end >= 0 && off + n > w->end)
    w->end = off + n;
  return rc;
}

static int wal_truncate(sqlite3_file *f, sqlite3_int64 size)
{
  struct wal_file *w = (struct wal_file *)f;
  int rc = flush(w);
  if (rc == SQLITE_OK && w->end > size)
    w->end = size;
  return rc != SQLITE_OK ? rc : w->real->pMethods->xTruncate(w->real, size);
}

static int wal_sync(sqlite3_file *f, int flags)
{
  int rc = flush((struct wal_file *)f);
  return rc != SQLITE_OK ? rc : real_of(f)->pMethods->xSync(real_of(f), flags);
}

static int wal_size(sqlite3_file *f, sqlite3_int64 *size)
{
  int rc = flush((struct wal_file *)f);
  return rc != SQLITE_OK ? rc : real_of(f)->pMethods->xFileSize(real_of(f), size);
}

static int wal_lock(sqlite3_file *f, int lock)
{
  int rc = flush((struct wal_file *)f);
  return rc != SQLITE_OK ? rc : real_of(f)->pMethods->xLock(real_of(f), lock);
}

static int wal_unlock(sqlite3_file *f, int lock)
{
  int rc = flush((struct wal_file *)f);
  return rc != SQLITE_OK ? rc : real_of(f)->pMethods->xUnlock(real_of(f), lock);
}

static int wal_reserved(sqlite3_file *f, int *out)
{
  return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}

static int wal_control(sqlite3_file *f, int op, void *arg)
{
  int rc = flush((struct wal_file *)f);
  return rc != SQLITE_OK ? rc : real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}

static int wal_sector(sqlite3_file *f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }

static int wal_device(sqlite3_file *f)
{
  return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}

/* Version 1: a WAL file has no shared memory or memory map of its own (the database file's
 * are used, and that file is the default VFS's). */
static const sqlite3_io_methods walbuf_methods = {
    .iVersion = 1,
    .xClose = wal_close,
    .xRead = wal_read,
    .xWrite = wal_write,
    .xTruncate = wal_truncate,
    .xSync = wal_sync,
    .xFileSize = wal_size,
    .xLock = wal_lock,
    .xUnlock = wal_unlock,
    .xCheckReservedLock = wal_reserved,
    .xFileControl = wal_control,
    .xSectorSize = wal_sector,
    .xDeviceCharacteristics = wal_device,
};

#define REAL_OFFSET ((sizeof(struct wal_file) + 15) & ~(size_t)15)

static int walbuf_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags,
                       int *out_flags)
{
  (void)vfs;
  if (!(flags & SQLITE_OPEN_WAL)) /* the default VFS's file as it is (szOsFile is larger) */
    return base_vfs->xOpen(base_vfs, name, f, flags, out_flags);
  struct wal_file *w = (struct wal_file *)f;
  memset(w, 0, sizeof *w);
  w->real = (sqlite3_file *)((char *)f + REAL_OFFSET);
  w->real->pMethods = NULL;
  w->end = -1; /* known once the log starts again from its beginning */
  int rc = base_vfs->xOpen(base_vfs, name, w->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (w->real->pMethods)
      w->real->pMethods->xClose(w->real);
    w->base.pMethods = NULL;
    return rc;
  }
  w->base.pMethods = &walbuf_methods;
  return SQLITE_OK;
}

static void walbuf_register(void)
{
  sqlite3_vfs *base = sqlite3_vfs_find(NULL);
  if (!base)
    return;
  walbuf_vfs = *base; /* every other method the default's, with its own pAppData */
  walbuf_vfs.zName = "advisord-walbuf";
  walbuf_vfs.pNext = NULL;
  walbuf_vfs.szOsFile = (int)REAL_OFFSET + base->szOsFile;
  walbuf_vfs.xOpen = walbuf_open;
  base_vfs = base;
  if (sqlite3_vfs_register(&walbuf_vfs, 0) != SQLITE_OK)
    base_vfs = NULL;
}

const char *sq_walbuf_vfs(void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, walbuf_register);
  return base_vfs ? walbuf_vfs.zName : NULL;
}

void sq_walbuf_drop(sqlite3 *db)
{
  sqlite3_file *f = NULL; /* the WAL file (the pager's, without a call to the file) */
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &f) != SQLITE_OK || !f ||
      f->pMethods != &walbuf_methods)
    return;
  struct wal_file *w = (struct wal_file *)f;
  w->len = 0; /* the log's end as this file saw it stays a guess: a write elsewhere goes out */
  w->commit_hdr = false; /* at once, and the appends after it are gathered again */
}
