// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
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
	enum gt_role role;
	__u32 flags, go_pid;
	bool done;
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

static pid_t ppid_of(pid_t pid)
{
	char path[64], buf[512], *s;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	s = strrchr(buf, ')');	/* comm may hold spaces and parentheses */
	if (!s)
		return -1;
	return atoi(s + 4);	/* ") S ppid" */
}

/* Fill the process table for a Go process that was running before us. */
static void describe(pid_t pid, pid_t go_pid)
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
	while ((de = readdir(d))) {
		pid_t pid = atoi(de->d_name);

		if (pid <= 0 || pid == getpid())
			continue;
		if (n == cap) {
			struct pnode *nv = realloc(v, (cap = cap ? cap * 2 : 256) * sizeof(*v));

			if (!nv)
				break;
			v = nv;
		}
		v[n] = (struct pnode){ .pid = pid, .ppid = ppid_of(pid), .role = role_now(pid) };
		n++;
	}
	closedir(d);

	/* roots: the named pids, or every Go toolchain process */
	for (int i = 0; i < n; i++) {
		bool root = false;

		for (int r = 0; r < nroots; r++)
			root |= v[i].pid == roots[r];
		if (nroots ? root : v[i].role != GT_ROLE_OTHER && v[i].role != GT_ROLE_GCC) {
			v[i].flags = nroots ? GT_PF_SCOPE : GT_PF_GO;
			if (v[i].role == GT_ROLE_GO)
				v[i].go_pid = v[i].pid;
			if (v[i].role != GT_ROLE_OTHER && v[i].role != GT_ROLE_GCC)
				v[i].flags |= GT_PF_GO;
			v[i].done = true;
		}
	}
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
	for (int i = 0; i < n; i++) {
		if (!v[i].done)
			continue;
		if (gt_bpf_track(b, v[i].pid, v[i].go_pid, v[i].flags))
			continue;
		tracked++;
		if (v[i].flags & GT_PF_GO)
			describe(v[i].pid, v[i].go_pid);
		gt_debug("already running: %d flags %u go %u", v[i].pid, v[i].flags, v[i].go_pid);
	}
	free(v);
	return tracked;
}
