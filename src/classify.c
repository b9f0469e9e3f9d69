// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gotraced/events.h>
#include "classify.h"

static const char *const role_names[GT_ROLE_MAX] = {
	"other", "go", "compile", "asm", "link", "cgo", "vet", "cover", "test", "run", "gcc",
};

const char *gt_role_name(enum gt_role r)
{
	return r < GT_ROLE_MAX ? role_names[r] : "other";
}

static const char *base_of(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;

	return s ? s + 1 : p ? p : "";
}

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

enum gt_role gt_role_of(const char *exe, const char *argv0)
{
	static const char *const gcc[] = {
		"gcc", "cc", "clang", "cc1", "cc1plus", "as", "ld", "collect2", "g++", "c++",
		"ld.bfd", "ld.gold", "lto-wrapper",
	};
	const char *b = base_of(exe), *a = base_of(argv0);

	if (!strcmp(a, "go") || !strcmp(a, "gotip") || !strncmp(a, "go1.", 4) ||
	    !strcmp(b, "go"))
		return GT_ROLE_GO;
	if (exe && strstr(exe, "/pkg/tool/")) {
		static const struct { const char *n; enum gt_role r; } tools[] = {
			{ "compile", GT_ROLE_COMPILE }, { "asm", GT_ROLE_ASM },
			{ "link", GT_ROLE_LINK }, { "cgo", GT_ROLE_CGO },
			{ "vet", GT_ROLE_VET }, { "cover", GT_ROLE_COVER },
		};
		for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
			if (!strcmp(b, tools[i].n))
				return tools[i].r;
		return GT_ROLE_OTHER;
	}
	if (ends_with(b, ".test"))
		return GT_ROLE_TEST;
	if (exe && strstr(exe, "/go-build") && strstr(exe, "/exe/"))
		return GT_ROLE_RUN;
	for (size_t i = 0; i < sizeof(gcc) / sizeof(gcc[0]); i++)
		if (!strcmp(b, gcc[i]) || !strcmp(a, gcc[i]) || ends_with(b, "-gcc") ||
		    !strncmp(b, "gcc-", 4) || !strncmp(b, "clang-", 6))
			return GT_ROLE_GCC;
	return GT_ROLE_OTHER;
}

