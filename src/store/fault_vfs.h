/*
 * fault_vfs.h - SQLite fault injection for tests (core/fault.h).
 */
#ifndef AIV_FAULT_VFS_H
#define AIV_FAULT_VFS_H

/* Install what $AIVALUE_FAULT asks of SQLite (call before the first
 * sqlite3_open).  Returns the VFS name to open the workspace with, or
 * NULL for the default VFS. */
const char *fault_vfs_setup(void);

#endif
