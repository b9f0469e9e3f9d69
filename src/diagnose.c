// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "diagnose.h"

/* stat path as the process saw it: through its root while it lives. */
static int stat_as(pid_t pid, const char *path, struct stat *st)
{
	char buf[PATH_MAX + 32];

	snprintf(buf, sizeof(buf), "/proc/%d/root", pid);
	if (access(buf, F_OK) == 0) {
		snprintf(buf, sizeof(buf), "/proc/%d/root%s", pid, path);
		return stat(buf, st);
	}
	return stat(path, st);
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

/*
 * Find the path component whose owner and mode refuse the access: a
 * directory on the way that cannot be searched, or the last existing one.
 * Returns a malloc'ed sentence fragment or NULL when DAC allows it all.
 */
static char *dac_refusal(const struct gt_finding *f)
{
	char *p, *s, *out = NULL;
	struct stat st;
	bool create = creates(f->syscall) || !strncmp(f->syscall, "open", 4);

	/* only an absolute path can be walked (an empty one ran off the buffer) */
	if (!f->path || f->path[0] != '/')
		return NULL;
	p = strdup(f->path);
	if (!p)
		return NULL;
	/* walk down: every directory needs search permission */
	for (s = p + 1;; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (stat_as(f->pid, p, &st)) {
			/* p does not exist: its parent is where it would be created */
			char *slash = strrchr(p, '/');

			if (slash && create) {
				*slash = '\0';
				if (!*p)
					strcpy(p, "/");
				if (!stat_as(f->pid, p, &st) && !dac_allows(&st, &f->creds, 3))
					asprintf(&out, "%s is owned by uid %u, gid %u with mode %04o, "
						 "so uid %u cannot create entries in it", p,
						 st.st_uid, st.st_gid, st.st_mode & 07777,
						 f->creds.fsuid);
			}
			break;
		}
		if (S_ISDIR(st.st_mode) && !dac_allows(&st, &f->creds, 1)) {
			asprintf(&out, "%s is owned by uid %u, gid %u with mode %04o, so uid %u "
				 "cannot search it", p, st.st_uid, st.st_gid, st.st_mode & 07777,
				 f->creds.fsuid);
			break;
		}
		if (c == '\0') {
			/* the path exists: the refused access is on the object itself */
			int need = !strcmp(f->syscall, "execve") ? 1 : create ? 2 : 4;

			if (!dac_allows(&st, &f->creds, need))
				asprintf(&out, "%s is owned by uid %u, gid %u with mode %04o, so "
					 "uid %u cannot %s it", p, st.st_uid, st.st_gid,
					 st.st_mode & 07777, f->creds.fsuid,
					 need == 1 ? "execute" : need == 2 ? "write" : "read");
			break;
		}
		*s = '/';
	}
	free(p);
	return out;
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

/* A writable place to suggest for a Go directory variable. */
static const char *suggested(enum gt_go_dir d)
{
	switch (d) {
	case GD_GOCACHE: return "$HOME/.cache/go-build";
	case GD_GOMODCACHE: return "$HOME/go/pkg/mod";
	case GD_GOBIN: return "$HOME/go/bin";
	case GD_GOPATH: return "$HOME/go";
	case GD_GOENV: return "$HOME/.config/go/env";
	default: return "$HOME/.cache/gotmp";
	}
}

static char *fix_move(const struct gt_finding *f, const char *why)
{
	const char *var = gt_go_dir_name(f->go_dir);
	char *out = NULL;

	if (f->go_dir == GD_GOROOT)
		asprintf(&out, "install or copy Go (%s) where it is %s", f->go_dir_path ?: "GOROOT",
			 why);
	else if (f->go_dir == GD_MODULE)
		asprintf(&out, "build from a checkout where it is %s", why);
	else if (var)
		asprintf(&out, "point %s at a directory where it is %s: mkdir -p %s && export "
			 "%s=%s", var, why, suggested(f->go_dir), var, suggested(f->go_dir));
	return out;
}

static void explain_permission(struct gt_finding *f)
{
	char *dac = dac_refusal(f), *fix = NULL;
	const char *holds = what_go_dir_holds(f->go_dir);

	if (dac) {
		asprintf(&f->explanation, "%s (uid %u) was refused %s on %s%s%s: %s", f->comm,
			 f->creds.fsuid, f->syscall, f->path, holds ? ", in " : "",
			 holds ? holds : "", dac);
		if (f->go_dir != GD_NONE && f->go_dir != GD_GOROOT && f->go_dir != GD_MODULE &&
		    f->go_dir_path)
			asprintf(&fix, "give uid %u its own %s (export %s=%s) or hand this one "
				 "over: chown -R %u %s", f->creds.fsuid, gt_go_dir_name(f->go_dir),
				 gt_go_dir_name(f->go_dir), suggested(f->go_dir), f->creds.fsuid,
				 f->go_dir_path);
		else
			asprintf(&fix, "make %s accessible to uid %u (chown or chmod), or run as "
				 "its owner", f->path, f->creds.fsuid);
		free(dac);
	} else {
		/* owner and mode allow it: something else refused */
		asprintf(&f->explanation, "%s (uid %u) was refused %s on %s (%s) although owner "
			 "and mode allow it: a security module (Landlock, SELinux, AppArmor) or "
			 "a seccomp filter is the likely cause", f->comm, f->creds.fsuid,
			 f->syscall, f->path, gt_errno_name(f->err) ?: "error");
		fix = fix_move(f, "allowed by the sandbox policy");
		if (!fix)
			asprintf(&fix, "allow %s for this process in the sandbox policy", f->path);
	}
	f->fix = fix;
}

static void explain_space(struct gt_finding *f)
{
	char buf[PATH_MAX + 32];
	struct statvfs sv;
	const char *mnt = f->mount.known ? f->mount.target : f->path;
	char *fix;

	snprintf(buf, sizeof(buf), "/proc/%d/root%s", f->pid, mnt);
	if (statvfs(buf, &sv) && statvfs(mnt, &sv))
		memset(&sv, 0, sizeof(sv));
	asprintf(&f->explanation, "%s ran out of %s writing %s: the %s file system at %s has "
		 "%llu MiB free of %llu MiB", f->comm, f->cause == GC_QUOTA ? "quota" : "space",
		 f->path, f->mount.fstype[0] ? f->mount.fstype : "", mnt,
		 (unsigned long long)sv.f_bavail * sv.f_frsize >> 20,
		 (unsigned long long)sv.f_blocks * sv.f_frsize >> 20);
	fix = fix_move(f, "has room");
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

void gt_diagnose(struct gt_finding *f)
{
	const char *holds = what_go_dir_holds(f->go_dir);
	const char *sig = gt_signal_name(f->signal);

	switch (f->cause) {
	case GC_PERMISSION:
		explain_permission(f);
		return;
	case GC_READ_ONLY:
		asprintf(&f->explanation, "%s is on a read-only %s mount at %s, so %s could not "
			 "%s it%s%s", f->path, f->mount.fstype, f->mount.known ? f->mount.target : "?",
			 f->comm, f->syscall, holds ? "; it is " : "", holds ? holds : "");
		f->fix = fix_move(f, "writable");
		if (!f->fix)
			asprintf(&f->fix, "mount %s read-write", f->mount.known ? f->mount.target : f->path);
		return;
	case GC_NOEXEC:
		asprintf(&f->explanation, "%s is on a %s mounted noexec at %s, so %s cannot run "
			 "the %s", f->path, f->mount.fstype, f->mount.target, f->comm,
			 f->go_dir == GD_TMPDIR || f->go_dir == GD_GOTMPDIR ?
			 "binary it built in $WORK" : "program");
		if (f->go_dir == GD_TMPDIR || f->go_dir == GD_GOTMPDIR)
			asprintf(&f->fix, "set GOTMPDIR to a directory on a mount without noexec: "
				 "mkdir -p $HOME/.cache/gotmp && export GOTMPDIR=$HOME/.cache/gotmp "
				 "(or remount %s with exec)", f->mount.target);
		else
			asprintf(&f->fix, "remount %s with exec, or move %s to a mount without "
				 "noexec", f->mount.target, f->path);
		return;
	case GC_NO_SPACE:
	case GC_QUOTA:
		explain_space(f);
		return;
	case GC_FD_LIMIT:
		asprintf(&f->explanation, "%s ran out of file descriptors (%s on %s)", f->comm,
			 gt_errno_name(f->err), f->syscall);
		asprintf(&f->fix, f->err == ENFILE ? "raise the system-wide limit: sysctl "
			 "fs.file-max" : "raise the open-file limit before running go: ulimit -n "
			 "65536 (the hard limit may need raising: ulimit -Hn, LimitNOFILE=)");
		return;
	case GC_PROCESS_LIMIT:
		asprintf(&f->explanation, "%s could not create a process or thread (%s: EAGAIN): "
			 "a pids cgroup limit or RLIMIT_NPROC for uid %u was reached", f->comm,
			 f->syscall, f->creds.uid);
		asprintf(&f->fix, "raise the limit: pids.max of the job's cgroup (TasksMax= in "
			 "systemd, --pids-limit in docker) or ulimit -u; or lower parallelism "
			 "with go build -p 2");
		return;
	case GC_MEMORY_LIMIT:
		asprintf(&f->explanation, "%s could not get memory (%s: ENOMEM): an address-space "
			 "limit (RLIMIT_AS) or the memory limit was reached", f->comm, f->syscall);
		asprintf(&f->fix, "raise ulimit -v (Go reserves large address ranges) or the "
			 "memory limit of the job");
		return;
	case GC_TEXT_BUSY:
		asprintf(&f->explanation, "%s could not run %s: the file was still open for "
			 "writing (ETXTBSY), a race rather than a setting", f->comm, f->path);
		asprintf(&f->fix, "run the command again; if it recurs, look for a process that "
			 "keeps %s open", f->path);
		return;
	case GC_KILLED:
		asprintf(&f->explanation, "%s (pid %d, %s) was killed by %s", f->comm, f->pid,
			 gt_role_name(f->role), sig ? sig : "a signal");
		if (f->signal == SIGKILL)
			asprintf(&f->fix, "if the OOM killer did it (dmesg | grep -i 'killed "
				 "process'), raise the memory limit or build with less parallelism "
				 "(go build -p 1); otherwise find the process that sent SIGKILL");
		else if (f->signal == SIGSYS)
			asprintf(&f->fix, "a seccomp filter forbids a syscall this process makes: "
				 "allow it in the sandbox's seccomp profile");
		else
			asprintf(&f->fix, "find what sent %s to the process", sig ? sig : "the signal");
		return;
	default:
		asprintf(&f->explanation, "%s failed: %s on %s", f->comm, f->syscall,
			 f->path ? f->path : "(no path)");
		asprintf(&f->fix, "see the errno (%s) in man 2 %s", gt_errno_name(f->err) ?: "?",
			 f->syscall);
	}
}
