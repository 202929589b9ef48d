/* sqlite_walbuf.c - a VFS over SQLite's default one for the store's writer connection: a
 * commit's WAL frames reach the file in a few large writes instead of two per frame.
 *
 * SQLite writes each WAL frame as two pwrites, its 24-byte header and its page: a group commit
 * of 10 activations (about 75 frames) made 150 system calls (pwrite64 was a fifth of the
 * writer's samples). This VFS gathers the frames appended at the log's end in memory and writes
 * them (in writes of up to 124 KiB) when the commit frame's page arrives: SQLite writes that
 * frame last, before it publishes the new frames in the WAL index, so every frame a reader may
 * look for is in the file by then, and a write is acknowledged after its COMMIT returned: a
 * kill -9 loses nothing the default VFS would have kept (synchronous=NORMAL syncs the WAL only
 * at checkpoints, and xSync writes what is gathered first).
 *
 * Only appends are gathered (at the log's end as this file saw it; the WAL header at offset 0
 * starts the log again), and only whole frames: a page only after its header. That end is a
 * guess: another connection, perhaps another process (the CLI), may have appended frames since,
 * so the next frame's header goes past the guess, at once, and its page then lands at the new
 * guess; gathered alone, a commit frame's page would wait for a commit header never seen and be
 * dropped (it_test_batch: "database disk image is malformed"). Writes inside the log (a frame
 * written again in the same transaction, checksums rewritten after it) go to the file at once,
 * after what is gathered; anything else done with the file (read, sync, truncate, size, locks,
 * controls) first writes what is gathered. Frames still gathered when a transaction ends belong
 * to one that did not commit (it spilled pages, then rolled back): the writer drops them after
 * each transaction (sq_walbuf_drop), before another connection may write where they would have
 * gone; a close drops them too. Every other file is the default VFS's own, untouched.
 *
 * During the writer's COMMIT (sq_walbuf_by_ref) a frame's page is gathered by its address, not
 * copied: SQLite writes a commit's frames in one call from its page cache, whose pages do not
 * change until the call returns, and the commit frame's page (its last write) writes them all,
 * with pwritev on a descriptor of this file's own (never 0-2; the WAL file holds no locks, so
 * closing it drops none). That holds only if no other frame is written during the COMMIT:
 * SQLite changes pages inside it before that call (auto_vacuum=FULL moves pages, a virtual
 * table's xSync writes its shadow tables), and a page spilled there, kept by address, would go
 * out with its later bytes under its earlier checksum (a review reproduced "database disk image
 * is malformed"): sq_walbuf_by_ref turns spilling off for the COMMIT. Frames spilled before the
 * COMMIT were copied (SQLite changes those pages again) and stay gathered if it fails: SQLite
 * counts them as written (they are in its WAL index) and may commit them later; only what the
 * COMMIT gathered is dropped. Only pages (>= 512 bytes) are kept by address: the WAL header (a
 * stack array of SQLite's) and frame headers are copied. */
#include "sqlite_engine.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define FRAME_HDR 24           /* a WAL frame's header (SQLite's file format) */
#define WAL_HDR 32             /* the WAL file's header */
#define GATHER_MAX (4 << 20)   /* past it, a transaction's frames go out in several writes */
#define WRITE_MAX (31 * 4096)  /* one write of the default VFS: below 128 KiB (flush) */
#define PAGE_MIN 512           /* SQLite's smallest page: only writes this large are pages */

struct wal_file {
  sqlite3_file base;           /* first: SQLite's handle; pMethods = walbuf_methods */
  sqlite3_file *real;          /* the default VFS's file, in the same allocation after this */
  unsigned char *buf;          /* gathered copies, in file order; owned, malloc'd */
  size_t len, cap;             /* bytes in buf, its size */
  struct iovec *iov;           /* with fd: every gathered piece in file order, iov_base NULL
                                  for the next bytes of buf (it may move); owned, malloc'd */
  int niov, capiov;
  sqlite3_int64 at;            /* gathered: offsets [at, at + total) */
  size_t total;
  int fd;                      /* this file's own descriptor for pwritev, or -1 (none) */
  bool by_ref;                 /* pages are gathered by address (sq_walbuf_by_ref) */
  struct { size_t len, total, last; int niov; } mark; /* at by_ref on: len, total, niov and
                                  the last piece's length (copies grow it); 0 after a flush */
  sqlite3_int64 end;           /* where the log ends as written through this file; -1: unknown */
  bool commit_hdr;             /* the last append was a commit frame's header */
};

