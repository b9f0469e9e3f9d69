// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include "diagnose.h"
#include "gorelease.h"
#include "fixcheck.h"
#include "mounts.h"

/*
 * Where a fix may put things, in the order they are tried: the user's own
 * (HOME-derived, as Go's defaults are), the XDG directory when set, then
 * the machine's usual shared places, per uid so users do not collide.
 * $HOME, $XDG_CACHE_HOME, $XDG_CONFIG_HOME come from the refused process's
 * environment ($UID: its fsuid); a row entry whose variable is unset is
 * skipped. /dev/shm is usually the only writable place left on a read-only
 * root, and is noexec on many systems: the exec check decides.
 */
static const struct {
	int what;
	const char *cand[6];
} cand_rows[] = {
	{ GD_GOCACHE, { "$HOME/.cache/go-build", "$XDG_CACHE_HOME/go-build",
			"/var/tmp/go-build-cache-$UID", "/tmp/go-build-cache-$UID",
			"/dev/shm/go-build-cache-$UID" } },
	{ GD_GOTMPDIR, { "$HOME/.cache/gotmp", "$XDG_CACHE_HOME/gotmp", "/var/tmp/gotmp-$UID",
			 "/tmp/gotmp-$UID", "/dev/shm/gotmp-$UID" } },
	{ GD_TMPDIR, { "$HOME/.cache/gotmp", "$XDG_CACHE_HOME/gotmp", "/var/tmp/gotmp-$UID",
		       "/tmp/gotmp-$UID", "/dev/shm/gotmp-$UID" } },
	{ GD_GOMODCACHE, { "$HOME/go/pkg/mod", "$XDG_CACHE_HOME/go-mod", "/var/tmp/go-mod-$UID",
			   "/tmp/go-mod-$UID", "/dev/shm/go-mod-$UID" } },
	{ GD_GOBIN, { "$HOME/go/bin", "$HOME/.local/bin", "/var/tmp/go-bin-$UID",
		      "/tmp/go-bin-$UID" } },
	{ GD_GOPATH, { "$HOME/go", "/var/tmp/go-path-$UID", "/tmp/go-path-$UID",
		       "/dev/shm/go-path-$UID" } },
	/* GOENV names a file: these are directories for it */
	{ GD_GOENV, { "$HOME/.config/go", "$XDG_CONFIG_HOME/go", "/var/tmp/go-env-$UID",
		      "/tmp/go-env-$UID", "/dev/shm/go-env-$UID" } },
	{ GT_FW_SHLIB, { "$HOME/.local/lib", "$XDG_CACHE_HOME/go-plugins", "/var/tmp/lib-$UID",
			 "/tmp/lib-$UID" } },
	{ GT_FW_PROGRAM, { "$HOME/.local/bin", "/var/tmp/bin-$UID", "/tmp/bin-$UID" } },
	{ GT_FW_SRC_COPY, { "$HOME/src", "/var/tmp/src-$UID", "/tmp/src-$UID",
			    "/dev/shm/src-$UID" } },
};

static int probe_mount(const struct gt_fix_env *e, const char *path, struct gt_mount_facts *m)
{
	/* the namespace's table as cached (the process may be gone); re-read while it lives */
	gt_mounts_lookup(e->mntns, e->root[0] ? e->pid : 0, path, m);
	return m->known ? 0 : -1;
}

static int statvfs_in(const struct gt_fix_env *e, const char *path, struct statvfs *sv)
{
	char buf[PATH_MAX + 64];

	snprintf(buf, sizeof(buf), "%s%s", e->root, path);
	if (statvfs(buf, sv) == 0)
		return 0;
	return e->root[0] ? statvfs(path, sv) : -1;
}

static int probe_space(const struct gt_fix_env *e, const char *path, unsigned long long *bytes,
		       unsigned long long *inodes, bool *unlimited)
{
	struct statvfs sv;

	if (statvfs_in(e, path, &sv))
		return -1;
	*bytes = (unsigned long long)sv.f_bavail * sv.f_frsize;
	*inodes = sv.f_favail;
	*unlimited = sv.f_files == 0;	/* btrfs and others report no inode count */
	return 0;
}

static const struct gt_fix_probe machine = { probe_mount, probe_space };

/*
 * A go command in a private mount namespace often exits before its refusal's
 * fix is checked, and its /proc/PID/root goes with it: keep an O_PATH handle on
 * the root of each go command's namespace, seen at its exec (a small ring).
 */
#define PINNED_ROOTS 32
static struct { unsigned mntns; int fd; __u64 id; } pinned[PINNED_ROOTS];
static unsigned pinned_next;

