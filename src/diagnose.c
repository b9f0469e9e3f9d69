// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include "diagnose.h"
#include "fixcheck.h"
#include "lsm.h"
#include "mounts.h"
#include "rlimits.h"
#include <selinux/selinux.h>

/*
 * stat path below root: the process's root while it lives ("/proc/PID/root"),
 * else "". A container's absolute symlinks point at its own root: resolved
 * from the host they would reach host files, so the walk stays inside with
 * RESOLVE_IN_ROOT (openat2, Linux 5.6) and never crosses a magic link.
 */
static int stat_in(const char *root, const char *path, struct stat *st)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int dfd, fd, r;

	if (!root[0])
		return stat(path, st);
	dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	fd = syscall(SYS_openat2, dfd, path, &how, sizeof(how));
	r = fd < 0 ? -1 : fstat(fd, st);
	if (fd >= 0)
		close(fd);
	else if (errno == ENOSYS)
		errno = EOPNOTSUPP;	/* never fall back to following links out of the root */
	r = r ? -errno : 0;
	close(dfd);
	if (r)
		errno = -r;
	return r ? -1 : 0;
}

/* The root to examine the process's paths from: its own while it lives. */
static void root_of(pid_t pid, char *root, size_t size)
{
	struct stat st;

	snprintf(root, size, "/proc/%d/root", pid);
	if (stat_in(root, "/", &st))
		root[0] = '\0';
}

void gt_root_of(pid_t pid, char *root, size_t size)
{
	root_of(pid, root, size);
}

int gt_stat_in(const char *root, const char *path, struct stat *st)
{
	return stat_in(root, path, st);
}

static bool in_groups(const struct gt_creds *c, gid_t g)
{
	unsigned n = c->ngroups < GT_NGROUPS ? c->ngroups : GT_NGROUPS;

	if (c->fsgid == g)
		return true;
	for (unsigned i = 0; i < n; i++)
		if (c->groups[i] == g)
			return true;
	return false;
}

/* DAC check of mask (4 read, 2 write, 1 exec/search) for the creds, as the kernel does. */
static bool dac_allows(const struct stat *st, const struct gt_creds *c, int mask)
{
	int bits;

	if (c->fsuid == 0)
		return !(mask & 1) || S_ISDIR(st->st_mode) || (st->st_mode & 0111);
	if (st->st_uid == c->fsuid)
		bits = st->st_mode >> 6;
	else if (in_groups(c, st->st_gid))
		bits = st->st_mode >> 3;
	else
		bits = st->st_mode;
	return (bits & mask) == mask;
}

static bool creates(const char *sc)
{
	static const char *const names[] = {
		"mkdir", "mkdirat", "creat", "rename", "renameat", "renameat2", "link", "linkat",
		"symlink", "symlinkat", "unlink", "unlinkat", "rmdir", "mknod", "mknodat",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(sc, names[i]))
			return true;
	return false;
}

/* The access an open asked for (4 read, 2 write), from its flags. */
static int open_need(const struct gt_finding *f)
{
	if (creates(f->syscall))
		return 2;
	if (f->open_flags < 0)
		return strncmp(f->syscall, "open", 4) ? 4 : 2;	/* unknown: assume the worst */
	switch (f->open_flags & O_ACCMODE) {
	case O_WRONLY: return 2;
	case O_RDWR: return 6;
	default: return f->open_flags & O_TRUNC ? 2 : 4;
	}
}

/*
 * The user namespace the walk's owners are told in (set around the walk of a
 * finding's own path): inside a container, "uid 0" of the host may be
 * unmapped (65534 inside) or another uid.
 */
static const struct gt_nsfacts *walk_ns;

/* "uid 0, gid 0", as the process's user namespace sees them (unmapped ones said so) */
static const char *owner_words(const struct stat *st, char *buf, size_t size)
{
	static const struct gt_nsfacts host;
	const struct gt_nsfacts *ns = walk_ns ? walk_ns : &host;
	char u[128], g[128];

	gt_ns_id_words(ns, false, st->st_uid, u, sizeof(u));
	gt_ns_id_words(ns, true, st->st_gid, g, sizeof(g));
	snprintf(buf, size, "%s, %s", u, g);
	return buf;
}

/* "uid 1000 (host uid 101000)": the caller, inside and out */
static const char *who_words(const struct gt_creds *cr, char *buf, size_t size)
{
	static const struct gt_nsfacts host;

	gt_ns_id_words(walk_ns ? walk_ns : &host, false, cr->fsuid, buf, size);
	return buf;
}

/* Calls that remove a directory entry. */
static bool removes(const char *sc)
{
	return sc && (!strcmp(sc, "unlink") || !strcmp(sc, "unlinkat") || !strcmp(sc, "rmdir"));
}

/* Did the object change (chmod, chown, write) after the call at boot-time ts_ns? */
static bool changed_after(const struct stat *st, __u64 ts_ns)
{
	struct timespec rt, bt;
	long long call_real, ctime, margin = 22000000;	/* HZ=100's two ticks and 2 ms */

	if (!ts_ns)
		return false;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	call_real = (long long)ts_ns + (rt.tv_sec - bt.tv_sec) * 1000000000LL +
		    (rt.tv_nsec - bt.tv_nsec);
	ctime = st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
	/*
	 * File times come from the coarse clock, which lags by a tick or more
	 * (measured here: a chmod right after the call read up to 4.8 ms before
	 * it, with 4 ms ticks). Within two ticks the order is unknown, and
	 * unknown must not blame an LSM.
	 */
	if (clock_getres(CLOCK_REALTIME_COARSE, &rt) == 0)
		margin = 2 * (rt.tv_sec * 1000000000LL + rt.tv_nsec) + 2000000;
	return ctime > call_real - margin;
}

/* GT_DAC_CHANGED: owner and mode allow it now, but the object changed after the call */
#define GT_DAC_CHANGED	(GT_DAC_UNKNOWN + 1)

/*
 * dir (cut from the walk's copy of the path: "" stands for /) is where an
 * entry is created or removed: its write and search bits decide.
 */
static int parent_verdict(char *dir, const struct gt_creds *cr, const char *verb, __u64 ts_ns,
			  const char *root, char **why, char **who)
{
	char o[320], w[128];
	struct stat st;

	if (!*dir)
		strcpy(dir, "/");
	if (stat_in(root, dir, &st))
		return GT_DAC_UNKNOWN;
	if (dac_allows(&st, cr, 3))
		return changed_after(&st, ts_ns) ? GT_DAC_CHANGED : GT_DAC_ALLOWS;
	if (who)
		*who = strdup(dir);
	asprintf(why, "%s is owned by %s with mode %04o, so %s cannot %s entries in it", dir,
		 owner_words(&st, o, sizeof(o)), st.st_mode & 07777, who_words(cr, w, sizeof(w)),
		 verb);
	return GT_DAC_REFUSES;
}

