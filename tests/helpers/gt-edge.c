// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Edge cases of the kernel side, made on purpose for the system tests.
 * Copied to a name gotraced tracks (.../go).
 *
 *   gt-edge restart N PATH   N reads interrupted by a handled SIGALRM (the
 *                            kernel restarts them: ERESTARTSYS at sys_exit),
 *                            then forks under a fast timer (ERESTARTNOINTR),
 *                            then one mkdir(PATH) that must be refused;
 *                            prints "interrupted N forks F"
 *   gt-edge deep BASE LEN    under BASE, directories whose absolute path is
 *                            exactly LEN bytes; in the last one (mode 0555)
 *                            mkdir("x"), which must be refused; prints
 *                            "deep LEN errno E"; exits 3 when refused
 *   gt-edge fill MAP_ID BASE  fill the hash map MAP_ID (a __u32 key, zeroed
 *                            values) with keys from BASE up, in batches, until
 *                            it is full; prints "filled N"
 *
 * Exit status 0 when every refusal the test counts on happened.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t ticks, want;
static int pfd[2];

static void on_alarm(int sig)
{
	(void)sig;
	if (++ticks == want && write(pfd[1], "x", 1) != 1)
		_exit(3);
}

static void handle(int sig, void (*fn)(int))
{
	struct sigaction sa = { .sa_handler = fn, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void timer(int which, long us)
{
	struct itimerval it = { { 0, us }, { 0, us } };

	setitimer(which, &it, NULL);
}

static int restart(int n, const char *path)
{
	int forks = 0;
	char c;

	if (pipe(pfd))
		return 2;
	want = n;
	handle(SIGALRM, on_alarm);
	timer(ITIMER_REAL, 20000);
	/* one read, interrupted n times: each time the kernel restarts it */
	if (read(pfd[0], &c, 1) != 1)
		return 2;
	/* forks with a signal arriving now and then: some are restarted too */
	want = -1;
	timer(ITIMER_REAL, 50);
	for (int i = 0; i < 300; i++) {
		pid_t p = fork();

		if (p == 0)
			_exit(0);
		if (p > 0 && waitpid(p, NULL, 0) == p)
			forks++;
	}
	timer(ITIMER_REAL, 0);
	printf("interrupted %d forks %d\n", n, forks);
	fflush(stdout);
	return mkdir(path, 0755) < 0 && errno == EACCES ? 0 : 1;
}

static int deep(const char *base, long len)
{
	char real[PATH_MAX], name[256];
	long have;

	if (!realpath(base, real) || chdir(real))
		return 2;
	have = strlen(real);
	while (have < len) {
		long left = len - have, n = left - 1;

		/* components of at most 200 bytes; never leave a remainder of 1 */
		if (n > 200)
			n = left - 201 < 2 ? 199 : 200;
		memset(name, 'd', n);
		name[n] = '\0';
		if (mkdir(name, 0755) || chdir(name))
			return 2;
		have += n + 1;
	}
	if (chmod(".", 0555))
		return 2;
	errno = 0;
	mkdir("x", 0755);
	printf("deep %ld errno %d\n", have, errno);
	fflush(stdout);
	/* fail as a go refused this way would: a refusal its process absorbs is no finding */
	return errno == EACCES ? 3 : 1;
}

static long sys_bpf(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

static int fill(unsigned id, unsigned base)
{
	enum { CHUNK = 4096 };
	static __u32 keys[CHUNK];
	static char vals[CHUNK * 64];
	union bpf_attr a = { .map_id = id };
	struct bpf_map_info info = {};
	long filled = 0;
	int fd = sys_bpf(BPF_MAP_GET_FD_BY_ID, &a);

	if (fd < 0)
		return 2;
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = fd;
	a.info.info_len = sizeof(info);
	a.info.info = (unsigned long)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) || info.key_size != 4 || info.value_size > 64)
		return 2;
	for (;;) {
		for (int i = 0; i < CHUNK; i++)
			keys[i] = base++;
		memset(&a, 0, sizeof(a));
		a.batch.map_fd = fd;
		a.batch.keys = (unsigned long)keys;
		a.batch.values = (unsigned long)vals;
		a.batch.count = CHUNK;
		/* keys above pid_max are new: no BPF_NOEXIST needed (batches refuse it) */
		if (sys_bpf(BPF_MAP_UPDATE_BATCH, &a)) {
			filled += a.batch.count;	/* those before the one refused */
			break;
		}
		filled += CHUNK;
	}
	printf("filled %ld (%s)\n", filled, strerror(errno));
	return errno == E2BIG ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "restart"))
		return restart(atoi(argv[2]), argv[3]);
	if (argc == 4 && !strcmp(argv[1], "deep"))
		return deep(argv[2], atol(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "fill"))
		return fill(atoi(argv[2]), strtoul(argv[3], NULL, 0));
	fprintf(stderr, "usage: gt-edge restart N PATH | deep BASE LEN | fill MAP_ID BASE\n");
	return 2;
}
