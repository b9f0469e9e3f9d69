// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Knowledge of each Go release, one row per behaviour. To add one: a row
 * here with its source and the test that shows it (tests/system/gorelease.bats
 * runs against the release that introduced it, via GT_GO), then a line in
 * docs/go-releases.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uthash.h>
#include "findings.h"
#include "gorelease.h"

#define ANY_ERRNO	{ 0 }

const struct gt_go_release_row gt_go_release_rows[] = {
	/* refusals a release absorbs by design: not findings */
	{ .kind = GR_ABSORBS, .since = 23, .name = "pidfd-probe", .syscall = "pidfd_*",
	  .errnos = ANY_ERRNO, .who = GR_GO_CODE,
	  .text = "os probes pidfd_open, pidfd_send_signal and waitid(P_PIDFD) once and falls "
		  "back to plain pids on any error",
	  .source = "Go 1.23 os/pidfd_linux.go (checkPidfd); reproduced here with an EPERM filter",
	  .test = "tests/system/gorelease.bats: pidfd_open refused with EPERM" },
	{ .kind = GR_ABSORBS, .since = 23, .name = "pidfd-probe-waitid", .syscall = "waitid",
	  .errnos = ANY_ERRNO, .who = GR_GO_CODE,
	  .text = "the same probe's waitid(P_PIDFD, ...); os waits with wait4 when it fails",
	  .source = "Go 1.23 os/pidfd_linux.go (checkPidfd)",
	  .test = "tests/system/gorelease.bats: pidfd_open refused with EPERM" },
	{ .kind = GR_ABSORBS, .since = 20, .name = "faccessat2-fallback", .syscall = "faccessat2",
	  .errnos = { ENOSYS, EPERM }, .who = GR_GO_CODE,
	  .text = "Go's own faccessat2 (exec.LookPath, os access checks) falls back to faccessat "
		  "on ENOSYS and EPERM",
	  .source = "Go 1.20 syscall/syscall_linux.go (Faccessat), internal/syscall/unix/eaccess.go",
	  .test = "tests/system/gorelease.bats: faccessat2 refused with EPERM" },
	{ .kind = GR_ABSORBS, .since = 23, .name = "telemetry-dir", .syscall = "*",
	  .errnos = ANY_ERRNO, .who = GR_GO_CODE, .telemetry_dir = true,
	  .text = "the go command opens its telemetry counters under "
		  "os.UserConfigDir()/go/telemetry and goes on without them on any error",
	  .source = "Go 1.23 golang.org/x/telemetry counter.Open (cmd/go main.go); reproduced "
		    "here with an unwritable HOME",
	  .test = "tests/system/cache.bats: GOCACHE unset, HOME not writable" },
	{ .kind = GR_ABSORBS, .since = 25, .name = "gomaxprocs-cgroup-probe", .syscall = "open*",
	  .errnos = ANY_ERRNO, .who = GR_GO_CODE,
	  .paths = { "/proc/self/cgroup", "/proc/self/mountinfo", "*/cpu.max",
		     "*/cpu.cfs_quota_us", "*/cpu.cfs_period_us", NULL },
	  .text = "every Go program (go, compile, link, test binaries) reads its cgroup's CPU "
		  "limit at start for the default GOMAXPROCS and ignores any error",
	  .source = "Go 1.25 runtime/cgroup_linux.go, internal/runtime/cgroup (OpenCPU); "
		    "reproduced here (1.25.12, /sys/fs/cgroup not searchable by the user)",
	  .test = "tests/system/gorelease.bats: GOMAXPROCS probe of an unreadable cgroup" },
	{ .kind = GR_ABSORBS, .since = 0, .name = "clone3-enosys", .syscall = "clone3",
	  .errnos = { ENOSYS }, .who = GR_ANY,
	  .text = "glibc 2.34+ (in a cgo-linked go command, cgo tests, sh) creates threads and "
		  "processes with clone3 and falls back to clone on ENOSYS, which is what the "
		  "container runtimes' default seccomp profiles answer for clone3 by design",
	  .source = "glibc sysdeps/unix/sysv/linux/clone-internal.c (__clone_internal); moby's "
		    "profiles/seccomp/default.json (clone3: errnoRet 38); reproduced here with "
		    "docker 20.10 and Debian's dynamically linked go 1.19",
	  .test = "tests/system/docker.bats: a clean go build and go test" },
	/* processes of a go command that are no go command of their own */
	{ .kind = GR_SIDECAR, .since = 23, .name = "telemetry-sidecar",
	  .text = "the go command re-executes itself as `go '** telemetry **'` to upload and "
		  "rotate telemetry counters; its errors never fail the go command",
	  .source = "Go 1.23 release notes (telemetry), golang.org/x/telemetry start.go; "
		    "reproduced here",
	  .test = "tests/system/gorelease.bats: telemetry sidecar" },
	/* what a release prints for a failure: the exit event's note */
	{ .kind = GR_MESSAGE, .since = 0, .until = 19, .name = "gocache-test-misleads",
	  .cause = GC_UNKNOWN, .go_dir = GD_GOCACHE, .subcommand = "test",
	  .text = "go test may report this as \"package testing is not in GOROOT\" or "
		  "[setup failed]: the real cause is the build cache",
	  .source = "reproduced here (Go 1.19, populated GOCACHE the user cannot write)",
	  .test = "tests/system/cache.bats: populated GOCACHE read-only" },
	{ .kind = GR_MESSAGE, .since = 24, .name = "gocache-exe-noexec",
	  .cause = GC_NOEXEC, .go_dir = GD_GOCACHE, .subcommand = NULL,
	  .text = "go prints \"fork/exec GOCACHE/xx/...-d/NAME: permission denied\": the "
		  "executable go run or go tool cached there on an earlier run (which passed, "
		  "running it from $WORK) cannot be executed; it names the file, not the mount",
	  .source = "reproduced here (Go 1.24.4, 1.27.4: the second go run . with a noexec GOCACHE)",
	  .test = "tests/system/gorelease.bats: go run's cached executable on a noexec GOCACHE" },
	{ .kind = GR_MESSAGE, .since = 21, .name = "gocache-names-file",
	  .cause = GC_UNKNOWN, .go_dir = GD_GOCACHE, .subcommand = NULL,
	  .text = "go prints \"open GOCACHE/xx/...: permission denied\" (or \"failed to "
		  "initialize build cache\"): it names the cache file, not why it is refused",
	  .source = "reproduced here (Go 1.27.4)",
	  .test = "tests/system/gorelease.bats: unwritable GOCACHE fails hello world" },
	{ .kind = GR_MESSAGE, .since = 21, .name = "toolchain-noexec",
	  .cause = GC_NOEXEC, .go_dir = GD_GOMODCACHE, .subcommand = NULL,
	  .text = "go prints only \"go: exec go1.N.M: permission denied\": it names neither the "
		  "file nor the mount; the toolchain it downloaded into GOMODCACHE cannot be executed "
		  "there",
	  .source = "reproduced here (Go 1.23.5 switching to a local golang.org/toolchain "
		    "v0.0.1-go1.27.4)",
	  .test = "tests/system/gorelease.bats: toolchain switch into a noexec GOMODCACHE" },
	{ .kind = GR_MESSAGE, .since = 0, .name = "killed-test-fail",
	  .cause = GC_KILLED, .go_dir = GD_NONE, .subcommand = "test",
	  .text = "go test may print only FAIL for a test binary that was killed",
	  .source = "reproduced here (Go 1.19)",
	  .test = "tests/system/kill.bats" },
	{ .kind = GR_MESSAGE, .since = 0, .name = "oom-test-fail",
	  .cause = GC_OOM_KILL, .go_dir = GD_NONE, .subcommand = "test",
	  .text = "go test may print only FAIL (or signal: killed) for a test binary the OOM "
		  "killer chose",
	  .source = "reproduced here (Go 1.19)",
	  .test = "tests/system/sandbox.bats" },
	{ .kind = GR_MESSAGE, .since = 0, .name = "seccomp-kill",
	  .cause = GC_SECCOMP, .go_dir = GD_NONE, .subcommand = NULL,
	  .text = "go prints \"signal: bad system call\" for a child a seccomp filter killed; "
		  "a go command killed itself prints nothing (the shell says \"Bad system call\")",
	  .source = "reproduced here (Go 1.19, 1.27.4)",
	  .test = "tests/system/gorelease.bats: pidfd_open killed" },
	{ .kind = GR_MESSAGE, .since = 0, .name = "vcs-status-hidden",
	  .cause = GC_TOOL_FAILED, .go_dir = GD_NONE, .subcommand = NULL,
	  .text = "go prints only \"error obtaining VCS status: exit status 128\": the helper's "
		  "own message (tool_stderr) never reaches the user",
	  .source = "reproduced here (Go 1.19, 1.27.4)",
	  .test = "tests/system/gorelease.bats: git dubious ownership" },
	/* failure modes a release brought (what the tests reproduce) */
	{ .kind = GR_MODE, .since = 20, .name = "std-in-gocache",
	  .text = "the standard library is no longer shipped precompiled: it is built into "
		  "GOCACHE, so an unwritable GOCACHE fails even a hello world",
	  .source = "Go 1.20 release notes (\"$GOROOT/pkg no longer stores pre-compiled "
		    "package archives\")",
	  .test = "tests/system/gorelease.bats: unwritable GOCACHE fails hello world" },
	{ .kind = GR_MODE, .since = 21, .name = "toolchain-switch",
	  .text = "GOTOOLCHAIN: a go.mod asking for a newer go makes the go command download "
		  "golang.org/toolchain into GOMODCACHE and execute it from there (noexec or "
		  "read-only GOMODCACHE)",
	  .source = "Go 1.21 release notes (toolchains), cmd/go/internal/toolchain/select.go",
	  .test = "tests/system/gorelease.bats: toolchain switch into a noexec GOMODCACHE" },
	{ .kind = GR_MODE, .since = 24, .name = "tool-exe-cached",
	  .text = "executables built by `go run` and `go tool` are cached in GOCACHE and, from "
		  "the second run on, executed from there (the first runs from $WORK): a noexec "
		  "GOCACHE fails every go run and go tool after the first",
	  .source = "Go 1.24 release notes (go run, go tool executables cached); reproduced here "
		    "(1.24.4, 1.27.4: fork/exec GOCACHE/xx/...-d/NAME)",
	  .test = "tests/system/gorelease.bats: go run's cached executable on a noexec GOCACHE" },
	{ .kind = GR_MODE, .since = 25, .name = "gomaxprocs-cgroup",
	  .text = "GOMAXPROCS defaults to the cgroup CPU limit: a build under cpu.max runs "
		  "fewer compiles at once (slower, not failing); every Go program reads the limit "
		  "at start, ignoring errors (the gomaxprocs-cgroup-probe row)",
	  .source = "Go 1.25 release notes (container-aware GOMAXPROCS)",
	  .test = "tests/system/gorelease.bats: GOMAXPROCS probe of an unreadable cgroup" },
};