/*
 * The walk of gt_dac_walk, for a call at ts_ns (0: not known) that adds or
 * removes a directory entry (entry_call, its name in sc): the directory's
 * write and search bits decide, also when the entry exists. *who gets the
 * refusing component when who is not NULL.
 */
static int dac_walk_call(const char *path, const struct gt_creds *cr, int need, bool create,
			 const char *sc, bool entry_call, __u64 ts_ns, const char *root, char **why,
			 char **who)
{
	int verdict = GT_DAC_UNKNOWN;
	struct stat st;
	char *p, *s, o[320], w[128];

	p = strdup(path);
	if (!p)
		return GT_DAC_UNKNOWN;
	/* walk down: every directory needs search permission */
	for (s = p + 1;; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (stat_in(root, p, &st)) {
			/* p does not exist: its parent is where it would be created */
			char *slash = strrchr(p, '/');

			if (errno != ENOENT || !slash || !create)
				break;
			*slash = '\0';
			verdict = parent_verdict(p, cr, "create", ts_ns, root, why, who);
			break;
		}
		if (S_ISDIR(st.st_mode) && !dac_allows(&st, cr, 1)) {
			verdict = GT_DAC_REFUSES;
			if (who)
				*who = strdup(p);
			asprintf(why, "%s is owned by %s with mode %04o, so %s cannot search "
				 "it", p, owner_words(&st, o, sizeof(o)), st.st_mode & 07777,
				 who_words(cr, w, sizeof(w)));
			break;
		}
		if (c == '\0' && entry_call) {
			/* it exists: replacing or removing an entry needs its directory's bits */
			char *slash = strrchr(p, '/');

			if (!slash)
				break;
			*slash = '\0';
			verdict = parent_verdict(p, cr, removes(sc) ? "remove" : "create", ts_ns,
						 root, why, who);
			break;
		}
		if (c == '\0') {
			/* the path exists: the refused access is on the object itself */
			verdict = changed_after(&st, ts_ns) ? GT_DAC_CHANGED : GT_DAC_ALLOWS;
			if (!dac_allows(&st, cr, need)) {
				verdict = GT_DAC_REFUSES;
				if (who)
					*who = strdup(p);
				asprintf(why, "%s is owned by %s with mode %04o, so %s cannot %s "
					 "it", p, owner_words(&st, o, sizeof(o)), st.st_mode & 07777,
					 who_words(cr, w, sizeof(w)),
					 need == 1 ? "execute" : need == 2 ? "write" :
					 need == 3 ? "create entries in" :
					 need == 6 ? "read and write" : "read");
			}
			break;
		}
		*s = '/';
	}
	free(p);
	return verdict;
}

/*
 * Find the path component whose owner and mode refuse the access: a
 * directory on the way that cannot be searched, or the last existing one.
 * GT_DAC_REFUSES sets *why; GT_DAC_ALLOWS only when every needed fact was
 * seen, since "DAC allows it" is what puts a refusal on the LSMs.
 */
enum gt_dac gt_dac_walk(const char *path, const struct gt_creds *cr, int need, bool create,
			const char *root, char **why)
{
	return (enum gt_dac)dac_walk_call(path, cr, need, create, NULL, false, 0, root, why, NULL);
}

enum dac {
	DAC_REFUSES = GT_DAC_REFUSES, DAC_ALLOWS = GT_DAC_ALLOWS, DAC_UNKNOWN = GT_DAC_UNKNOWN,
	DAC_CHANGED = GT_DAC_CHANGED,
};

/* The walk for the finding's own call: what it needed, and whether it was creating. */
static enum dac dac_walk(const struct gt_finding *f, const char *root, char **why, char **who)
{
	bool create = creates(f->syscall) || (f->open_flags < 0 ? !strncmp(f->syscall, "open", 4)
								 : (f->open_flags & O_CREAT) != 0);
	int need = !strcmp(f->syscall, "execve") ? 1 : open_need(f);
	enum dac d;

	walk_ns = &f->ns;
	d = (enum dac)dac_walk_call(f->path, &f->creds, need, create, f->syscall,
				    creates(f->syscall), f->ts_ns, root, why, who);
	walk_ns = NULL;
	return d;
}

/* dac_walk from the process's root; if it died during the walk, again from ours. */
static enum dac dac_refusal(const struct gt_finding *f, char **why, char **who)
{
	char root[64];
	enum dac d;
	struct stat st;

	*why = *who = NULL;
	/* only an absolute path can be walked (an empty one ran off the buffer) */
	if (!f->path || f->path[0] != '/')
		return DAC_UNKNOWN;
	/* the process has usually ended by now (the hold): its namespace's pinned root then */
	gt_examine_root(f, root, sizeof(root));
	d = dac_walk(f, root, why, who);
	if (root[0] && stat_in(root, "/", &st)) {
		free(*why);
		free(*who);
		*why = *who = NULL;
		d = dac_walk(f, "", why, who);
	}
	return d;
}

/*
 * go removes $WORK as it exits, often before the refusal of its own test or
 * run binary can be examined. go wrote that binary moments before, as the
 * same user, executable: owner and mode did not refuse it.
 */
static bool own_work_binary(const struct gt_finding *f)
{
	return !strcmp(f->syscall, "execve") && f->role == GT_ROLE_GO && f->path &&
	       strstr(f->path, "/go-build") &&
	       (f->go_dir == GD_TMPDIR || f->go_dir == GD_GOTMPDIR);
}

/* Which LSM refused, when owner, mode and mounts allowed the access. */
static enum gt_cause which_lsm(void)
{
	static const struct { const char *n; enum gt_cause c; } file_lsms[] = {
		{ "selinux", GC_SELINUX }, { "apparmor", GC_APPARMOR },
		{ "landlock", GC_LANDLOCK }, { "smack", GC_LSM }, { "tomoyo", GC_LSM },
	};
	enum gt_cause only = GC_LSM;
	int n = 0;

	for (size_t i = 0; i < sizeof(file_lsms) / sizeof(file_lsms[0]); i++) {
		if (gt_lsm_active(file_lsms[i].n)) {
			only = file_lsms[i].c;
			n++;
		}
	}
	return n == 1 ? only : GC_LSM;
}

static const char *what_go_dir_holds(enum gt_go_dir d)
{
	switch (d) {
	case GD_GOCACHE: return "the build cache (GOCACHE)";
	case GD_GOTMPDIR: return "the work dir under GOTMPDIR";
	case GD_TMPDIR: return "the temporary directory (TMPDIR)";
	case GD_GOMODCACHE: return "the module cache (GOMODCACHE)";
	case GD_GOBIN: return "the install dir (GOBIN)";
	case GD_GOPATH: return "GOPATH";
	case GD_GOROOT: return "the Go installation (GOROOT)";
	case GD_GOENV: return "the go env file (GOENV)";
	case GD_MODULE: return "the module's source dir";
	default: return NULL;
	}
}

