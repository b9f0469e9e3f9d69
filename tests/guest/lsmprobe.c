// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * lsmprobe DIR [CONTEXT]: in the guest, provoke a real SELinux denial and
 * report which BPF mechanisms load, attach and see it, one line each:
 *   GT-RESULT <name> pass|fail|skip <detail>
 * DIR must be on a file system that takes security.selinux labels (tmpfs);
 * CONTEXT is the label whose open the loaded policy denies.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/types.h>
#include <bpf/libbpf.h>
#include "lsmprobe.h"
#include "lsmprobe.skel.h"

#define DEFAULT_CONTEXT "system_u:object_r:gt_denied_t"

enum probe_id { P_AVC_BTF, P_AVC_TP, P_FEXIT, P_LSM, P_COUNT };

struct probe {
	const char *name;
	struct lsmprobe_bpf *skel;
	int load_err;		/* 0 or -errno */
	int attach_err;
	int loaded, attached;
};

static struct probe probes[P_COUNT] = {
	[P_AVC_BTF] = { .name = "avc-tp_btf-selinux_audited" },
	[P_AVC_TP] = { .name = "avc-tracepoint-selinux_audited" },
	[P_FEXIT] = { .name = "fexit-security_file_open" },
	[P_LSM] = { .name = "lsm-file_open" },
};

static char last_libbpf_err[256];