const size_t gt_go_release_nrows = sizeof(gt_go_release_rows) / sizeof(gt_go_release_rows[0]);

static bool holds(const struct gt_go_release_row *r, int minor)
{
	/* an unknown release (0): only rows of every release (since 0, no until) */
	if (!minor)
		return !r->since && !r->until;
	return minor >= r->since && (!r->until || minor <= r->until);
}

int gt_go_minor(const char *v)
{
	const char *p;

	if (!v)
		return 0;
	p = strstr(v, "go1.");
	if (!p)
		return 0;
	return atoi(p + 4);
}

static bool syscall_matches(const char *pat, const char *sc)
{
	size_t n = strlen(pat);

	if (n && pat[n - 1] == '*')
		return !strncmp(pat, sc, n - 1);
	return !strcmp(pat, sc);
}

/* Is path dir, inside dir, or one of dir's parents (what MkdirAll creates on the way)? */
static bool on_the_way(const char *path, const char *dir)
{
	size_t n = strlen(path), d = strlen(dir);

	if (!n || !d)
		return false;
	if (n <= d)
		return !strncmp(path, dir, n) && (n == d || dir[n] == '/');
	return !strncmp(path, dir, d) && path[d] == '/';
}

/* Is path one of pats: exact, or a "*" + "/NAME" one for NAME in any directory? */
static bool path_listed(const char *const *pats, const char *path)
{
	size_t n = path ? strlen(path) : 0;

	for (int i = 0; path && i < 6 && pats[i]; i++) {
		size_t k = strlen(pats[i]);

		if (pats[i][0] == '*' ? n >= k && !strcmp(path + n - (k - 1), pats[i] + 1) :
		    !strcmp(path, pats[i]))
			return true;
	}
	return false;
}