static char *fix_move(struct gt_finding *f, const char *why)
{
	const char *var = gt_go_dir_name(f->go_dir);
	char *out = NULL;

	if (f->go_dir == GD_GOROOT)
		asprintf(&out, "install or copy Go (%s) to a place %s", f->go_dir_path ?: "GOROOT",
			 why);
	else if (f->go_dir == GD_MODULE)
		asprintf(&out, "build from a checkout in a place %s", why);
	else if (var)
		out = gt_fix_setting(f, f->go_dir, gt_fix_need_of(f, f->go_dir), why);
	return out;
}

/* "{ read open }" from an AVC's denied bits, by libselinux where SELinux is on. */
static void avc_perms(const struct gt_lsm_info *l, char *buf, size_t size)
{
	security_class_t cls = string_to_security_class(l->tclass);
	size_t n = snprintf(buf, size, "{");

	for (int bit = 0; bit < 32 && n < size; bit++) {
		const char *p;

		if (!(l->denied & (1u << bit)))
			continue;
		p = cls ? security_av_perm_to_string(cls, 1u << bit) : NULL;
		if (p)
			n += snprintf(buf + n, size - n, " %s", p);
		else
			n += snprintf(buf + n, size - n, " 0x%x", 1u << bit);
	}
	if (n < size)
		snprintf(buf + n, size - n, " }");
}

/* The type field of a context: "system_u:object_r:gt_denied_t:s0" -> "gt_denied_t". */
static void ctx_type(const char *ctx, char *buf, size_t size)
{
	const char *a = strchr(ctx, ':'), *b = a ? strchr(a + 1, ':') : NULL, *c;

	if (!b) {
		snprintf(buf, size, "%s", ctx);
		return;
	}
	c = strchr(b + 1, ':');
	snprintf(buf, size, "%.*s", (int)(c ? c - b - 1 : (long)strlen(b + 1)), b + 1);
}

static void explain_selinux(struct gt_finding *f)
{
	/* label what the user chose (GOCACHE=/srv/cache), never a default like /tmp */
	const char *what = f->go_dir_path && !f->go_dir_default ? f->go_dir_path :
			   f->path ? f->path : "PATH";
	char perms[160], stype[GT_CTX_MAX];

	avc_perms(&f->lsm, perms, sizeof(perms));
	ctx_type(f->lsm.scontext, stype, sizeof(stype));
	asprintf(&f->explanation, "SELinux denied %s %s on %s: the process runs as %s and the "
		 "%s is labelled %s (tclass=%s)", f->comm, perms, f->path ? f->path : "(no path)",
		 f->lsm.scontext, f->lsm.tclass, f->lsm.tcontext, f->lsm.tclass);
	asprintf(&f->fix, "if %s is mislabelled, restorecon -Rv %s; to label it for the build: "
		 "semanage fcontext -a -t <a type %s may %s> '%s(/.*)?' && restorecon -Rv %s; a "
		 "container volume needs the :z or :Z option", what, what, stype, perms, what, what);
}

static void explain_lsm(struct gt_finding *f)
{
	if (f->cause == GC_SELINUX && f->lsm.have_avc) {
		explain_selinux(f);
		return;
	}
	const char *lsms = gt_active_lsms(), *name = gt_cause_name(f->cause);
	const char *var = gt_go_dir_name(f->go_dir);

	if (f->cause == GC_LANDLOCK)
		asprintf(&f->explanation, "%s (uid %u) was refused %s on %s although owner, mode "
			 "and mount allow it; Landlock is the only active LSM that restricts file "
			 "access%s: a Landlock ruleset of the launcher forbids this access",
			 f->comm, f->creds.fsuid, f->syscall, f->path,
			 f->lsm.hook ? " (the kernel's LSM hook returned the refusal)" :
			 f->limits.flags & GT_SE_NNP ? " and the process runs with no_new_privs" : "");
	else
		asprintf(&f->explanation, "%s (uid %u) was refused %s on %s (%s) although owner, "
			 "mode and mount allow it: %s%s security module refused it%s (active LSMs: "
			 "%s)", f->comm, f->creds.fsuid, f->syscall, f->path,
			 gt_errno_name(f->err) ?: "?", f->cause == GC_LSM ? "a" : "the ",
			 f->cause == GC_LSM ? "" : name,
			 f->lsm.hook ? ", as its hook's verdict shows" : "", lsms ? lsms : "unknown");
	if (var && f->go_dir_path && !f->go_dir_default && f->go_dir != GD_GOROOT &&
	    f->go_dir != GD_MODULE)
		asprintf(&f->fix, "allow %s in the %s policy of the build's sandbox, or point %s "
			 "at a directory the policy allows", f->go_dir_path ? f->go_dir_path : f->path,
			 f->cause == GC_LSM ? "security" : name, var);
	else
		asprintf(&f->fix, "allow %s in the %s policy of the build's sandbox", f->path,
			 f->cause == GC_LSM ? "security" : name);
}

/*
 * Handing a directory over with chown -R is right for a cache or GOPATH that
 * belongs to one build user, never for shared places like /tmp or $HOME's parent.
 */
static bool chown_is_safe(const struct gt_finding *f)
{
	static const char *const shared[] = {
		"/", "/tmp", "/var/tmp", "/home", "/root", "/var", "/usr", "/opt", "/srv",
		"/run", "/dev/shm", "/var/cache", "/var/lib",
	};
	const char *d = f->go_dir_path;

	if (f->go_dir == GD_TMPDIR || f->go_dir == GD_GOTMPDIR || f->go_dir == GD_GOENV)
		return false;
	for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++)
		if (!strcmp(d, shared[i]))
			return false;
	return true;
}

/* Does path exist as the process sees it (its root, or its namespace's pinned one)? */
static bool exists(const struct gt_finding *f, const char *path)
{
	char root[64];
	struct stat st;

	gt_examine_root(f, root, sizeof(root));
	return stat_in(root, path, &st) == 0;
}

/* Own directory (checked) or hand the refused one over: it exists and is one user's. */
static char *fix_own_or_chown(struct gt_finding *f)
{
	const char *var = gt_go_dir_name(f->go_dir);
	struct gt_fix_check r;
	char *out = NULL;

	gt_fix_pick_for(f, f->go_dir, gt_fix_need_of(f, f->go_dir), &r);
	gt_fix_record(f, &r);
	if (f->fix_dir)
		asprintf(&out, "give uid %u its own %s (%sexport %s=%s) or hand this one over: "
			 "chown -R %u %s", f->creds.fsuid, var, gt_fix_mkdir(f), var, f->fix_dir,
			 f->creds.fsuid, f->go_dir_path);
	else
		asprintf(&out, "hand this %s over to uid %u: chown -R %u %s", var, f->creds.fsuid,
			 f->creds.fsuid, f->go_dir_path);
	/* chown by root of an existing directory: a fix that works, checked or not */
	f->fix_checked = true;
	return out;
}