#ifndef NS_GET_MNTNS_ID
#define NS_GET_MNTNS_ID _IOR(0xb7, 0x5, __u64)	/* Linux 6.8: never reused */
#endif

static __u64 mntns_id(pid_t pid)
{
	char buf[64];
	__u64 id = 0;
	int fd;

	snprintf(buf, sizeof(buf), "/proc/%d/ns/mnt", pid);
	fd = open(buf, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (ioctl(fd, NS_GET_MNTNS_ID, &id))
		id = 0;
	close(fd);
	return id;
}

void gt_fix_pin_root(unsigned mntns, pid_t pid)
{
	struct stat st, old;
	char buf[64];
	__u64 id;
	int fd, i;

	if (!mntns)
		return;
	snprintf(buf, sizeof(buf), "/proc/%d/root", pid);
	fd = open(buf, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	id = mntns_id(pid);
	/*
	 * Namespace numbers are reused once a namespace is freed (the next container
	 * or unshare often gets the last one's number): another namespace id, or
	 * where the kernel has none another root, is a new namespace and replaces
	 * the old handle, whose namespace is gone
	 */
	for (i = 0; i < PINNED_ROOTS; i++) {
		bool same;

		if (pinned[i].fd <= 0 || pinned[i].mntns != mntns)
			continue;
		same = id && pinned[i].id ? id == pinned[i].id :
		       !fstat(fd, &st) && !fstat(pinned[i].fd, &old) && st.st_dev == old.st_dev &&
		       st.st_ino == old.st_ino;
		if (same) {
			close(fd);
			return;
		}
		close(pinned[i].fd);
		pinned[i].fd = fd;
		pinned[i].id = id;
		return;
	}
	i = pinned_next++ % PINNED_ROOTS;
	if (pinned[i].fd > 0)
		close(pinned[i].fd);
	pinned[i].mntns = mntns;
	pinned[i].fd = fd;
	pinned[i].id = id;
}

static void pinned_root(unsigned mntns, char *root, size_t size)
{
	for (int i = 0; i < PINNED_ROOTS; i++)
		if (pinned[i].fd > 0 && pinned[i].mntns == mntns) {
			snprintf(root, size, "/proc/self/fd/%d", pinned[i].fd);
			return;
		}
}

void gt_examine_root(const struct gt_finding *f, char *root, size_t size)
{
	root[0] = '\0';
	if (f->root_fd > 0) {
		snprintf(root, size, "/proc/self/fd/%d", f->root_fd);
		return;
	}
	/*
	 * Another namespace's tree through the handle pinned at its go command's
	 * exec: it outlives the process, where /proc/PID/root can vanish between
	 * two looks. A changed root (chroot) is the process's own.
	 */
	if (!f->ns.root && f->mntns != gt_mounts_self_ns())
		pinned_root(f->mntns, root, size);
	if (!root[0])
		gt_root_of(f->pid, root, size);
	if (!root[0] && f->mntns != gt_mounts_self_ns())
		pinned_root(f->mntns, root, size);
}

/*
 * The diagnosis and the layer rows look at the refused process's tree
 * several times; it may end between two looks (a container's go that fails
 * at once), so the first look is held open until gt_examine_end().
 */
void gt_examine_begin(struct gt_finding *f)
{
	char root[64];
	int fd;

	gt_examine_root(f, root, sizeof(root));
	if (!root[0])
		return;	/* our own root: it stays */
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd > 0)
		f->root_fd = fd;
}

void gt_examine_end(struct gt_finding *f)
{
	if (f->root_fd > 0)
		close(f->root_fd);
	f->root_fd = 0;
}

void gt_fix_env_of(const struct gt_finding *f, int need, struct gt_fix_env *e)
{
	memset(e, 0, sizeof(*e));
	e->creds = f->creds;
	e->pid = f->pid;
	e->mntns = f->mntns;
	e->need = need;
	gt_examine_root(f, e->root, sizeof(e->root));
	switch (f->cause) {
	case GC_READ_ONLY: case GC_NOEXEC: case GC_NO_SPACE: case GC_QUOTA:
		if (f->mount.known)
			e->refused_mount = f->mount.target;
		break;
	default:
		break;
	}
	if (f->go_dir != GD_NONE && f->go_dir != GD_GOROOT && f->go_dir != GD_MODULE)
		e->refused_dir = f->go_dir_path;
}

static int stat_in(const struct gt_fix_env *e, const char *path, struct stat *st)
{
	char buf[PATH_MAX + 64];

	snprintf(buf, sizeof(buf), "%s%s", e->root, path);
	return stat(buf, st);
}

/*
 * The refused process may end between gt_fix_env_of() and the check (a cgo or
 * compile step lives milliseconds): its /proc/PID/root is then gone. A process
 * of the daemon's own mount namespace saw the same tree as the daemon, so look
 * from here (gt_examine_root already chose a pinned root for other ones).
 */
static const struct gt_fix_env *env_alive(const struct gt_fix_env *e, struct gt_fix_env *copy)
{
	struct stat st;

	if (!e->root[0] || stat_in(e, "/", &st) == 0 || !e->mntns)
		return e;
	/* another namespace's tree is examined through its pinned root, or not at all */
	if (e->mntns != gt_mounts_self_ns())
		return e;
	*copy = *e;
	copy->root[0] = '\0';
	return copy;
}

char *gt_fix_check_dir(const struct gt_fix_env *env, const char *dir, bool *create)
{
	struct gt_fix_env copy;
	const struct gt_fix_env *e = env_alive(env, &copy);
	const struct gt_fix_probe *pr = e->probe ? e->probe : &machine;
	char *why = NULL, *anc;
	struct gt_mount_facts m;
	struct stat st;
	unsigned long long bytes = 0, inodes = 0;
	bool unlimited = false;
	enum gt_dac d;

	*create = false;
	if (!dir || dir[0] != '/')
		return strdup("is not an absolute path");
	if (e->refused_dir && gt_path_under(dir, e->refused_dir)) {
		asprintf(&why, "is where the refusal happened (%s)", e->refused_dir);
		return why;
	}
	/* the nearest existing ancestor is where mkdir -p starts */
	anc = strdup(dir);
	if (!anc)
		return NULL;
	while (stat_in(e, anc, &st)) {
		char *s = strrchr(anc, '/');

		if (errno != ENOENT || !s) {
			asprintf(&why, "%s cannot be examined (%s)", anc, strerror(errno));
			goto out;
		}
		*create = true;
		if (s == anc) {
			strcpy(anc, "/");
			if (stat_in(e, anc, &st)) {
				why = strdup("/ cannot be examined");
				goto out;
			}
			break;
		}
		*s = '\0';
	}
	if (!S_ISDIR(st.st_mode)) {
		asprintf(&why, "%s exists and is not a directory", anc);
		goto out;
	}
	d = gt_dac_walk(dir, &e->creds, 3, true, e->root, &why);
	if (d == GT_DAC_REFUSES)
		goto out;
	if (d != GT_DAC_ALLOWS) {
		free(why);
		asprintf(&why, "the owner and mode of %s could not be examined", anc);
		goto out;
	}
	memset(&m, 0, sizeof(m));
	if (pr->mount_of(e, dir, &m) == 0) {
		if (m.read_only) {
			asprintf(&why, "is on a read-only mount (%s at %s)", m.fstype, m.target);
			goto out;
		}
		if ((e->need & GT_FIX_EXEC) && m.noexec) {
			asprintf(&why, "is on a noexec mount (%s at %s)", m.fstype, m.target);
			goto out;
		}
		if (e->refused_mount && !strcmp(m.target, e->refused_mount)) {
			asprintf(&why, "is on the mount that refused (%s at %s)", m.fstype, m.target);
			goto out;
		}
	} else {
		/* no table for the namespace: the mount's flags as statvfs reports them */
		struct statvfs sv;

		if (statvfs_in(e, anc, &sv)) {
			asprintf(&why, "the mount holding %s could not be examined", anc);
			goto out;
		}
		if (sv.f_flag & ST_RDONLY) {
			why = strdup("is on a read-only mount");
			goto out;
		}
		if ((e->need & GT_FIX_EXEC) && (sv.f_flag & ST_NOEXEC)) {
			why = strdup("is on a noexec mount");
			goto out;
		}
	}
	if (pr->space_of(e, anc, &bytes, &inodes, &unlimited)) {
		asprintf(&why, "the free space of %s could not be examined", anc);
		goto out;
	}
	if (bytes < GT_FIX_MIN_FREE_BYTES) {
		asprintf(&why, "has %llu MiB free (on %s)", bytes >> 20, m.known ? m.target : anc);
		goto out;
	}
	if (!unlimited && inodes < GT_FIX_MIN_FREE_INODES) {
		asprintf(&why, "has %llu free inodes (on %s)", inodes, m.known ? m.target : anc);
		goto out;
	}
out:
	free(anc);
	return why;
}

void gt_fix_check_free(struct gt_fix_check *r)
{
	free(r->dir);
	for (unsigned i = 0; i < r->nrejected; i++) {
		free(r->rejected[i].path);
		free(r->rejected[i].why);
	}
	memset(r, 0, sizeof(*r));
}

bool gt_fix_pick(const struct gt_fix_env *e, const char *const *cands, int n,
		 struct gt_fix_check *r)
{
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < n; i++) {
		bool create;
		char *why;

		if (!cands[i])
			continue;
		why = gt_fix_check_dir(e, cands[i], &create);
		if (!why) {
			r->dir = strdup(cands[i]);
			r->create = create;
			return r->dir != NULL;
		}
		if (r->nrejected < GT_FIX_MAX_REJECTS) {
			r->rejected[r->nrejected].path = strdup(cands[i]);
			r->rejected[r->nrejected++].why = why;
		} else {
			free(why);
		}
	}
	return false;
}