const struct gt_go_release_row *gt_go_absorbs(int minor, const char *syscall, int err,
					      bool go_code, const char *path,
					      const char *telemetry_dir)
{
	for (size_t i = 0; i < gt_go_release_nrows; i++) {
		const struct gt_go_release_row *r = &gt_go_release_rows[i];
		bool any = !r->errnos[0], match = any;

		if (r->kind != GR_ABSORBS || !holds(r, minor) || !syscall ||
		    !syscall_matches(r->syscall, syscall) || (r->who == GR_GO_CODE && !go_code))
			continue;
		if (r->telemetry_dir && (!path || !telemetry_dir || !on_the_way(path, telemetry_dir)))
			continue;
		if (r->paths[0] && !path_listed(r->paths, path))
			continue;
		for (int k = 0; !any && k < 3 && r->errnos[k]; k++)
			match |= r->errnos[k] == err;
		if (match)
			return r;
	}
	return NULL;
}

bool gt_go_is_sidecar(int minor, int argc, char *const argv[])
{
	for (size_t i = 0; i < gt_go_release_nrows; i++) {
		const struct gt_go_release_row *r = &gt_go_release_rows[i];

		/* one argument, spaces included (x/telemetry internal/child) */
		if (r->kind == GR_SIDECAR && holds(r, minor) && argc == 2 &&
		    !strcmp(argv[1], "** telemetry **"))
			return true;
	}
	return false;
}