/* Go derived the directory from a HOME the user cannot write (docker -u UID gives HOME=/). */
static bool home_unusable(const struct gt_finding *f)
{
	return f->go_dir_default && f->home && f->go_dir_path &&
	       gt_path_under(f->go_dir_path, f->home) &&
	       (!strcmp(f->home, "/") || gt_path_under(f->home, f->path));
}

/*
 * "overlay at /" from the mount table; from the runtime's config when the
 * table could not be read (the process and its mount namespace ended before
 * gotraced got to its exec record), saying so.
 */
static const char *mount_at(const struct gt_finding *f)
{
	static char buf[512];

	if (!f->mount.from_config)
		snprintf(buf, sizeof(buf), "%s at %s", f->mount.fstype, f->mount.target);
	else
		snprintf(buf, sizeof(buf), "%s%s%s, as %s configured the container: its mount "
			 "namespace ended before its mounts could be read", f->mount.fstype,
			 f->mount.fstype[0] ? " at " : "", f->mount.target,
			 f->ns.runtime ? f->ns.runtime : "the runtime");
	return buf;
}

/* A test (or a program go run started) writing into its own package directory. */
static bool writes_own_tree(const struct gt_finding *f)
{
	return f->go_dir == GD_MODULE && (f->role == GT_ROLE_TEST || f->role == GT_ROLE_RUN) &&
	       f->go_dir_path && f->path;
}

/*
 * The directory holding the package's go.mod (the module to copy), or NULL:
 * looked for from the package dir up, through the process's root.
 */
static char *module_root(const struct gt_finding *f, const char *pkg)
{
	char root[64], *d = strdup(pkg), *s;
	struct stat st;

	gt_examine_root(f, root, sizeof(root));
	while (d && d[1]) {
		char mod[PATH_MAX + 8];

		snprintf(mod, sizeof(mod), "%s/go.mod", d);
		if (!stat_in(root, mod, &st))
			return d;
		s = strrchr(d, '/');
		if (!s)
			break;
		*s = '\0';
		if (s == d)
			break;
	}
	free(d);
	return NULL;
}

/*
 * A test that creates files in its own source tree, which the user cannot
 * write (Debian's root-owned /usr/share/gocode/src, a read-only checkout):
 * no chown of a directory that does not exist yet; the tree must be one the
 * user can write, so the fix is a writable copy (checked), module or GOPATH.
 */
static void explain_source_tree(struct gt_finding *f, const char *dac)
{
	const char *pkg = f->go_dir_path, *gopath = f->env.v[GE_GOPATH];
	char *mod = module_root(f, pkg), *fix = NULL;
	struct gt_fix_check r;
	char gp0[PATH_MAX];
	bool in_gopath;

	if (dac)
		asprintf(&f->explanation, "%s (uid %u), the %s, was refused %s on %s: it creates "
			 "files in its own source tree %s, and %s", f->comm, f->creds.fsuid,
			 f->role == GT_ROLE_TEST ? "test binary" : "program go run built", f->syscall,
			 f->path, pkg, dac);
	else
		asprintf(&f->explanation, "%s (uid %u), the %s, could not %s %s: it writes into "
			 "its own source tree %s, which is on a read-only %s (%s)", f->comm,
			 f->creds.fsuid, f->role == GT_ROLE_TEST ? "test binary" : "program go run built",
			 f->syscall, f->path, pkg, f->mount.known ? "mount" : "file system",
			 f->mount.known ? mount_at(f) : "its mounts could not be read: the process and "
			 "its mount namespace ended first");
	gp0[0] = '\0';
	if (gopath && gopath[0] == '/')
		snprintf(gp0, sizeof(gp0), "%.*s", (int)strcspn(gopath, ":"), gopath);
	in_gopath = !mod && gp0[0] && gt_path_under(pkg, gp0) && strlen(pkg) > strlen(gp0) + 5 &&
		    !strncmp(pkg + strlen(gp0), "/src/", 5);
	gt_fix_pick_for(f, in_gopath ? GD_GOPATH : GT_FW_SRC_COPY, 0, &r);
	gt_fix_record(f, &r);
	if (!f->fix_dir) {
		char *none = gt_fix_none(f, "a copy of the source tree", 0);

		asprintf(&fix, "run the tests where the tree is writable; %s", none ? none : "");
		free(none);
	} else if (mod) {
		const char *base = strrchr(mod, '/') + 1;

		asprintf(&fix, "run the tests from a writable copy of the module: %scp -r %s %s/ && "
			 "cd %s/%s%s && go test . (or run them where %s is writable by uid %u)",
			 gt_fix_mkdir(f), mod, f->fix_dir, f->fix_dir, base, pkg + strlen(mod), mod,
			 f->creds.fsuid);
	} else if (in_gopath) {
		/* GOPATH mode: the package copied into a GOPATH of the user's own, first in the list */
		const char *ip = pkg + strlen(gp0) + 5;
		const char *slash = strrchr(ip, '/');

		asprintf(&fix, "run the tests from a writable copy in a GOPATH of your own: mkdir -p "
			 "%s/src/%.*s && cp -r %s %s/src/%.*s/ && cd %s/src/%s && GOPATH=%s:%s go test "
			 ". (or run them where %s is writable by uid %u)", f->fix_dir,
			 slash ? (int)(slash - ip) : 0, ip, pkg, f->fix_dir,
			 slash ? (int)(slash - ip) : 0, ip, f->fix_dir, ip, f->fix_dir, gopath, pkg,
			 f->creds.fsuid);
	} else {
		const char *base = strrchr(pkg, '/') + 1;

		asprintf(&fix, "run the tests from a writable copy of the package: %scp -r %s %s/ && "
			 "cd %s/%s && go test . (or run them where %s is writable by uid %u)",
			 gt_fix_mkdir(f), pkg, f->fix_dir, f->fix_dir, base, pkg, f->creds.fsuid);
	}
	free(mod);
	f->fix = fix;
}

/*
 * noexec: go's own $WORK binary (GOTMPDIR fixes it), or something else the
 * build maps or runs from there: a shared object or plugin (mmap PROT_EXEC,
 * EPERM), a program a test runs. Those must move, or the mount lose noexec.
 */