/* Keep libbpf's first warning: it says why a load was refused. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG || last_libbpf_err[0])
		return 0;
	vsnprintf(last_libbpf_err, sizeof(last_libbpf_err), fmt, args);
	last_libbpf_err[strcspn(last_libbpf_err, "\n")] = '\0';
	return 0;
}

static void result(const char *name, const char *verdict, const char *fmt, ...)
{
	va_list ap;

	printf("GT-RESULT %s %s ", name, verdict);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static struct bpf_program *prog_of(struct lsmprobe_bpf *s, enum probe_id id)
{
	switch (id) {
	case P_AVC_BTF: return s->progs.avc_btf;
	case P_AVC_TP: return s->progs.avc_tp;
	case P_FEXIT: return s->progs.file_open_exit;
	case P_LSM: return s->progs.lsm_file_open;
	default: return NULL;
	}
}

static int make_file(const char *dir, const char *name, char *path, size_t len, ino_t *ino)
{
	struct stat st;
	int fd;

	snprintf(path, len, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, "gt\n", 3) != 3 || fstat(fd, &st)) {
		close(fd);
		return -EIO;
	}
	close(fd);
	*ino = st.st_ino;
	return 0;
}

/* open(2) PATH for reading; 0 on success, else errno */
static int try_open(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static void load_one(enum probe_id id, ino_t denied_ino, ino_t lsmdeny_ino)
{
	struct probe *p = &probes[id];
	struct lsmprobe_bpf *s;
	int i, err;

	s = lsmprobe_bpf__open();
	if (!s) {
		p->load_err = -errno;
		return;
	}
	for (i = 0; i < P_COUNT; i++)
		bpf_program__set_autoload(prog_of(s, i), i == (int)id);
	s->rodata->target_tgid = getpid();
	s->rodata->denied_ino = denied_ino;
	s->rodata->lsmdeny_ino = lsmdeny_ino;
	last_libbpf_err[0] = '\0';
	err = lsmprobe_bpf__load(s);
	if (err) {
		p->load_err = err;
		fprintf(stderr, "lsmprobe: %s: load: %s (%s)\n", p->name, strerror(-err),
			last_libbpf_err);
		lsmprobe_bpf__destroy(s);
		return;
	}
	p->loaded = 1;
	p->skel = s;
	err = lsmprobe_bpf__attach(s);
	if (err) {
		p->attach_err = err;
		fprintf(stderr, "lsmprobe: %s: attach: %s (%s)\n", p->name, strerror(-err),
			last_libbpf_err);
		return;
	}
	p->attached = 1;
}

static const char *stage(const struct probe *p)
{
	static char buf[96];

	if (!p->loaded)
		snprintf(buf, sizeof(buf), "load=%s", strerror(-p->load_err));
	else if (!p->attached)
		snprintf(buf, sizeof(buf), "load=ok attach=%s", strerror(-p->attach_err));
	else
		snprintf(buf, sizeof(buf), "load=ok attach=ok");
	return buf;
}

static int report(void)
{
	int i, failed = 0;

	for (i = 0; i < P_COUNT; i++) {
		struct probe *p = &probes[i];
		struct lsmprobe_bpf *s = p->skel;
		const char *verdict;

		if (!p->attached) {
			result(p->name, "fail", "%s", stage(p));
			failed++;
			continue;
		}
		switch (i) {
		case P_AVC_BTF:
		case P_AVC_TP:
			verdict = s->bss->res.denials ? "pass" : "fail";
			result(p->name, verdict,
			       "%s fired=%llu denials=%llu denied=0x%x scontext=%s tcontext=%s tclass=%s",
			       stage(p), (unsigned long long)s->bss->res.hits,
			       (unsigned long long)s->bss->res.denials, s->bss->res.denied,
			       s->bss->res.scontext[0] ? s->bss->res.scontext : "-",
			       s->bss->res.tcontext[0] ? s->bss->res.tcontext : "-",
			       s->bss->res.tclass[0] ? s->bss->res.tclass : "-");
			break;
		case P_FEXIT:
			verdict = s->bss->res.denials ? "pass" : "fail";
			result(p->name, verdict, "%s fired=%llu ret=%d", stage(p),
			       (unsigned long long)s->bss->res.hits, s->bss->res.ret);
			break;
		case P_LSM:
			/* Passing means: it ran and its own refusal took effect. */
			verdict = s->bss->res.hits ? "pass" : "fail";
			result(p->name, verdict,
			       "%s fired=%llu saw-selinux-denial=%s (bpf runs after selinux in lsm=)",
			       stage(p), (unsigned long long)s->bss->res.hits,
			       s->bss->res.denials ? "yes" : "no");
			break;
		}
		if (strcmp(verdict, "pass"))
			failed++;
	}
	return failed;
}

int main(int argc, char **argv)
{
	const char *dir, *ctx;
	char denied[512], lsmdeny[512];
	ino_t denied_ino, lsmdeny_ino;
	int i, e, failed = 0;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s DIR [CONTEXT]\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	ctx = argc == 3 ? argv[2] : DEFAULT_CONTEXT;
	libbpf_set_print(libbpf_print);

	if ((e = make_file(dir, "gt-denied", denied, sizeof(denied), &denied_ino)) ||
	    (e = make_file(dir, "gt-lsmdeny", lsmdeny, sizeof(lsmdeny), &lsmdeny_ino))) {
		result("selinux-relabel", "fail", "create in %s: %s", dir, strerror(-e));
		return 1;
	}
	if (setxattr(denied, "security.selinux", ctx, strlen(ctx) + 1, 0)) {
		result("selinux-relabel", "fail", "setxattr %s %s: %s", denied, ctx, strerror(errno));
		return 1;
	}
	result("selinux-relabel", "pass", "%s -> %s", denied, ctx);

	for (i = 0; i < P_COUNT; i++)
		load_one(i, denied_ino, lsmdeny_ino);

	/* The trigger, with every program that could attach in place. */
	e = try_open(denied);
	result("selinux-denial", e == EACCES ? "pass" : "fail", "open(%s)=%s", denied,
	       e ? strerror(e) : "ok");
	failed += e != EACCES;
	e = try_open(lsmdeny);
	if (probes[P_LSM].attached) {
		result("lsm-deny", e == EPERM ? "pass" : "fail", "open(%s)=%s", lsmdeny,
		       e ? strerror(e) : "ok");
		failed += e != EPERM;
	} else {
		result("lsm-deny", "skip", "lsm/file_open not attached");
	}

	failed += report();
	for (i = 0; i < P_COUNT; i++)
		lsmprobe_bpf__destroy(probes[i].skel);
	return failed ? 1 : 0;
}
