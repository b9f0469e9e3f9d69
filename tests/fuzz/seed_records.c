// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Writes the seed corpus of fuzz_record: well-formed record sequences (exec
 * of go, fork, exec of compile, failed calls, exits) in its input format.
 * Usage: seed_records DIR
 */
#include <stdio.h>
#include <string.h>
#include <gotraced/events.h>

static unsigned char buf[65536];
static size_t used;

static void put(const void *rec, size_t len)
{
	buf[used++] = len & 0xff;
	buf[used++] = len >> 8;
	memcpy(buf + used, rec, len);
	used += len;
}

static void hdr(struct gt_hdr *h, int type, size_t size, __u32 pid, __u32 ppid, const char *comm)
{
	h->type = type;
	h->size = size;
	h->pid = h->tid = pid;
	h->ppid = ppid;
	h->ts_ns = 1000000000ULL * pid;
	h->start_ns = 42;
	h->mntns = 4026531841u;
	snprintf(h->comm, sizeof(h->comm), "%s", comm);
}

static void exec_rec(__u32 pid, __u32 ppid, __u32 go, const char *exe, const char *argv,
		     size_t argv_len, const char *env, size_t env_len, const char *comm)
{
	static union { struct gt_exec_event e; char b[8192]; } u;
	size_t exe_len = strlen(exe) + 1, n = sizeof(u.e) + exe_len + argv_len + env_len;

	memset(&u, 0, sizeof(u));
	hdr(&u.e.hdr, GT_EV_EXEC, n, pid, ppid, comm);
	u.e.go_pid = go;
	u.e.flags = GT_PF_GO;
	u.e.exe_len = exe_len;
	u.e.argv_len = argv_len;
	u.e.env_len = env_len;
	memcpy(u.e.data, exe, exe_len);
	memcpy(u.e.data + exe_len, argv, argv_len);
	memcpy(u.e.data + exe_len + argv_len, env, env_len);
	put(&u, n);
}

static void syserr_rec(__u32 pid, __u32 go, int nr, int err, const char *path, const char *dir)
{
	static union { struct gt_syserr_event e; char b[8192]; } u;
	size_t pl = path ? strlen(path) + 1 : 0, dl = dir ? strlen(dir) + 1 : 0;
	size_t n = sizeof(u.e) + pl + dl;

	memset(&u, 0, sizeof(u));
	hdr(&u.e.hdr, GT_EV_SYSERR, n, pid, go, "compile");
	u.e.go_pid = go;
	u.e.nr = nr;
	u.e.ret = -err;
	u.e.creds.uid = u.e.creds.euid = u.e.creds.fsuid = 1000;
	u.e.path_len = pl;
	u.e.dir_len = dl;
	if (pl)
		memcpy(u.e.data, path, pl);
	if (dl)
		memcpy(u.e.data + pl, dir, dl);
	put(&u, n);
}

static void fork_rec(__u32 pid, __u32 ppid, __u32 go)
{
	struct gt_fork_event e = {};

	hdr(&e.hdr, GT_EV_FORK, sizeof(e), pid, ppid, "go");
	e.go_pid = go;
	put(&e, sizeof(e));
}

static void exit_rec(__u32 pid, __u32 go, __u32 code)
{
	struct gt_exit_event e = {};

	hdr(&e.hdr, GT_EV_EXIT, sizeof(e), pid, go, "go");
	e.go_pid = go;
	e.exit_code = code;
	put(&e, sizeof(e));
}

static void save(const char *dir, const char *name, int text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		return;
	}
	fputc(text, f);
	fwrite(buf, 1, used, f);
	fclose(f);
	used = 0;
}

int main(int argc, char **argv)
{
	static const char go_argv[] = "go\0build\0./...";
	static const char env[] = "GOCACHE=/root/.cache/go-build\0HOME=/home/u\0TMPDIR=/tmp\0PWD=/src";
	static const char c_argv[] = "/usr/lib/go/pkg/tool/linux_amd64/compile\0-o\0x.a";
	const char *dir = argc > 1 ? argv[1] : ".";

	/* a go build whose compile is refused its cache, then exits 1 */
	exec_rec(900001, 1, 900001, "/usr/lib/go/bin/go", go_argv, sizeof(go_argv), env,
		 sizeof(env), "go");
	fork_rec(900002, 900001, 900001);
	exec_rec(900002, 900001, 900001, "/usr/lib/go/pkg/tool/linux_amd64/compile", c_argv,
		 sizeof(c_argv), env, sizeof(env), "compile");
	syserr_rec(900002, 900001, 257 /* openat */, 13, "/root/.cache/go-build/00/x-d", NULL);
	syserr_rec(900002, 900001, 83 /* mkdir */, 30, "b001", "/tmp/go-build1");
	syserr_rec(900002, 900001, 59 /* execve */, 13, "./m.test", "/tmp/go-build1/b001");
	exit_rec(900002, 900001, 9);	/* killed */
	exit_rec(900001, 900001, 1 << 8);
	save(dir, "build-denied", 0);

	/* the same, rendered as text, with hostile bytes in argv and path */
	exec_rec(900011, 1, 900011, "/usr/bin/go", "go\0te\nst\0\x1b[31m\xff", 16, env, sizeof(env),
		 "go");
	syserr_rec(900011, 900011, 2 /* open */, 1, "/tmp/\x1b]0;x\a/\xc2\x9b", NULL);
	exit_rec(900011, 900011, 2 << 8);
	save(dir, "hostile-text", 1);
	return 0;
}