static void explain_noexec(struct gt_finding *f)
{
	bool work = f->go_dir == GD_TMPDIR || f->go_dir == GD_GOTMPDIR;
	bool map = !strcmp(f->syscall, "mmap") || !strcmp(f->syscall, "mprotect");
	const char *mnt = f->mount.target, *what;
	struct gt_fix_check r;

	if (work) {
		char *set;

		asprintf(&f->explanation, "%s is on a noexec mount (%s at %s), so %s cannot %s "
			 "the %s it built in $WORK", f->path, f->mount.fstype, mnt, f->comm,
			 map ? "map" : "run", map ? "object" : "binary");
		set = gt_fix_setting(f, GD_GOTMPDIR, GT_FIX_EXEC, "on a mount without noexec");
		asprintf(&f->fix, "%s (or remount %s with exec)", set ? set : "", mnt);
		free(set);
		return;
	}
	if (f->go_dir == GD_GOCACHE && !map) {
		char *set;

		/* Go 1.24+: go run and go tool execute what they cached (GOCACHE/xx/HASH-d/NAME) */
		asprintf(&f->explanation, "%s is on a noexec mount (%s at %s), so %s cannot run "
			 "the executable go run or go tool cached in GOCACHE", f->path,
			 f->mount.fstype, mnt, f->comm);
		set = gt_fix_setting(f, GD_GOCACHE, GT_FIX_EXEC, "on a mount without noexec");
		asprintf(&f->fix, "%s (or remount %s with exec)", set ? set : "", mnt);
		free(set);
		return;
	}
	if (map) {
		asprintf(&f->explanation, "%s (%s) could not map %s executable (%s PROT_EXEC: %s): "
			 "it is on a %s mounted noexec at %s, so a shared object or Go plugin there "
			 "cannot be loaded (plugin.Open, dlopen)", f->comm, gt_role_name(f->role),
			 f->path, f->syscall, gt_errno_name(f->err) ?: "?", f->mount.fstype, mnt);
		what = "the shared object";
		gt_fix_pick_for(f, GT_FW_SHLIB, GT_FIX_EXEC, &r);
	} else {
		asprintf(&f->explanation, "%s (%s) could not run %s: it is on a %s mounted noexec at "
			 "%s%s", f->comm, gt_role_name(f->role), f->path, f->mount.fstype, mnt,
			 f->go_dir == GD_GOROOT ? "; it is the Go installation (GOROOT)" : "");
		what = "the program";
		gt_fix_pick_for(f, GT_FW_PROGRAM, GT_FIX_EXEC, &r);
	}
	gt_fix_record(f, &r);
	if (f->fix_dir) {
		asprintf(&f->fix, "put %s on a mount without noexec and %s it from there: %scp %s "
			 "%s/ (then use %s/%s), or remount %s with exec", what, map ? "load" : "run",
			 gt_fix_mkdir(f), f->path, f->fix_dir, f->fix_dir, strrchr(f->path, '/') + 1,
			 mnt);
	} else {
		char *none = gt_fix_none(f, what, GT_FIX_EXEC);

		asprintf(&f->fix, "remount %s with exec, or %s", mnt, none ? none : "");
		free(none);
	}
}

/*
 * Outside the Go directories: open up the component that refused (named at
 * the start of the walk's reason), which exists, unlike a path being created.
 */
static char *fix_access(struct gt_finding *f, const char *dac)
{
	const char *end = dac ? strstr(dac, " is owned by uid ") : NULL;
	char *out = NULL;

	if (end && (size_t)(end - dac) != strlen(f->path))
		asprintf(&out, "make %.*s %s for uid %u (chown or chmod), or run as its owner",
			 (int)(end - dac), dac, strstr(end, "cannot search") ? "searchable" :
			 "writable", f->creds.fsuid);
	else
		asprintf(&out, "make %s accessible to uid %u (chown or chmod), or run as its "
			 "owner", f->path, f->creds.fsuid);
	return out;
}

/*
 * chmod and chown answer EPERM by rule, not by mode: only the owner (or
 * CAP_FOWNER) changes a mode, only CAP_CHOWN gives a file away. True when
 * the file, seen through the process's root, shows which rule refused.
 */
static bool explain_owner_rule(struct gt_finding *f)
{
	bool mode = !strncmp(f->syscall, "chmod", 5) || !strncmp(f->syscall, "fchmod", 6);
	bool owner = strstr(f->syscall, "chown") != NULL;
	char root[64];
	struct stat st;

	if (f->err != EPERM || (!mode && !owner) || !f->path)
		return false;
	gt_examine_root(f, root, sizeof(root));
	if (stat_in(root, f->path, &st))
		return false;
	if (mode && st.st_uid == f->creds.fsuid)
		return false;
	free(f->refuser);
	f->refuser = strdup(f->path);	/* its owner refused: repeats gather on the file */
	if (mode)
		asprintf(&f->explanation, "%s (uid %u) was not permitted to %s %s (EPERM): it is "
			 "owned by uid %u, and only its owner or a process with CAP_FOWNER may change "
			 "its mode", f->comm, f->creds.fsuid, f->syscall, f->path, st.st_uid);
	else
		asprintf(&f->explanation, "%s (uid %u) was not permitted to %s %s (EPERM): giving "
			 "a file to another owner needs CAP_CHOWN (an owner may only change its group "
			 "to one of its own), and it is owned by uid %u", f->comm, f->creds.fsuid,
			 f->syscall, f->path, st.st_uid);
	asprintf(&f->fix, "run the step as the owner of %s (uid %u) or as root, or have the test "
		 "work on a copy it owns", f->path, st.st_uid);
	return true;
}

static void explain_permission(struct gt_finding *f)
{
	char *dac, *fix = NULL, *who;
	enum dac verdict = dac_refusal(f, &dac, &who);
	const char *holds = what_go_dir_holds(f->go_dir);

	free(f->refuser);
	f->refuser = who;	/* what refused: repeats on it gather into one finding */

	if (dac && home_unusable(f)) {
		const char *var = gt_go_dir_name(f->go_dir);

		asprintf(&f->explanation, "%s (uid %u) was refused %s on %s: %s; %s is unset, so "
			 "Go put it under HOME=%s, which this user cannot write (as with docker "
			 "run -u UID)", f->comm, f->creds.fsuid, f->syscall, f->path, dac, var,
			 f->home);
		fix = gt_fix_setting(f, f->go_dir, gt_fix_need_of(f, f->go_dir), "the user can write");
		asprintf(&f->fix, "set %s explicitly (%s), or give the build a HOME it can write",
			 var, fix ? fix : "");
		free(fix);
		free(dac);
		return;
	}
	if (verdict == DAC_UNKNOWN && own_work_binary(f))
		verdict = DAC_ALLOWS;
	if (verdict == DAC_CHANGED) {
		/* evidence read after the object changed proves nothing: blame no LSM */
		asprintf(&f->explanation, "%s (uid %u) was refused %s on %s (%s); it changed after "
			 "the call (its ctime is later), so its owner and mode now do not show what "
			 "refused it: the evidence is not conclusive", f->comm, f->creds.fsuid,
			 f->syscall, f->path, gt_errno_name(f->err) ?: "?");
		f->fix = fix_move(f, "writable by the user running go");
		if (!f->fix)
			asprintf(&f->fix, "check the owner and mode of %s and its parents when the "
				 "call fails (namei -l %s)", f->path, f->path);
		return;
	}
	/* EACCES on a path although DAC allows it: an LSM; EPERM stays a capability matter */
	if (verdict == DAC_ALLOWS && f->err == EACCES) {
		f->cause = which_lsm();
		explain_lsm(f);
		return;
	}
	if (dac && writes_own_tree(f)) {
		explain_source_tree(f, dac);
		free(dac);
		return;
	}
	if (dac) {
		asprintf(&f->explanation, "%s (uid %u) was refused %s on %s%s%s: %s", f->comm,
			 f->creds.fsuid, f->syscall, f->path, holds ? ", in " : "",
			 holds ? holds : "", dac);
		if (f->go_dir != GD_NONE && f->go_dir != GD_GOROOT && f->go_dir != GD_MODULE &&
		    f->go_dir_path && chown_is_safe(f) && exists(f, f->go_dir_path))
			fix = fix_own_or_chown(f);
		else if (f->go_dir != GD_NONE && f->go_dir != GD_GOROOT && f->go_dir != GD_MODULE)
			fix = gt_fix_setting(f, f->go_dir, gt_fix_need_of(f, f->go_dir), "the user can write");
		else
			fix = fix_access(f, dac);
		free(dac);
	} else if (verdict == DAC_UNKNOWN) {
		asprintf(&f->explanation, "%s (uid %u) was refused %s on %s (%s); the path could "
			 "not be examined (it or the process was gone by then), so the evidence does "
			 "not tell file permissions from a security module", f->comm, f->creds.fsuid,
			 f->syscall, f->path ? f->path : "(no path)", gt_errno_name(f->err) ?: "?");
		fix = fix_move(f, "writable by the user running go");
		if (!fix)
			asprintf(&fix, "check the owner and mode of %s and its parents (namei -l %s)",
				 f->path ? f->path : "the path", f->path ? f->path : "PATH");
	} else if (explain_owner_rule(f)) {
		return;
	} else {
		/* EPERM that owner and mode do not explain: a missing capability */
		asprintf(&f->explanation, "%s (uid %u) was not permitted to %s %s (EPERM): this "
			 "needs ownership of the file or a capability the process lacks; the "
			 "evidence does not show which", f->comm, f->creds.fsuid, f->syscall,
			 f->path ? f->path : "(no path)");
		fix = fix_move(f, "owned by the user running go");
		if (!fix)
			asprintf(&fix, "run the step as the owner of %s, or drop the operation",
				 f->path ? f->path : "the file");
	}
	f->fix = fix;
}

