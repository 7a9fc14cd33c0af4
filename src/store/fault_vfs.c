/*
 * fault_vfs.c - the SQLite side of fault injection (core/fault.h).
 *
 * A VFS shim in the manner of SQLite's own test_vfstrace.c: every method
 * forwards to the default VFS, except that writes and syncs first ask
 * core/fault whether to fail or to die.  It is registered, and used for
 * the workspace, only when $AIVALUE_FAULT names an I/O or SQLite
 * allocation fault; otherwise SQLite runs untouched.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "aiv.h"

#include "core/fault.h"
#include "fault_vfs.h"

struct ffile {
	sqlite3_file base;	/* our methods */
	sqlite3_file *real;	/* the default VFS's file, allocated after us */
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;
static sqlite3_io_methods fault_io;

#define REAL(f) (((struct ffile *)(f))->real)

static int f_close(sqlite3_file *f)
{
	int rc = REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;
	return rc;
}

static int f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (fault_write())
		return fault_kind() == FAULT_DISK_FULL ? SQLITE_FULL : SQLITE_IOERR_WRITE;
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int f_sync(sqlite3_file *f, int flags)
{
	fault_sync();
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int f_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int f_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}

static int f_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}

static int f_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int f_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int f_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int f_devchar(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int f_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int f_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void f_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int f_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}

static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out)
{
	struct ffile *ff = (struct ffile *)file;
	int rc;

	ff->real = (sqlite3_file *)(ff + 1);
	memset(ff->real, 0, (size_t)real_vfs->szOsFile);
	rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out);
	/* SQLite calls xClose only if pMethods is set, so set it whenever the
	 * real file has methods, even on failure. */
	file->pMethods = ff->real->pMethods ? &fault_io : NULL;
	return rc;
}

static int v_delete(sqlite3_vfs *v, const char *name, int sync)
{
	return real_vfs->xDelete(real_vfs, name, sync);
}

static int v_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int v_fullpath(sqlite3_vfs *v, const char *name, int n, char *out)
{
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *v_dlopen(sqlite3_vfs *v, const char *path)
{
	return real_vfs->xDlOpen(real_vfs, path);
}

static void v_dlerror(sqlite3_vfs *v, int n, char *msg)
{
	real_vfs->xDlError(real_vfs, n, msg);
}

static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	return real_vfs->xDlSym(real_vfs, h, sym);
}

static void v_dlclose(sqlite3_vfs *v, void *h)
{
	real_vfs->xDlClose(real_vfs, h);
}

static int v_random(sqlite3_vfs *v, int n, char *out)
{
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int v_sleep(sqlite3_vfs *v, int us)
{
	return real_vfs->xSleep(real_vfs, us);
}

static int v_time(sqlite3_vfs *v, double *out)
{
	return real_vfs->xCurrentTime(real_vfs, out);
}

static int v_lasterr(sqlite3_vfs *v, int n, char *out)
{
	return real_vfs->xGetLastError(real_vfs, n, out);
}

static int v_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

/* SQLite's allocator, with one failure where the switch says. */
static sqlite3_mem_methods real_mem;

static void *m_malloc(int n)
{
	return fault_sqlite_alloc() ? NULL : real_mem.xMalloc(n);
}

static void *m_realloc(void *p, int n)
{
	return fault_sqlite_alloc() ? NULL : real_mem.xRealloc(p, n);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *vfs_name;

static void setup(void)
{
	enum fault_kind k = fault_kind();

	if (k == FAULT_SQLITE_ALLOC) {
		sqlite3_mem_methods m;

		/* Only possible before SQLite initialises; if something used
		 * it first, the switch has no effect and says so at exit. */
		if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem) == SQLITE_OK) {
			m = real_mem;
			m.xMalloc = m_malloc;
			m.xRealloc = m_realloc;
			sqlite3_config(SQLITE_CONFIG_MALLOC, &m);
		}
		return;
	}
	if (k != FAULT_WRITE_ERROR && k != FAULT_DISK_FULL && k != FAULT_CRASH_WRITE &&
	    k != FAULT_CRASH_SYNC)
		return;
	if (!(real_vfs = sqlite3_vfs_find(NULL)))
		return;
	fault_io = (sqlite3_io_methods){
		.iVersion = 3, .xClose = f_close, .xRead = f_read, .xWrite = f_write,
		.xTruncate = f_truncate, .xSync = f_sync, .xFileSize = f_size,
		.xLock = f_lock, .xUnlock = f_unlock, .xCheckReservedLock = f_reserved,
		.xFileControl = f_control, .xSectorSize = f_sector,
		.xDeviceCharacteristics = f_devchar, .xShmMap = f_shm_map,
		.xShmLock = f_shm_lock, .xShmBarrier = f_shm_barrier,
		.xShmUnmap = f_shm_unmap, .xFetch = f_fetch, .xUnfetch = f_unfetch,
	};
	fault_vfs = (sqlite3_vfs){
		.iVersion = 2, .szOsFile = (int)sizeof(struct ffile) + real_vfs->szOsFile,
		.mxPathname = real_vfs->mxPathname, .zName = "aivalue-fault",
		.xOpen = v_open, .xDelete = v_delete, .xAccess = v_access,
		.xFullPathname = v_fullpath, .xDlOpen = v_dlopen, .xDlError = v_dlerror,
		.xDlSym = v_dlsym, .xDlClose = v_dlclose, .xRandomness = v_random,
		.xSleep = v_sleep, .xCurrentTime = v_time, .xGetLastError = v_lasterr,
		.xCurrentTimeInt64 = v_time64,
	};
	if (sqlite3_vfs_register(&fault_vfs, 0) == SQLITE_OK)
		vfs_name = fault_vfs.zName;
}

const char *fault_vfs_setup(void)
{
	pthread_once(&once, setup);
	return vfs_name;
}
