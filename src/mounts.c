// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <fcntl.h>
#include <libmount/libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "decode.h"
#include "mounts.h"

#define GT_MNTNS_CACHE 32

/* A table is re-read at most this often: a flood must not parse mountinfo per event. */
#define GT_MOUNTS_TTL_NS	(250 * 1000000ULL)

static struct {
	unsigned mntns;
	struct libmnt_table *tb;
	unsigned long long read_ns;
} cache[GT_MNTNS_CACHE];
static int cache_next;

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static struct libmnt_table *read_table(const char *file)
{
	struct libmnt_table *tb = mnt_new_table();

	if (!tb)
		return NULL;
	if (mnt_table_parse_file(tb, file)) {
		mnt_unref_table(tb);
		return NULL;
	}
	return tb;
}

static int slot(unsigned mntns, bool create)
{
	int i;

	for (i = 0; i < GT_MNTNS_CACHE; i++)
		if (cache[i].tb && cache[i].mntns == mntns)
			return i;
	if (!create)
		return -1;
	i = cache_next++ % GT_MNTNS_CACHE;
	mnt_unref_table(cache[i].tb);
	cache[i].tb = NULL;
	cache[i].mntns = mntns;
	return i;
}

int gt_mounts_open(pid_t pid)
{
	char file[64];

	snprintf(file, sizeof(file), "/proc/%d/mountinfo", pid);
	return open(file, O_RDONLY | O_CLOEXEC);
}

void gt_mounts_note_fd(unsigned mntns, int fd)
{
	struct libmnt_table *tb = fd >= 0 ? mnt_new_table() : NULL;
	FILE *fp = tb ? fdopen(fd, "re") : NULL;
	int i;

	if (!fp && fd >= 0)
		close(fd);
	/* the open file holds the namespace: it reads even once the process is gone */
	if (!fp || mnt_table_parse_stream(tb, fp, "mountinfo")) {
		if (fp)
			fclose(fp);
		mnt_unref_table(tb);
		return;	/* gone already: keep what we had */
	}
	fclose(fp);
	i = slot(mntns, true);
	mnt_unref_table(cache[i].tb);
	cache[i].tb = tb;
	cache[i].read_ns = mono_ns();
}

void gt_mounts_note(unsigned mntns, pid_t pid)
{
	gt_mounts_note_fd(mntns, gt_mounts_open(pid));
}

/* Is option name set on the mount? (mnt_fs_match_options reads "noexec" as "not exec".) */
static bool has_vfs_opt(struct libmnt_fs *fs, const char *name)
{
	const char *opts = mnt_fs_get_vfs_options(fs);

	return opts && mnt_optstr_get_option(opts, name, NULL, NULL) == 0;
}

/* The mount of tb holding path (the longest mount point above it, the last mounted
 * on ties), or NULL. */
static struct libmnt_fs *holder(struct libmnt_table *tb, const char *path)
{
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs, *best = NULL;
	size_t best_len = 0;

	while (it && mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *t = mnt_fs_get_target(fs);
		size_t n = t ? strlen(t) : 0;

		if (t && gt_path_under(path, t) && n >= best_len) {
			best = fs;
			best_len = n;
		}
	}
	mnt_free_iter(it);
	return best;
}

/* The mount holding path: the longest mount point above it, the last mounted on ties. */
static void facts_from(struct libmnt_table *tb, const char *path, struct gt_mount_facts *m)
{
	struct libmnt_fs *best = holder(tb, path);

	if (!best)
		return;
	m->known = true;
	snprintf(m->target, sizeof(m->target), "%s", mnt_fs_get_target(best));
	snprintf(m->fstype, sizeof(m->fstype), "%s", mnt_fs_get_fstype(best) ?: "");
	m->noexec = has_vfs_opt(best, "noexec");
	m->read_only = has_vfs_opt(best, "ro");
}

int gt_mounts_lookup_file(const char *mountinfo, const char *path, struct gt_mount_facts *m)
{
	struct libmnt_table *tb = read_table(mountinfo);

	memset(m, 0, sizeof(*m));
	if (!tb)
		return -1;
	facts_from(tb, path, m);
	mnt_unref_table(tb);
	return m->known ? 0 : -1;
}