/*
 * statvfs of mnt as the refused process saw it. A cgo or compile step is often
 * gone by now: its go command, in the same mount namespace, still sees the same
 * mount; the daemon's own view only serves a process of the daemon's namespace
 * (a private tmpfs elsewhere would read as the file system under it).
 */
static bool statvfs_as(const struct gt_finding *f, const char *mnt, struct statvfs *sv)
{
	pid_t who[2] = { f->pid, f->go_pid };
	char buf[PATH_MAX + 32];
	struct stat st;

	for (int i = 0; i < 2; i++) {
		if (who[i] <= 0 || (i && who[i] == who[0]))
			continue;
		if (i) {
			snprintf(buf, sizeof(buf), "/proc/%d/ns/mnt", who[i]);
			if (stat(buf, &st) || st.st_ino != f->mntns)
				continue;
		}
		snprintf(buf, sizeof(buf), "/proc/%d/root%s", who[i], mnt);
		if (statvfs(buf, sv) == 0)
			return true;
	}
	return f->mntns && f->mntns == gt_mounts_self_ns() && statvfs(mnt, sv) == 0;
}

static void explain_space(struct gt_finding *f)
{
	struct statvfs sv;
	const char *mnt = f->mount.known ? f->mount.target : f->path;
	char *fix;

	memset(&sv, 0, sizeof(sv));
	if (!mnt)
		mnt = "(unknown)";	/* a write on an fd whose file was not seen */
	if (mnt[0] == '/' && statvfs_as(f, mnt, &sv))
		asprintf(&f->explanation, "%s ran out of %s writing %s: the %s file system at %s "
			 "has %llu MiB free of %llu MiB", f->comm,
			 f->cause == GC_QUOTA ? "quota" : "space", f->path,
			 f->mount.fstype[0] ? f->mount.fstype : "", mnt,
			 (unsigned long long)sv.f_bavail * sv.f_frsize >> 20,
			 (unsigned long long)sv.f_blocks * sv.f_frsize >> 20);
	else
		asprintf(&f->explanation, "%s ran out of %s writing %s on the %s file system at %s "
			 "(its free space could not be read: no process of its mount namespace "
			 "was left to look through)", f->comm,
			 f->cause == GC_QUOTA ? "quota" : "space", f->path,
			 f->mount.fstype[0] ? f->mount.fstype : "", mnt);
	fix = fix_move(f, "with room");
	if (f->go_dir == GD_GOCACHE && fix) {
		char *both;

		asprintf(&both, "go clean -cache, or %s", fix);
		free(fix);
		fix = both;
	}
	if (!fix)
		asprintf(&fix, "free space on %s", mnt);
	f->fix = fix;
}

/* Go's symptom for a syscall a filter refuses, where it is a known one. */
static const char *seccomp_symptom(const char *sc)
{
	if (!strcmp(sc, "clone3"))
		return "; glibc then reports 'pthread_create failed: Operation not permitted' "
		       "instead of falling back to clone";
	if (!strcmp(sc, "faccessat2"))
		return "; glibc's fallback to faccessat only runs on ENOSYS";
	if (!strncmp(sc, "pidfd", 5))
		return "; Go falls back only when the filter answers ENOSYS";
	return "";
}

static void explain_seccomp(struct gt_finding *f)
{
	if (!strcmp(f->action, "errno")) {
		asprintf(&f->explanation, "a seccomp filter refused %s's %s with %s before the "
			 "kernel ran it (the call never reached sys_enter)%s", f->comm, f->syscall,
			 gt_errno_name(f->err) ?: "an error", seccomp_symptom(f->syscall));
		asprintf(&f->fix, "allow %s in the seccomp profile of the build's container or "
			 "sandbox, or have the profile answer ENOSYS for syscalls it does not know "
			 "(SCMP_ACT_ERRNO(ENOSYS)) so glibc and Go fall back; with docker: "
			 "--security-opt seccomp=<profile>", f->syscall);
		return;
	}
	asprintf(&f->explanation, "a seccomp filter %s %s (pid %d, %s) when it called %s: "
		 "SIGSYS with SYS_SECCOMP%s", !strcmp(f->action, "kill") ? "killed" : "trapped",
		 f->comm, f->pid, gt_role_name(f->role), f->syscall,
		 !strcmp(f->action, "kill") ? "; go reports 'signal: bad system call'" :
		 "; the process died of the trap ('SIGSYS: bad system call')");
	asprintf(&f->fix, "allow %s in the seccomp profile of the build's sandbox (or make it "
		 "answer ENOSYS/EPERM instead of killing, so the program can handle it)",
		 f->syscall);
}