/* "$HOME/.cache/go-build" with f's values; NULL when a variable is unset or not absolute. */
static char *expand(const char *tmpl, const struct gt_finding *f)
{
	static const struct { const char *name; int var; } vars[] = {
		{ "$HOME", GE_HOME }, { "$XDG_CACHE_HOME", GE_XDG_CACHE_HOME },
		{ "$XDG_CONFIG_HOME", GE_XDG_CONFIG_HOME },
	};
	char *out = NULL, *p;

	if (tmpl[0] == '$') {
		for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
			size_t n = strlen(vars[i].name);
			const char *v = f->env.v[vars[i].var];

			if (strncmp(tmpl, vars[i].name, n) || (tmpl[n] != '/' && tmpl[n]))
				continue;
			if (!v && vars[i].var == GE_HOME)
				v = f->home;
			if (!v || v[0] != '/')
				return NULL;
			if (asprintf(&out, "%s%s", v, tmpl + n) < 0)
				return NULL;
			break;
		}
		if (!out)
			return NULL;
	} else {
		out = strdup(tmpl);
	}
	if (out && (p = strstr(out, "$UID"))) {
		char *t;

		*p = '\0';
		if (asprintf(&t, "%s%u%s", out, f->creds.fsuid, p + 4) < 0)
			t = NULL;
		free(out);
		out = t;
	}
	if (out)
		gt_path_clean(out);
	return out;
}