static sqlite3_vfs *base_vfs;  /* the default VFS */
static sqlite3_vfs walbuf_vfs;

static sqlite3_file *real_of(sqlite3_file *f) { return ((struct wal_file *)f)->real; }

/* Forgets what is gathered. */
static void forget(struct wal_file *w)
{
  w->len = w->total = 0;
  w->niov = 0;
  memset(&w->mark, 0, sizeof w->mark);
}

/* Writes the gathered pieces with pwritev on w's own descriptor (short writes continued). */
static int write_pieces(struct wal_file *w)
{
  size_t copied = 0;
  for (int i = 0; i < w->niov; i++)
    if (!w->iov[i].iov_base) {
      w->iov[i].iov_base = w->buf + copied;
      copied += w->iov[i].iov_len;
    }
  sqlite3_int64 off = w->at;
  for (int i = 0; i < w->niov;) {
    ssize_t k = pwritev(w->fd, w->iov + i, w->niov - i < IOV_MAX ? w->niov - i : IOV_MAX, off);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return k < 0 && errno == ENOSPC ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    off += k;
    for (; i < w->niov && (size_t)k >= w->iov[i].iov_len; i++)
      k -= (ssize_t)w->iov[i].iov_len;
    if (k > 0) {
      w->iov[i].iov_base = (char *)w->iov[i].iov_base + k;
      w->iov[i].iov_len -= (size_t)k;
    }
  }
  return SQLITE_OK;
}

/* Writes what is gathered, then forgets it: without a descriptor of its own, through the
 * default VFS in pieces of at most WRITE_MAX bytes, since it writes only the low 17 bits of a
 * length (it reports SQLITE_FULL for more). */
static int flush(struct wal_file *w)
{
  int rc = SQLITE_OK;
  if (w->total && w->fd >= 0)
    rc = write_pieces(w);
  else
    for (size_t done = 0, n; rc == SQLITE_OK && done < w->len; done += n) {
      n = w->len - done < WRITE_MAX ? w->len - done : WRITE_MAX;
      rc = w->real->pMethods->xWrite(w->real, w->buf + done, (int)n,
                                     w->at + (sqlite3_int64)done);
    }
  forget(w);
  return rc;
}