static void explain_killed(struct gt_finding *f)
{
	const char *sig = gt_signal_name(f->signal) ?: "a signal";

	if (f->cause == GC_OOM_KILL && (!f->cgroup || !f->mem_max)) {
		/* pid-only mark_victim (before 6.8) and the victim gone before it was read */
		asprintf(&f->explanation, "%s (pid %d, %s) was killed by the OOM killer; its "
			 "memory cgroup%s%s and limit could not be read", f->comm, f->pid,
			 gt_role_name(f->role), f->cgroup ? " is " : "", f->cgroup ? f->cgroup : "");
		asprintf(&f->fix, "raise the job's memory limit (memory.max on cgroup v2, "
			 "docker --memory, MemoryMax=) or the machine's memory, or use less memory "
			 "at once: go build -p 1, go test -p 1 -parallel 1");
		return;
	}
	if (f->cause == GC_OOM_KILL && f->mem_max >= (1ULL << 62)) {
		/* no limit on the way: the machine as a whole ran out */
		asprintf(&f->explanation, "%s (pid %d, %s) was killed by the OOM killer: the "
			 "machine ran out of memory (its memory cgroup %s has no limit)", f->comm,
			 f->pid, gt_role_name(f->role), f->cgroup);
		asprintf(&f->fix, "use less memory at once (go build -p 1, go test -p 1 -parallel "
			 "1) or give the machine more memory or swap");
		return;
	}
	if (f->cause == GC_OOM_KILL) {
		asprintf(&f->explanation, "%s (pid %d, %s) was killed by the OOM killer: its "
			 "memory cgroup %s used %llu MiB of its %llu MiB limit", f->comm, f->pid,
			 gt_role_name(f->role), f->cgroup ? f->cgroup : "?",
			 (unsigned long long)f->mem_usage >> 20, (unsigned long long)f->mem_max >> 20);
		asprintf(&f->fix, "raise the memory limit of cgroup %s (memory.max on cgroup v2, memory.limit_in_bytes on v1, docker "
			 "--memory, MemoryMax=) or use less memory at once: go build -p 1, go test "
			 "-p 1 -parallel 1", f->cgroup ? f->cgroup : "of the job");
		return;
	}
	if (f->sender_is_go && (f->signal == SIGQUIT || f->signal == SIGKILL) &&
	    f->role == GT_ROLE_TEST) {
		asprintf(&f->explanation, "%s (pid %d) was killed by %s from go itself: the test "
			 "binary ran past go test's -timeout", f->comm, f->pid, sig);
		asprintf(&f->fix, "find the hanging test (go test -v -timeout 10m shows where it "
			 "hangs on SIGQUIT) or raise -timeout");
		return;
	}
	if (f->sender_pid == f->pid)
		asprintf(&f->explanation, "%s (pid %d, %s) ended itself with %s: a crash or abort, "
			 "usually after an earlier refusal", f->comm, f->pid, gt_role_name(f->role),
			 sig);
	else if (f->sender_pid > 0)
		asprintf(&f->explanation, "%s (pid %d, %s) was killed by %s sent by %s (pid %d)",
			 f->comm, f->pid, gt_role_name(f->role), sig, f->sender_comm, f->sender_pid);
	else if (f->sender_pid == 0)
		asprintf(&f->explanation, "%s (pid %d, %s) was killed by %s sent by the kernel "
			 "itself%s", f->comm, f->pid, gt_role_name(f->role), sig,
			 f->signal == SIGKILL ? " (not the OOM killer, which gotraced would have seen)"
					      : "");
	else
		asprintf(&f->explanation, "%s (pid %d, %s) was killed by %s; the sender was not "
			 "seen", f->comm, f->pid, gt_role_name(f->role), sig);
	if (f->sender_pid == f->pid && f->signal == SIGABRT)
		asprintf(&f->fix, "see the finding before this one for the refusal that made %s "
			 "abort; GOTRACEBACK=crash shows where it aborted", f->comm);
	else if (f->signal == SIGSEGV || f->signal == SIGBUS || f->signal == SIGABRT)
		asprintf(&f->fix, "%s crashed: run it again with GOTRACEBACK=crash to see where",
			 f->comm);
	else if (f->sender_pid > 0)
		asprintf(&f->fix, "find why %s (pid %d) sends %s to builds (a CI timeout, a "
			 "watchdog, a cleanup job) and stop it", f->sender_comm, f->sender_pid, sig);
	else
		asprintf(&f->fix, "check the kernel log (dmesg) around the time of the kill");
}

static void explain_process_limit(struct gt_finding *f)
{
	const struct gt_limits *l = &f->limits;

	if (l->pids_max >= 0 && l->pids_cur >= l->pids_max) {
		asprintf(&f->explanation, "%s could not create a process or thread (%s: EAGAIN): "
			 "the pids cgroup %s is at its limit, %lld of %lld tasks", f->comm,
			 f->syscall, f->cgroup ? f->cgroup : "?", (long long)l->pids_cur,
			 (long long)l->pids_max);
		asprintf(&f->fix, "raise pids.max of cgroup %s (TasksMax= in systemd, "
			 "--pids-limit in docker) or lower parallelism: go build -p 2",
			 f->cgroup ? f->cgroup : "of the job");
	} else if (f->creds.uid != 0 && l->nproc_cur != (__u64)-1) {
		asprintf(&f->explanation, "%s could not create a process or thread (%s: EAGAIN): "
			 "uid %u reached its RLIMIT_NPROC of %llu processes", f->comm, f->syscall,
			 f->creds.uid, (unsigned long long)l->nproc_cur);
		asprintf(&f->fix, "raise the limit where the job starts (ulimit -u, LimitNPROC= in "
			 "systemd, /etc/security/limits.conf) or lower parallelism: go build -p 2");
	} else {
		asprintf(&f->explanation, "%s could not create a process or thread (%s: EAGAIN); "
			 "neither a pids cgroup nor RLIMIT_NPROC is at its limit, so the evidence "
			 "is not conclusive (kernel.threads-max or memory?)", f->comm, f->syscall);
		asprintf(&f->fix, "check sysctl kernel.threads-max and kernel.pid_max and the "
			 "machine's free memory");
	}
}