void gt_mounts_lookup(unsigned mntns, pid_t pid, const char *path, struct gt_mount_facts *m)
{
	struct stat st;
	int i;

	memset(m, 0, sizeof(*m));
	if (!path || path[0] != '/')
		return;
	/* a live process shows the mounts as they are now; a recent read will do */
	i = slot(mntns, false);
	if (pid > 0 && (i < 0 || mono_ns() - cache[i].read_ns > GT_MOUNTS_TTL_NS))
		gt_mounts_note(mntns, pid);
	i = slot(mntns, false);
	if (i < 0 && stat("/proc/self/ns/mnt", &st) == 0 && st.st_ino == mntns) {
		gt_mounts_note(mntns, getpid());
		i = slot(mntns, false);
	}
	if (i >= 0 && cache[i].tb)
		facts_from(cache[i].tb, path, m);
}

unsigned gt_mounts_self_ns(void)
{
	static unsigned self;
	struct stat st;

	if (!self && stat("/proc/self/ns/mnt", &st) == 0)
		self = st.st_ino;
	return self;
}

/* "/a" + "/b" without a doubled or missing slash; rel may be "" */
static char *join2(const char *a, const char *rel)
{
	char *out = NULL;

	if (!strcmp(a, "/"))
		a = "";
	if (asprintf(&out, "%s%s%s", a, *rel && *rel != '/' ? "/" : "", *rel || *a ? rel : "/") < 0)
		return NULL;
	return out;
}

static char *host_path_in(struct libmnt_table *ns, struct libmnt_table *host, const char *nspath)
{
	struct libmnt_fs *m = holder(ns, nspath), *best = NULL, *fs;
	struct libmnt_iter *it;
	const char *mroot, *rest, *r;
	size_t best_len = 0;
	char *fsrel, *out = NULL;
	dev_t dev;

	if (!m || !(mroot = mnt_fs_get_root(m)))
		return NULL;
	dev = mnt_fs_get_devno(m);
	rest = nspath + strlen(mnt_fs_get_target(m));
	if (!strcmp(mnt_fs_get_target(m), "/"))
		rest = nspath;
	fsrel = join2(mroot, rest);	/* the path inside that file system */
	it = mnt_new_iter(MNT_ITER_FORWARD);
	while (fsrel && it && mnt_table_next_fs(host, it, &fs) == 0) {
		r = mnt_fs_get_root(fs);
		if (mnt_fs_get_devno(fs) != dev || !r || !gt_path_under(fsrel, r))
			continue;
		/* the shortest way in: the mount of the file system's top, not a bind below */
		if (!best || strlen(r) > best_len) {
			best = fs;
			best_len = strlen(r);
		}
	}
	mnt_free_iter(it);
	if (best) {
		const char *in = fsrel + (strcmp(mnt_fs_get_root(best), "/") ? best_len : 0);

		out = join2(mnt_fs_get_target(best), in);
	}
	free(fsrel);
	return out;
}

char *gt_mounts_host_path_file(const char *ns_mountinfo, const char *host_mountinfo,
			       const char *nspath)
{
	struct libmnt_table *ns = read_table(ns_mountinfo), *host = read_table(host_mountinfo);
	char *out = ns && host ? host_path_in(ns, host, nspath) : NULL;

	mnt_unref_table(ns);
	mnt_unref_table(host);
	return out;
}

char *gt_mounts_host_path(unsigned mntns, pid_t pid, const char *root, const char *path)
{
	unsigned self = gt_mounts_self_ns();
	char *nspath = root ? join2(root, path) : strdup(path), *out = NULL;
	struct gt_mount_facts m;
	int i, h;

	if (!nspath)
		return NULL;
	gt_mounts_lookup(mntns, pid, nspath, &m);	/* reads the table if it is stale */
	gt_mounts_lookup(self, getpid(), "/", &m);
	i = slot(mntns, false);
	h = slot(self, false);
	if (i >= 0 && h >= 0 && cache[i].tb && cache[h].tb)
		out = host_path_in(cache[i].tb, cache[h].tb, nspath);
	free(nspath);
	return out;
}

void gt_mounts_free(void)
{
	for (int i = 0; i < GT_MNTNS_CACHE; i++) {
		mnt_unref_table(cache[i].tb);
		cache[i].tb = NULL;
	}
}