static int wal_close(sqlite3_file *f)
{
  struct wal_file *w = (struct wal_file *)f;
  int rc = w->real->pMethods->xClose(w->real); /* what is gathered never committed */
  if (w->fd >= 0)
    close(w->fd);
  w->fd = -1;
  free(w->buf);
  free(w->iov);
  w->buf = NULL;
  w->iov = NULL;
  forget(w);
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

/* Appends p to what is gathered (a page by its address while by_ref, else a copy); false when
 * it does not fit (then nothing is appended). */
static bool gather(struct wal_file *w, const void *p, size_t n, sqlite3_int64 off)
{
  bool ref = w->by_ref && w->fd >= 0 && n >= PAGE_MIN; /* headers are copied */
  if (w->total + n > GATHER_MAX)
    return false;
  if (w->fd >= 0 && w->niov == w->capiov) {
    int cap = w->capiov ? 2 * w->capiov : 256;
    struct iovec *v = realloc(w->iov, (size_t)cap * sizeof *v);
    if (!v)
      return false;
    w->iov = v;
    w->capiov = cap;
  }
  if (!ref && w->len + n > w->cap) {
    size_t cap = w->cap ? w->cap : 512 * 1024;
    while (cap < w->len + n && cap < GATHER_MAX)
      cap *= 2;
    unsigned char *b = cap >= w->len + n ? realloc(w->buf, cap) : NULL;
    if (!b)
      return false;
    w->buf = b;
    w->cap = cap;
  }
  if (!w->total)
    w->at = off;
  if (!ref && w->fd >= 0 && w->niov && !w->iov[w->niov - 1].iov_base)
    w->iov[w->niov - 1].iov_len += n; /* copies next to each other: one piece */
  else if (w->fd >= 0)
    w->iov[w->niov++] = (struct iovec){.iov_base = ref ? (void *)p : NULL, .iov_len = n};
  if (!ref) {
    memcpy(w->buf + w->len, p, n);
    w->len += n;
  }
  w->total += n;
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
                (w->total ? off == w->at + (sqlite3_int64)w->total : off == 0 || is_frame_start(n));
  /* the page after a commit frame's header (wherever that went) */
  bool ends_commit = w->commit_hdr;
  int rc = SQLITE_OK;
  if (w->total && !append)
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

/* A method that writes what is gathered first, then calls the default VFS's. */
#define FLUSH_THEN(name, method, type)                                           \
  static int name(sqlite3_file *f, type arg)                                     \
  {                                                                              \
    int rc = flush((struct wal_file *)f);                                        \
    return rc != SQLITE_OK ? rc : real_of(f)->pMethods->method(real_of(f), arg); \
  }
FLUSH_THEN(wal_sync, xSync, int)
FLUSH_THEN(wal_size, xFileSize, sqlite3_int64 *)
FLUSH_THEN(wal_lock, xLock, int)
FLUSH_THEN(wal_unlock, xUnlock, int)

static int wal_control(sqlite3_file *f, int op, void *arg)
{
  int rc = flush((struct wal_file *)f);
  return rc != SQLITE_OK ? rc : real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}

static int wal_reserved(sqlite3_file *f, int *out)
{
  return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
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
  w->fd = -1;
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
  if (!(flags & SQLITE_OPEN_READONLY) && name) /* none: pages are copied, as before */
    w->fd = open(name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (w->fd >= 0 && w->fd <= 2) { /* never a standard one (log_to_file's dup2 onto 2 would */
    int fd = fcntl(w->fd, F_DUPFD_CLOEXEC, 3); /* replace the WAL under this file) */
    close(w->fd);
    w->fd = fd; /* -1: pages are copied */
  }
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

/* db's WAL file when it is one of this VFS's, else NULL (the pager's, without a call to it). */
static struct wal_file *wal_of(sqlite3 *db)
{
  sqlite3_file *f = NULL;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &f) != SQLITE_OK || !f ||
      f->pMethods != &walbuf_methods)
    return NULL;
  return (struct wal_file *)f;
}

void sq_walbuf_drop(sqlite3 *db)
{
  struct wal_file *w = wal_of(db);
  if (!w)
    return;
  forget(w); /* the log's end as this file saw it stays a guess: a write elsewhere goes out */
  w->commit_hdr = false; /* at once, and the appends after it are gathered again */
}

/* Spilling is off for the COMMIT (see the top) by the numeric PRAGMA cache_spill: in SQLite
 * 3.40.1 cache_spill=OFF reaches the pager only outside a transaction (pragma.c
 * setAllPagerFlags: "if( db->autoCommit )"), a number at once (sqlite3BtreeSetSpillSize); a
 * full cache then grows instead (pcache.c sqlite3PcacheFetchStress: xStress only while the page
 * count exceeds szSpill, 1 by default). The only frames of the COMMIT are then its pagerWalFrames
 * call's (pager.c sqlite3PagerCommitPhaseOne: the dirty list, the commit frame last). Two
 * statements per COMMIT (a batch); if the first fails, pages are copied. */
void sq_walbuf_by_ref(sqlite3 *db, bool on)
{
  struct wal_file *w = wal_of(db);
  if (!w)
    return;
  if (on) { /* the mark after the pragma: a spill in it (a schema read) is not the COMMIT's */
    w->by_ref = sqlite3_exec(db, "PRAGMA cache_spill=2147483647", NULL, NULL, NULL) == SQLITE_OK;
    w->mark.len = w->len;
    w->mark.total = w->total;
    w->mark.niov = w->niov;
    w->mark.last = w->niov ? w->iov[w->niov - 1].iov_len : 0;
    return;
  }
  if (w->total > w->mark.total) { /* a COMMIT that failed: drops what it gathered, keeps the */
    w->len = w->mark.len;          /* frames spilled before it (SQLite counts them as written) */
    w->total = w->mark.total;
    w->niov = w->mark.niov;
    if (w->niov)
      w->iov[w->niov - 1].iov_len = w->mark.last;
    w->end = w->at + (sqlite3_int64)w->total; /* where the dropped frames would have gone */
    w->commit_hdr = false;
  }
  if (w->by_ref) /* back to SQLite's default; if it fails, the cache only grows */
    sqlite3_exec(db, "PRAGMA cache_spill=1", NULL, NULL, NULL);
  w->by_ref = false;
}
