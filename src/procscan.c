// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "classify.h"
#include "log.h"
#include "procscan.h"
#include "proctab.h"

struct pnode {
	pid_t pid, ppid;
	__u64 start_ns;
	enum gt_role role;
	__u32 flags, go_pid;
	bool done;
	bool tracked;		/* a root, handed over before the scan */
};

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, total = 0;

	if (fd < 0)
		return -1;
	while ((size_t)total < size && (n = read(fd, buf + total, size - total)) > 0)
		total += n;
	close(fd);
	return total;
}

/* Parent and start time (GT_TICK_NS resolution) from /proc/PID/stat; -1 if gone. */
static pid_t stat_of(pid_t pid, __u64 *start_ns)
{
	char path[64], buf[1024], *s;
	unsigned long long ticks;
	pid_t ppid;
	ssize_t n;

	*start_ns = 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	s = strrchr(buf, ')');	/* comm may hold spaces and parentheses */
	/* ") S ppid" ... field 22: starttime, in clock ticks since boot */
	if (!s || sscanf(s + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
			 "%*d %*d %*d %*d %llu", &ppid, &ticks) != 2)
		return -1;
	*start_ns = ticks * (1000000000ULL / sysconf(_SC_CLK_TCK));
	return ppid;
}

static pid_t ppid_of(pid_t pid)
{
	__u64 start;

	return stat_of(pid, &start);
}

__u64 gt_proc_start_ns(pid_t pid)
{
	__u64 start;

	return stat_of(pid, &start) < 0 ? 0 : start;
}

/* Fill the process table for a Go process that was running before us. */
static void describe(pid_t pid, pid_t go_pid, __u64 start_ns)
{
	char path[64], exe[PATH_MAX], *buf = malloc(1 << 20);
	struct gt_procinfo *p;
	struct stat st;
	ssize_t n;

	if (!buf)
		return;
	p = gt_proc_new(pid);
	if (!p) {
		free(buf);
		return;
	}
	p->go_pid = go_pid;
	p->start_ns = start_ns;
	p->ppid = ppid_of(pid);
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		p->exe = strdup(exe);
	}
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	n = read_file(path, buf, 1 << 20);
	gt_argv_parse(&p->argv, buf, n > 0 ? n : 0);
	snprintf(path, sizeof(path), "/proc/%d/environ", pid);
	n = read_file(path, buf, 1 << 20);
	gt_goenv_parse(&p->env, buf, n > 0 ? n : 0);
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	n = read_file(path, p->comm, sizeof(p->comm) - 1);
	if (n > 0 && p->comm[n - 1] == '\n')
		p->comm[n - 1] = '\0';
	p->role = gt_role_of(p->exe, p->argv.argc ? p->argv.argv[0] : NULL);
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	if (!stat(path, &st))
		p->mntns = st.st_ino;
	free(buf);
}

static enum gt_role role_now(pid_t pid)
{
	char path[64], exe[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n <= 0)
		return GT_ROLE_OTHER;
	exe[n] = '\0';
	return gt_role_of(exe, NULL);
}

/* Flags and go command of a process that starts a tree (a root or a Go toolchain binary). */
static void as_root(struct pnode *v, bool scope)
{
	bool go = v->role != GT_ROLE_OTHER && v->role != GT_ROLE_GCC;

	v->flags = (scope ? GT_PF_SCOPE : 0) | (go ? GT_PF_GO : 0);
	v->go_pid = v->role == GT_ROLE_GO ? v->pid : 0;
	v->done = true;
}

/* Hand one process to the kernel side; a newer entry the kernel made stays. */
static bool track(struct gt_bpf *b, const struct pnode *v)
{
	int err = gt_bpf_track(b, v->pid, v->go_pid, v->flags, v->start_ns);

	if (err) {
		if (err != -EEXIST)
			gt_debug("cannot track %d: %s", v->pid, strerror(-err));
		return false;
	}
	if (v->flags & GT_PF_GO)
		describe(v->pid, v->go_pid, v->start_ns);
	gt_debug("already running: %d flags %u go %u", v->pid, v->flags, v->go_pid);
	return true;
}

static struct pnode *find(struct pnode *v, int n, pid_t pid)
{
	for (int i = 0; i < n; i++)
		if (v[i].pid == pid)
			return &v[i];
	return NULL;
}

int gt_procscan(struct gt_bpf *b, const pid_t *roots, int nroots)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	struct pnode *v = NULL;
	int n = 0, cap = 0, tracked = 0;
	bool changed = true;

	if (!d)
		return -1;
	/* roots first, so a fork during the scan is caught by the kernel side */
	for (int r = 0; r < nroots; r++) {
		struct pnode root = { .pid = roots[r], .role = role_now(roots[r]) };

		root.ppid = stat_of(root.pid, &root.start_ns);
		as_root(&root, true);
		tracked += root.ppid >= 0 && track(b, &root);
	}
	while ((de = readdir(d))) {
		pid_t pid = atoi(de->d_name);
		bool root = false;

		for (int r = 0; r < nroots; r++)
			root |= pid == roots[r];
		if (pid <= 0 || pid == getpid())
			continue;
		if (n == cap) {
			struct pnode *nv = realloc(v, (cap = cap ? cap * 2 : 256) * sizeof(*v));

			if (!nv)
				break;
			v = nv;
		}
		v[n] = (struct pnode){ .pid = pid, .role = role_now(pid) };
		v[n].ppid = stat_of(pid, &v[n].start_ns);
		if (v[n].ppid < 0)
			continue;	/* gone already */
		/* the roots were tracked above: here they only pass membership down */
		if (nroots ? root : v[n].role != GT_ROLE_OTHER && v[n].role != GT_ROLE_GCC) {
			as_root(&v[n], nroots);
			v[n].tracked = nroots;
		}
		n++;
	}
	closedir(d);

	/* descendants inherit, as at fork; a go among them starts its own command */
	while (changed) {
		changed = false;
		for (int i = 0; i < n; i++) {
			struct pnode *p = v[i].done ? NULL : find(v, n, v[i].ppid);

			if (!p || !p->done)
				continue;
			v[i].flags = p->flags;
			v[i].go_pid = p->go_pid;
			if (v[i].role == GT_ROLE_GO) {
				v[i].go_pid = v[i].pid;
				v[i].flags |= GT_PF_GO;
			} else if (v[i].role != GT_ROLE_OTHER && v[i].role != GT_ROLE_GCC) {
				v[i].flags |= GT_PF_GO;
			}
			v[i].done = changed = true;
		}
	}
	for (int i = 0; i < n; i++)
		if (v[i].done && !v[i].tracked)
			tracked += track(b, &v[i]);
	free(v);
	return tracked;
}