int gt_fix_candidates(int what, const struct gt_finding *f, char **out, int max)
{
	int n = 0;

	for (size_t r = 0; r < sizeof(cand_rows) / sizeof(cand_rows[0]); r++) {
		if (cand_rows[r].what != what)
			continue;
		for (int i = 0; i < 6 && cand_rows[r].cand[i] && n < max; i++) {
			char *c = expand(cand_rows[r].cand[i], f);
			bool dup = false;

			for (int k = 0; c && k < n; k++)
				dup |= !strcmp(out[k], c);
			if (!c || dup) {
				free(c);
				continue;
			}
			out[n++] = c;
		}
	}
	return n;
}

bool gt_fix_pick_for(const struct gt_finding *f, int what, int need, struct gt_fix_check *r)
{
	struct gt_fix_env e;
	char *c[8];
	int n;
	bool ok;

	gt_fix_env_of(f, need, &e);
	n = gt_fix_candidates(what, f, c, 8);
	ok = gt_fix_pick(&e, (const char *const *)c, n, r);
	for (int i = 0; i < n; i++)
		free(c[i]);
	return ok;
}

void gt_fix_record(struct gt_finding *f, struct gt_fix_check *r)
{
	f->fix_checked = r->dir != NULL;
	f->fix_dir_create = r->create;
	free(f->fix_dir);
	f->fix_dir = r->dir;
	r->dir = NULL;
	for (unsigned i = 0; i < r->nrejected; i++) {
		if (f->n_fix_rejected < GT_FIX_MAX_REJECTS) {
			f->fix_rejected[f->n_fix_rejected++] = r->rejected[i];
		} else {
			free(r->rejected[i].path);
			free(r->rejected[i].why);
		}
	}
	r->nrejected = 0;
	gt_fix_check_free(r);
}