const char *gt_go_note(int minor, enum gt_cause cause, enum gt_go_dir go_dir,
		       enum gt_role role, int signal, const char *subcommand)
{
	for (size_t i = 0; i < gt_go_release_nrows; i++) {
		const struct gt_go_release_row *r = &gt_go_release_rows[i];

		if (r->kind != GR_MESSAGE || (minor && !holds(r, minor)))
			continue;
		/* an unknown release: only notes every release shares */
		if (!minor && r->since)
			continue;
		if (r->subcommand && (!subcommand || strcmp(r->subcommand, subcommand)))
			continue;
		/* GD_NONE, GC_UNKNOWN: any */
		if ((r->go_dir != GD_NONE && r->go_dir != go_dir) ||
		    (r->cause != GC_UNKNOWN && r->cause != cause))
			continue;
		/* a killed process is the test binary's for the FAIL-only notes */
		if ((r->cause == GC_KILLED || r->cause == GC_OOM_KILL) && role != GT_ROLE_TEST)
			continue;
		/* a filter that answered an errno kills nothing */
		if (r->cause == GC_SECCOMP && signal != SIGSYS)
			continue;
		return r->text;
	}
	return NULL;
}

/*
 * The version in a Go binary's build info (.go.buildinfo): a 16-byte header
 * "\xff Go buildinf:" + pointer size + flags; with flags & 2 (Go 1.18+) the
 * version follows at offset 32 as a varint-prefixed string.
 */
static char *buildinfo_version(const char *file)
{
	static const char magic[] = "\xff Go buildinf:";
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	char *ver = NULL;
	Elf *e = NULL;
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (fd < 0)
		return NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		goto out;
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_getshdrstrndx(e, &shstrndx))
		goto out;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		unsigned char buf[64 + 32];
		const char *name;
		size_t len;
		ssize_t n;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".go.buildinfo"))
			continue;
		n = pread(fd, buf, sizeof(buf), sh.sh_offset);
		if (n < 34 || memcmp(buf, magic, sizeof(magic) - 1) || !(buf[15] & 2))
			break;
		len = buf[32];	/* versions are short: a one-byte varint */
		if (len & 0x80 || 33 + len > (size_t)n)
			break;
		ver = strndup((char *)buf + 33, len);
		break;
	}
out:
	if (e)
		elf_end(e);
	close(fd);
	return ver;
}