/* setrlimit/prlimit64 EPERM: a hard limit raised, or another process's limits */
static void explain_hard_limit(struct gt_finding *f)
{
	const struct gt_rlimit_desc *d = gt_rlimit(f->rlimit);
	const char *name = d ? d->name : "a resource";
	unsigned long long hard = 0;
	int unlimited = 0;
	char lim[64] = "";

	if (f->rlimit_pid && f->rlimit_pid != f->pid && f->rlimit_pid != f->tid) {
		asprintf(&f->explanation, "%s could not change the %s limit of process %d (%s: "
			 "EPERM): another process's limits may be changed only by a process with "
			 "the same user ids or CAP_SYS_RESOURCE", f->comm, name, (int)f->rlimit_pid,
			 f->syscall);
		asprintf(&f->fix, "run %s as the same user as process %d, or with "
			 "CAP_SYS_RESOURCE", f->comm, (int)f->rlimit_pid);
		return;
	}
	free(f->refuser);
	f->refuser = d ? strdup(d->name) : NULL;	/* what refused: the limit */
	if (f->rlimit == 7 && f->have_limits) {	/* RLIMIT_NOFILE: read in the kernel */
		hard = f->limits.nofile_max;
		snprintf(lim, sizeof(lim), " %llu", hard);
	} else if (d && !gt_rlimit_hard(f->pid, d, &hard, &unlimited) && !unlimited) {
		snprintf(lim, sizeof(lim), " %llu", hard);
	}
	asprintf(&f->explanation, "%s tried to raise its %s limit (%s) above the hard limit%s it "
		 "was started with (%s: EPERM): only a process with CAP_SYS_RESOURCE may raise a "
		 "hard limit", f->comm, d ? d->what : "resource", name, lim, f->syscall);
	if (f->rlimit == 7) {
		f->fix = gt_fix_nofile(f);
		return;
	}
	if (d)
		asprintf(&f->fix, "raise the hard limit where the job starts: %s= in its systemd "
			 "unit, docker/podman --ulimit %s=N:N, prlimit --%s=N:N, or ulimit -H%s N "
			 "as root before dropping privileges", d->systemd, d->prlimit, d->prlimit,
			 d->ulimit);
	else
		asprintf(&f->fix, "raise the hard limit where the job starts (systemd Limit*=, "
			 "--ulimit, prlimit as root)");
}

void gt_diagnose(struct gt_finding *f)
{
	const char *holds = what_go_dir_holds(f->go_dir);

	/* a call a filter answered before it entered the kernel, whatever its errno */
	if (f->have_limits && (f->limits.flags & GT_SE_SKIPPED) && f->limits.seccomp_mode == 2 &&
	    !(f->limits.flags & GT_SE_PTRACED)) {
		f->cause = GC_SECCOMP;
		f->action = "errno";
	}
	/* an LSM seen refusing in the kernel: no need to eliminate */
	if (f->cause != GC_SECCOMP && f->lsm.have_avc) {
		f->cause = GC_SELINUX;
	} else if (f->cause != GC_SECCOMP && f->lsm.hook) {
		f->cause = which_lsm();
	}
	/* a mount's flag or space refused: the mount is what refused */
	if ((f->cause == GC_READ_ONLY || f->cause == GC_NOEXEC || f->cause == GC_NO_SPACE ||
	     f->cause == GC_QUOTA) && f->mount.known && f->mount.target[0] && !f->refuser)
		f->refuser = strdup(f->mount.target);
	switch (f->cause) {
	case GC_SECCOMP:
		explain_seccomp(f);
		return;
	case GC_SELINUX:
	case GC_LANDLOCK:
	case GC_APPARMOR:
	case GC_LSM:
		explain_lsm(f);
		return;
	case GC_OOM_KILL:
	case GC_KILLED:
		explain_killed(f);
		return;
	case GC_PERMISSION:
		explain_permission(f);
		return;
	case GC_READ_ONLY:
		if (writes_own_tree(f)) {
			explain_source_tree(f, NULL);
			return;
		}
		if (f->mount.known)
			asprintf(&f->explanation, "%s is on a read-only mount (%s), so %s could not "
				 "%s it%s%s", f->path, mount_at(f), f->comm, f->syscall,
				 holds ? "; it is " : "", holds ? holds : "");
		else	/* EROFS said it; which mount, the table would have */
			asprintf(&f->explanation, "%s is on a read-only file system (%s), so %s could "
				 "not %s it%s%s; which mount holds it is not known: the process and "
				 "its mount namespace ended before its mounts could be read", f->path,
				 gt_errno_name(f->err) ?: "?", f->comm, f->syscall,
				 holds ? "; it is " : "", holds ? holds : "");
		f->fix = fix_move(f, "on a read-write mount");
		if (!f->fix)
			asprintf(&f->fix, "mount %s read-write", f->mount.known ? f->mount.target : f->path);
		return;
	case GC_NOEXEC:
		explain_noexec(f);
		return;
	case GC_NO_SPACE:
	case GC_QUOTA:
		explain_space(f);
		return;
	case GC_FD_LIMIT:
		if (f->err == ENFILE) {
			asprintf(&f->explanation, "%s hit the system-wide open-file limit (ENFILE on "
				 "%s)", f->comm, f->syscall);
			asprintf(&f->fix, "raise sysctl fs.file-max or close what holds files open");
		} else if (f->limits.nofile_cur == f->limits.nofile_max) {
			asprintf(&f->explanation, "%s hit its open-file limit (EMFILE on %s): "
				 "RLIMIT_NOFILE is %llu and that is also the hard limit, so go cannot "
				 "raise it", f->comm, f->syscall,
				 (unsigned long long)f->limits.nofile_cur);
			f->fix = gt_fix_nofile(f);
		} else {
			asprintf(&f->explanation, "%s hit its open-file limit (EMFILE on %s): "
				 "RLIMIT_NOFILE is %llu (hard limit %llu)", f->comm, f->syscall,
				 (unsigned long long)f->limits.nofile_cur,
				 (unsigned long long)f->limits.nofile_max);
			asprintf(&f->fix, "ulimit -n %llu before running go",
				 (unsigned long long)f->limits.nofile_max);
			f->fix_checked = true;	/* up to the hard limit: always allowed */
		}
		return;
	case GC_PROCESS_LIMIT:
		explain_process_limit(f);
		return;
	case GC_HARD_LIMIT:
		explain_hard_limit(f);
		return;
	case GC_MEMORY_LIMIT:
		if (f->limits.as_cur != (__u64)-1) {
			asprintf(&f->explanation, "%s could not map memory (%s: ENOMEM): its "
				 "address-space limit RLIMIT_AS is %llu MiB and Go reserves large "
				 "address ranges", f->comm, f->syscall,
				 (unsigned long long)f->limits.as_cur >> 20);
			asprintf(&f->fix, "lift the address-space limit: ulimit -v unlimited "
				 "(LimitAS= in systemd); limit memory with a memory cgroup instead");
		} else {
			asprintf(&f->explanation, "%s could not get memory (%s: ENOMEM) without an "
				 "address-space limit: the machine or its memory cgroup is out of "
				 "memory", f->comm, f->syscall);
			asprintf(&f->fix, "give the job more memory or build with less parallelism "
				 "(go build -p 1)");
		}
		return;
	case GC_TEXT_BUSY:
		asprintf(&f->explanation, "%s could not run %s: the file was still open for "
			 "writing (ETXTBSY), a race rather than a setting", f->comm, f->path);
		asprintf(&f->fix, "run the command again; if it recurs, look for a process that "
			 "keeps %s open", f->path);
		return;
	default:
		asprintf(&f->explanation, "%s failed: %s on %s", f->comm, f->syscall,
			 f->path ? f->path : "(no path)");
		asprintf(&f->fix, "see the errno (%s) in man 2 %s", gt_errno_name(f->err) ?: "?",
			 f->syscall);
	}
}