char *gt_fix_rejections(const struct gt_finding *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	if (!f->n_fix_rejected)
		return NULL;
	m = open_memstream(&buf, &len);
	if (!m)
		return NULL;
	for (unsigned i = 0; i < f->n_fix_rejected; i++)
		fprintf(m, "%s%s %s", i ? "; " : "", f->fix_rejected[i].path,
			f->fix_rejected[i].why);
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int gt_fix_need_of(const struct gt_finding *f, enum gt_go_dir d)
{
	switch (d) {
	case GD_GOTMPDIR: case GD_GOBIN:
		return GT_FIX_EXEC;
	case GD_TMPDIR:
		return f->env.v[GE_GOTMPDIR] ? 0 : GT_FIX_EXEC;
	case GD_GOCACHE:
		/* go run and go tool execute the executables they cached there since 1.24 */
		return gt_go_minor(f->go_version) >= 24 ? GT_FIX_EXEC : 0;
	default:
		return 0;
	}
}

const char *gt_fix_mkdir(const struct gt_finding *f)
{
	static __thread char buf[PATH_MAX + 16];

	if (!f->fix_dir || !f->fix_dir_create)
		return "";
	snprintf(buf, sizeof(buf), "mkdir -p %s && ", f->fix_dir);
	return buf;
}

char *gt_fix_none(const struct gt_finding *f, const char *what, int need)
{
	char *rej = gt_fix_rejections(f), *out = NULL;

	asprintf(&out, "no usual place for %s works for uid %u here (%s): create one it can "
		 "write (mkdir D && chown %u D) on a read-write mount%s with room, or mount one "
		 "(mount -t tmpfs%s tmpfs D)", what, f->creds.fsuid, rej ? rej : "none to try",
		 f->creds.fsuid, need & GT_FIX_EXEC ? " without noexec" : "",
		 need & GT_FIX_EXEC ? " -o exec" : "");
	free(rej);
	return out;
}

char *gt_fix_setting(struct gt_finding *f, enum gt_go_dir var, int need, const char *why)
{
	const char *name = gt_go_dir_name(var);
	struct gt_fix_check r;
	char *out = NULL;

	gt_fix_pick_for(f, var, need, &r);
	gt_fix_record(f, &r);
	if (!f->fix_dir) {
		char *none, *what;

		asprintf(&what, "%s (a directory that is %s)", name, why);
		none = gt_fix_none(f, what ? what : name, need);
		asprintf(&out, "%s, then export %s=D%s", none ? none : "", name,
			 var == GD_GOENV ? "/env" : "");
		free(what);
		free(none);
		return out;
	}
	asprintf(&out, "point %s at a directory %s: %sexport %s=%s%s", name, why,
		 gt_fix_mkdir(f), name, f->fix_dir, var == GD_GOENV ? "/env" : "");
	return out;
}

static unsigned long long read_ull(const char *file, const char *key, int field)
{
	char line[256];
	unsigned long long v = 0;
	FILE *fp = fopen(file, "r");

	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp)) {
		char *p = line;

		if (key && strncmp(line, key, strlen(key)))
			continue;
		p += key ? strlen(key) : 0;
		for (int i = 0; i < field; i++) {
			p += strspn(p, " \t");
			p += strcspn(p, " \t");
		}
		v = strtoull(p, NULL, key && !strcmp(key, "CapBnd:") ? 16 : 10);
		break;
	}
	fclose(fp);
	return v;
}

unsigned long long gt_nofile_hard(pid_t pid)
{
	char file[64];

	snprintf(file, sizeof(file), "/proc/%d/limits", pid);
	return read_ull(file, "Max open files", 1);
}

char *gt_fix_nofile(struct gt_finding *f)
{
	unsigned long long nr_open = read_ull("/proc/sys/fs/nr_open", NULL, 0), n = 65536;
	unsigned long long cur = f->limits.nofile_max, parent = f->job_nofile_max, bnd;
	char file[64];
	char *out = NULL;
	bool cap;

	snprintf(file, sizeof(file), "/proc/%d/status", f->pid);
	bnd = read_ull(file, "CapBnd:", 0);
	if (!bnd)
		bnd = read_ull("/proc/self/status", "CapBnd:", 0);
	cap = bnd & (1ULL << 24);	/* CAP_SYS_RESOURCE */
	/*
	 * Where the job starts: read at its go command's exec. The refused
	 * process's parent read now may have ended (a failing go takes its
	 * caller's shell with it), or be go itself with the same low limit.
	 */
	if (!parent)
		parent = gt_nofile_hard(f->ppid);
	if (cap && n <= nr_open) {
		f->fix_checked = true;
	} else if (parent > cur) {
		n = parent;
		f->fix_checked = true;
	}
	asprintf(&out, "raise the hard limit where the job starts (LimitNOFILE= in systemd, "
		 "docker --ulimit nofile=%llu:%llu, prlimit --nofile=%llu:%llu, limits.conf), "
		 "e.g. ulimit -Hn %llu as root before dropping privileges%s", n, n, n, n, n,
		 cap ? "" : f->fix_checked ? "; without CAP_SYS_RESOURCE (not in this machine's "
		 "bounding set) no more than the parent's hard limit can be set" :
		 "; this machine's bounding set lacks CAP_SYS_RESOURCE: raise it where the "
		 "machine's limits are set (the service manager's DefaultLimitNOFILE=)");
	return out;
}