/* GOROOT/VERSION's first line, GOROOT being the exe's grandparent (GOROOT/bin/go). */
static char *goroot_version(const char *root, const char *exe)
{
	char path[4096], line[64];
	const char *s = strrchr(exe, '/');
	FILE *f;
	int n;

	if (!s)
		return NULL;
	n = (int)(s - exe);
	while (n > 0 && exe[n - 1] == '/')
		n--;
	while (n > 0 && exe[n - 1] != '/')
		n--;	/* drop bin/ */
	if (n <= 0 || snprintf(path, sizeof(path), "%s%.*sVERSION", root, n, exe) >= (int)sizeof(path))
		return NULL;
	f = fopen(path, "re");
	if (!f)
		return NULL;
	if (!fgets(line, sizeof(line), f) || strncmp(line, "go", 2)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	return strdup(line);
}

struct vcache {
	char *exe;
	char *version;		/* NULL: none found */
	UT_hash_handle hh;
};

static struct vcache *vcache;
static unsigned vcache_n;

const char *gt_go_version_of(const char *exe, int pid)
{
	struct vcache *c;
	char proc[64];
	char *v;

	if (!exe)
		return NULL;
	HASH_FIND_STR(vcache, exe, c);
	if (c)
		return c->version;
	/* through /proc: the file as the process's mount namespace has it */
	snprintf(proc, sizeof(proc), "/proc/%d/exe", pid);
	v = buildinfo_version(proc);
	if (!v) {
		snprintf(proc, sizeof(proc), "/proc/%d/root", pid);
		v = goroot_version(proc, exe);
	}
	/* gone already (a fast failure read late): the path as this namespace sees it */
	if (!v)
		v = buildinfo_version(exe);
	if (!v)
		v = goroot_version("", exe);
	if (!v)
		return NULL;	/* not cached: the next exec may tell */
	if (vcache_n >= 256)
		gt_go_version_cache_free();	/* bounded: many GOROOTs means a test farm */
	c = calloc(1, sizeof(*c));
	if (!c || !(c->exe = strdup(exe))) {
		free(c);
		free(v);
		return NULL;
	}
	c->version = v;
	HASH_ADD_KEYPTR(hh, vcache, c->exe, strlen(c->exe), c);
	vcache_n++;
	return v;
}

void gt_go_version_cache_free(void)
{
	struct vcache *c, *tmp;

	HASH_ITER(hh, vcache, c, tmp) {
		HASH_DEL(vcache, c);
		free(c->exe);
		free(c->version);
		free(c);
	}
	vcache_n = 0;
}

const struct gt_tool_message gt_tool_messages[] = {
	{ .tool = "git", .match = "detected dubious ownership",
	  .explanation = "git refused the repository %s: it is owned by another user than the one "
			 "running go (CVE-2022-24765 check); go only printed \"error obtaining VCS "
			 "status: exit status 128\"",
	  .fix = "git config --global --add safe.directory %s (as the user running go), or "
		 "build with -buildvcs=false",
	  .source = "git 2.35.2 safe.directory; reproduced here (Go 1.19, 1.27.4, git 2.39)",
	  .test = "tests/system/gorelease.bats: git dubious ownership" },
	{ .tool = "git", .match = "could not read Username",
	  .explanation = "git needs credentials for %s and has no terminal to ask for them "
			 "(go runs git with GIT_TERMINAL_PROMPT=0)",
	  .fix = "configure a git credential helper or a ~/.netrc entry for the host, or set "
		 "GOPRIVATE/GOPROXY so go does not fetch it with git",
	  .source = "cmd/go/internal/modfetch/codehost/git.go",
	  .test = "none yet" },
	{ .tool = "pkg-config", .match = "was not found in the pkg-config search path",
	  .explanation = "pkg-config does not know a package a cgo #cgo pkg-config line names%s",
	  .fix = "install the package's -dev package, or add its .pc directory to "
		 "PKG_CONFIG_PATH%s",
	  .source = "pkg-config(1)",
	  .test = "none yet" },
};

const size_t gt_tool_nmessages = sizeof(gt_tool_messages) / sizeof(gt_tool_messages[0]);

/* The first '...' quoted in s (git quotes paths so), or NULL. */
static char *quoted(const char *s)
{
	const char *a = strchr(s, '\''), *b = a ? strchr(a + 1, '\'') : NULL;

	return b && b > a + 1 ? strndup(a + 1, b - a - 1) : NULL;
}

void gt_tool_explain(struct gt_finding *f)
{
	const char *argv0 = f->tool_argv.argc ? f->tool_argv.argv[0] : f->comm;
	const char *base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;

	for (size_t i = 0; f->tool_stderr && i < gt_tool_nmessages; i++) {
		const struct gt_tool_message *m = &gt_tool_messages[i];
		char *q;

		if ((m->tool && strcmp(m->tool, base)) || !strstr(f->tool_stderr, m->match))
			continue;
		q = quoted(f->tool_stderr);
		asprintf(&f->explanation, m->explanation, q ? q : "");
		asprintf(&f->fix, m->fix, q ? q : "");
		free(q);
		return;
	}
	asprintf(&f->explanation, "%s (pid %d) exited with status %d%s%s", base, f->pid,
		 f->tool_exit, f->tool_stderr ? "; its stderr (tool_stderr) is what go did not "
		 "show" : " without writing to its stderr", "");
}
