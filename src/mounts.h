/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Mount facts of a path in a given mount namespace, from libmount. Tables
 * are cached per namespace so a process that already exited can still be
 * judged against the mounts its namespace had.
 */
#ifndef GT_MOUNTS_H
#define GT_MOUNTS_H

#include <sys/types.h>
#include "classify.h"

/* Read (or re-read) the mount table of pid's namespace mntns. */
void gt_mounts_note(unsigned mntns, pid_t pid);
/*
 * The same in two steps: open /proc/PID/mountinfo as early as can be (-1 when gone),
 * read it later (fd closed): the open file keeps the namespace's table readable after
 * the process and its namespace are gone.
 */
int gt_mounts_open(pid_t pid);
void gt_mounts_note_fd(unsigned mntns, int fd);

/* Fill m for path as seen in namespace mntns; pid is a process there (or 0). */
void gt_mounts_lookup(unsigned mntns, pid_t pid, const char *path, struct gt_mount_facts *m);

/* Mount facts from one mountinfo file (for tests and the cache). */
int gt_mounts_lookup_file(const char *mountinfo, const char *path, struct gt_mount_facts *m);

/* The daemon's own mount namespace (the host's). */
unsigned gt_mounts_self_ns(void);

/*
 * The file at path (below root, NULL for "/") of namespace mntns, as the
 * host's mount table reaches it: the same file system (device) mounted
 * here, and the path inside it. NULL when the host does not mount it (a
 * runtime's --tmpfs exists in the container's namespace only). Caller frees.
 */
char *gt_mounts_host_path(unsigned mntns, pid_t pid, const char *root, const char *path);

/* The same from two mount tables (for tests). */
char *gt_mounts_host_path_file(const char *ns_mountinfo, const char *host_mountinfo,
			       const char *nspath);

void gt_mounts_free(void);

#endif