const char *gt_errno_name(int err)
{
	static const struct { int e; const char *n; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" }, { EINTR, "EINTR" },
		{ EIO, "EIO" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" }, { ENOEXEC, "ENOEXEC" },
		{ EBADF, "EBADF" }, { ECHILD, "ECHILD" }, { EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { EXDEV, "EXDEV" }, { ENODEV, "ENODEV" },
		{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" },
		{ ENFILE, "ENFILE" }, { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" },
		{ ETXTBSY, "ETXTBSY" }, { EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" },
		{ ESPIPE, "ESPIPE" }, { EROFS, "EROFS" }, { EMLINK, "EMLINK" }, { EPIPE, "EPIPE" },
		{ ERANGE, "ERANGE" }, { EDEADLK, "EDEADLK" }, { ENAMETOOLONG, "ENAMETOOLONG" },
		{ ENOSYS, "ENOSYS" }, { ENOTEMPTY, "ENOTEMPTY" }, { ELOOP, "ELOOP" },
		{ ENODATA, "ENODATA" }, { EOVERFLOW, "EOVERFLOW" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ EADDRINUSE, "EADDRINUSE" }, { ECONNREFUSED, "ECONNREFUSED" },
		{ ETIMEDOUT, "ETIMEDOUT" }, { EDQUOT, "EDQUOT" }, { ECANCELED, "ECANCELED" },
		{ EAFNOSUPPORT, "EAFNOSUPPORT" }, { ENOTSOCK, "ENOTSOCK" },
		{ EINPROGRESS, "EINPROGRESS" }, { EALREADY, "EALREADY" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == err)
			return names[i].n;
	return NULL;
}

const char *gt_signal_name(int sig)
{
	static const char *const n[] = {
		[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
		[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
		[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL",
		[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
		[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
		[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
		[SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP", [SIGTTIN] = "SIGTTIN",
		[SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU",
		[SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
		[SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR",
		[SIGSYS] = "SIGSYS",
	};

	if (sig > 0 && sig < (int)(sizeof(n) / sizeof(n[0])) && n[sig])
		return n[sig];
	return NULL;
}

static const char *const dir_names[GD_MAX] = {
	[GD_NONE] = NULL, [GD_GOCACHE] = "GOCACHE", [GD_GOTMPDIR] = "GOTMPDIR",
	[GD_TMPDIR] = "TMPDIR", [GD_GOMODCACHE] = "GOMODCACHE", [GD_GOBIN] = "GOBIN",
	[GD_GOPATH] = "GOPATH", [GD_GOROOT] = "GOROOT", [GD_GOENV] = "GOENV",
	[GD_MODULE] = "module",
};

const char *gt_go_dir_name(enum gt_go_dir d)
{
	return d < GD_MAX ? dir_names[d] : NULL;
}

static char *abs_or_null(const char *v)
{
	return v && v[0] == '/' ? strdup(v) : NULL;
}

static char *join2(const char *a, const char *b)
{
	char *p;

	if (!a || a[0] != '/')
		return NULL;
	if (asprintf(&p, "%s/%s", a, b) < 0)
		return NULL;
	gt_path_clean(p);
	return p;
}

/* GOROOT from the toolchain binary: <root>/bin/go or <root>/pkg/tool/<os_arch>/<tool>. */
static char *goroot_from_exe(const char *exe)
{
	const char *t;
	char *r;

	if (!exe)
		return NULL;
	if ((t = strstr(exe, "/pkg/tool/")))
		return strndup(exe, t - exe);
	if (ends_with(exe, "/bin/go")) {
		r = strndup(exe, strlen(exe) - strlen("/bin/go"));
		return r;
	}
	return NULL;
}

/* Mirrors cmd/go: internal/cfg and os.UserCacheDir / os.TempDir. */
void gt_godirs_compute(struct gt_godirs *g, const struct gt_goenv *env, const char *exe,
		       const char *cwd)
{
	const char *home = env->v[GE_HOME];
	char *gopath0 = NULL;

	memset(g, 0, sizeof(*g));
	if ((g->dir[GD_GOCACHE] = abs_or_null(env->v[GE_GOCACHE])))
		g->set[GD_GOCACHE] = true;
	else if (env->v[GE_XDG_CACHE_HOME] && env->v[GE_XDG_CACHE_HOME][0] == '/')
		g->dir[GD_GOCACHE] = join2(env->v[GE_XDG_CACHE_HOME], "go-build");
	else
		g->dir[GD_GOCACHE] = join2(home, ".cache/go-build");

	if ((g->dir[GD_GOTMPDIR] = abs_or_null(env->v[GE_GOTMPDIR])))
		g->set[GD_GOTMPDIR] = true;
	if ((g->dir[GD_TMPDIR] = abs_or_null(env->v[GE_TMPDIR])))
		g->set[GD_TMPDIR] = true;
	else
		g->dir[GD_TMPDIR] = strdup("/tmp");

	if (env->v[GE_GOPATH] && env->v[GE_GOPATH][0] == '/') {
		gopath0 = strndup(env->v[GE_GOPATH], strcspn(env->v[GE_GOPATH], ":"));
		g->set[GD_GOPATH] = true;
	} else {
		gopath0 = join2(home, "go");
	}
	g->dir[GD_GOPATH] = gopath0;
	if ((g->dir[GD_GOMODCACHE] = abs_or_null(env->v[GE_GOMODCACHE])))
		g->set[GD_GOMODCACHE] = true;
	else
		g->dir[GD_GOMODCACHE] = join2(gopath0, "pkg/mod");
	if ((g->dir[GD_GOBIN] = abs_or_null(env->v[GE_GOBIN])))
		g->set[GD_GOBIN] = true;
	else
		g->dir[GD_GOBIN] = join2(gopath0, "bin");

	if ((g->dir[GD_GOROOT] = abs_or_null(env->v[GE_GOROOT])))
		g->set[GD_GOROOT] = true;
	else
		g->dir[GD_GOROOT] = goroot_from_exe(exe);

	if ((g->dir[GD_GOENV] = abs_or_null(env->v[GE_GOENV])))
		g->set[GD_GOENV] = true;
	else if (env->v[GE_XDG_CONFIG_HOME] && env->v[GE_XDG_CONFIG_HOME][0] == '/')
		g->dir[GD_GOENV] = join2(env->v[GE_XDG_CONFIG_HOME], "go/env");
	else
		g->dir[GD_GOENV] = join2(home, ".config/go/env");

	if (cwd && cwd[0] == '/')
		g->dir[GD_MODULE] = strdup(cwd);
	else
		g->dir[GD_MODULE] = abs_or_null(env->v[GE_PWD]);
}

void gt_godirs_free(struct gt_godirs *g)
{
	for (int i = 0; i < GD_MAX; i++) {
		free(g->dir[i]);
		g->dir[i] = NULL;
	}
}

static bool is_work_dir(const char *path, const char *base)
{
	size_t n = strlen(base);

	while (n > 1 && base[n - 1] == '/')
		n--;
	return !strncmp(path, base, n) && !strncmp(path + n, "/go-build", 9);
}

enum gt_go_dir gt_go_dir_of(const struct gt_godirs *g, const char *path)
{
	enum gt_go_dir best = GD_NONE;
	size_t best_len = 0;

	if (!path || path[0] != '/')
		return GD_NONE;
	/* $WORK lives in GOTMPDIR when set; everything else temporary in TMPDIR */
	if (g->dir[GD_GOTMPDIR] && is_work_dir(path, g->dir[GD_GOTMPDIR]))
		return GD_GOTMPDIR;
	for (int d = GD_GOCACHE; d < GD_MAX; d++) {
		size_t n;

		if (!g->dir[d] || !gt_path_under(path, g->dir[d]))
			continue;
		n = strlen(g->dir[d]);
		/* "/" as TMPDIR or a module at / would claim every path */
		if (n > best_len && n > 1) {
			best = d;
			best_len = n;
		}
	}
	/*
	 * A parent being created on the way to a Go directory (mkdir /.cache for
	 * GOCACHE) belongs to it rather than to a shallower one that holds it (/tmp).
	 */
	for (int d = GD_GOCACHE; d < GD_MAX; d++)
		if (d != GD_MODULE && g->dir[d] && strcmp(path, "/") &&
		    gt_path_under(g->dir[d], path) && strlen(path) > best_len)
			return d;
	return best;
}

enum gt_go_dir gt_go_dir_placed(const struct gt_godirs *g, const char *path, enum gt_role role,
				const char *mount_target)
{
	enum gt_go_dir d = gt_go_dir_of(g, path);
	const char *tmp = g->dir[GD_TMPDIR], *rest;
	size_t n;

	if (d != GD_TMPDIR || !tmp)
		return d;
	if (is_work_dir(path, tmp))
		return d;
	n = strlen(tmp);
	while (n > 1 && tmp[n - 1] == '/')
		n--;
	rest = path + n;	/* "" or "/..." (gt_go_dir_of said path is under tmp) */
	if (!strncmp(rest, "/go-link-", 9))
		return d;
	/* a mount below TMPDIR: pointing TMPDIR elsewhere moves nothing off it */
	if (mount_target && strlen(mount_target) > n && gt_path_under(mount_target, tmp))
		return GD_NONE;
	switch (role) {
	case GT_ROLE_GO: case GT_ROLE_COMPILE: case GT_ROLE_ASM: case GT_ROLE_LINK:
	case GT_ROLE_CGO: case GT_ROLE_VET: case GT_ROLE_COVER: case GT_ROLE_GCC:
		return d;
	default:
		break;
	}
	/* TMPDIR itself, or an entry made directly in it */
	if (!rest[0] || !strchr(rest + 1, '/'))
		return d;
	/* t.TempDir(): TMPDIR/TestName123456/001/... */
	if (!strncmp(rest, "/Test", 5))
		return d;
	return GD_NONE;
}

static const char *const cause_names[GC_MAX] = {
	[GC_UNKNOWN] = "unknown", [GC_PERMISSION] = "permission",
	[GC_READ_ONLY] = "read_only", [GC_NOEXEC] = "noexec", [GC_NO_SPACE] = "no_space",
	[GC_QUOTA] = "quota", [GC_FD_LIMIT] = "fd_limit",
	[GC_PROCESS_LIMIT] = "process_limit", [GC_MEMORY_LIMIT] = "memory_limit",
	[GC_TEXT_BUSY] = "text_busy", [GC_KILLED] = "killed", [GC_OTHER_ERROR] = "error",
	[GC_SECCOMP] = "seccomp", [GC_SELINUX] = "selinux", [GC_LANDLOCK] = "landlock",
	[GC_APPARMOR] = "apparmor", [GC_LSM] = "lsm", [GC_OOM_KILL] = "oom_kill",
	[GC_TOOL_FAILED] = "tool_failed", [GC_HARD_LIMIT] = "hard_limit",
};

int gt_cause_weight(enum gt_cause c)
{
	switch (c) {
	case GC_OOM_KILL: case GC_KILLED: return 9;
	case GC_NOEXEC: return 8;
	case GC_READ_ONLY: case GC_NO_SPACE: case GC_QUOTA: return 7;
	case GC_PERMISSION: case GC_SECCOMP: case GC_SELINUX: case GC_LANDLOCK:
	case GC_APPARMOR: case GC_LSM: return 6;
	case GC_PROCESS_LIMIT: case GC_FD_LIMIT: case GC_MEMORY_LIMIT: case GC_HARD_LIMIT:
		return 5;
	case GC_TEXT_BUSY: return 4;
	case GC_TOOL_FAILED: return 3;
	default: return 1;
	}
}

const char *gt_cause_name(enum gt_cause c)
{
	return c < GC_MAX ? cause_names[c] : "unknown";
}

enum gt_cause gt_cause_of(int err, const char *syscall, int sc_kind,
			  const struct gt_mount_facts *m)
{
	bool exec_call = syscall && (!strcmp(syscall, "execve") || !strcmp(syscall, "execveat") ||
				     !strcmp(syscall, "mmap"));

	switch (err) {
	case EROFS:
		return GC_READ_ONLY;
	case ENOSPC:
		return GC_NO_SPACE;
	case EDQUOT:
		return GC_QUOTA;
	case EMFILE:
	case ENFILE:
		return GC_FD_LIMIT;
	case EAGAIN:
		return sc_kind == GT_SC_PROC ? GC_PROCESS_LIMIT : GC_OTHER_ERROR;
	case ENOMEM:
		return GC_MEMORY_LIMIT;
	case ETXTBSY:
		return GC_TEXT_BUSY;
	case EACCES:
	case EPERM:
		if (sc_kind == GT_SC_LIMIT && err == EPERM)
			return GC_HARD_LIMIT;
		if (exec_call && m && m->known && m->noexec)
			return GC_NOEXEC;
		/* writes to a read-only mount that returned EACCES/EPERM instead of EROFS */
		return GC_PERMISSION;
	}
	return GC_OTHER_ERROR;
}
