// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "loader.h"
#include "log.h"
#include "syscalls.h"
#include "gotraced.skel.h"
#include "gotraced.bounded.skel.h"
#include "lsm.h"
#include <bpf/btf.h>

/* Findings by default; the rest needs --all-errors. */
static const int finding_errnos[] = {
	EACCES, EPERM, EROFS, ENOSPC, EDQUOT, EMFILE, ENFILE, ENOMEM, EAGAIN, ETXTBSY,
};

#define GT_WALK_DEPTH_USER	128	/* GT_WALK_DEPTH in bpf/gotraced.bpf.h */

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !gt_verbose)
		return 0;
	fputs("gotraced: libbpf: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

static int fill_table(int fd, const struct gt_syscall_desc *table)
{
	for (__u32 nr = 0; nr < GT_NR_SYSCALLS; nr++) {
		if (!table[nr].kind)
			continue;
		if (bpf_map_update_elem(fd, &nr, &table[nr], BPF_ANY))
			return -errno;
	}
	return 0;
}

/* The native table and the 32-bit one (x86-64's ia32 calls). */
static int fill_syscalls(struct gt_bpf *b)
{
	static struct gt_syscall_desc table[GT_NR_SYSCALLS];
	int err;

	gt_syscalls_fill(table);
	err = fill_table(bpf_map__fd(b->obj->maps.syscalls), table);
	if (err)
		return err;
	gt_syscalls_fill_compat(table);
	return fill_table(bpf_map__fd(b->obj->maps.syscalls32), table);
}

static int explain(const char *what, int err)
{
	err = err < 0 ? err : -err;
	if (err == -EPERM || err == -EACCES)
		gt_err("%s: %s: run as root, or with CAP_BPF, CAP_PERFMON and "
		       "CAP_SYS_RESOURCE", what, strerror(-err));
	else
		gt_err("%s: %s", what, strerror(-err));
	return err;
}

static void mech(struct gt_bpf *b, enum gt_capability c, const char *how, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void mech(struct gt_bpf *b, enum gt_capability c, const char *how, const char *fmt, ...)
{
	static const char *const what[GT_CAP_MAX] = {
		[GT_CAP_PROC] = "Go process trees",
		[GT_CAP_SYSERR] = "failed syscalls",
		[GT_CAP_SECCOMP_ERRNO] = "seccomp RET_ERRNO",
		[GT_CAP_SIGNAL] = "kills, seccomp kill/trap",
		[GT_CAP_OOM] = "OOM kills",
		[GT_CAP_LSM_VERDICT] = "LSM verdict",
		[GT_CAP_SELINUX] = "SELinux AVC",
		[GT_CAP_LANDLOCK] = "Landlock",
		[GT_CAP_BPF_LSM] = "BPF LSM",
		[GT_CAP_LOOPS] = "path and environment walks",
		[GT_CAP_THREAD_STATE] = "per-thread state",
		[GT_CAP_CURRENT] = "current task",
		[GT_CAP_SYSCALL_REGS] = "syscall of an LSM hook",
		[GT_CAP_TOOL_STDERR] = "helper stderr (tool_failed)",
	};
	va_list ap;

	b->mech[c].what = what[c];
	b->mech[c].how = how;
	va_start(ap, fmt);
	vsnprintf(b->mech[c].why, sizeof(b->mech[c].why), fmt, ap);
	va_end(ap);
}

/* The names GOTRACED_DISABLE_FEATURES knows, and where each lives. */
static const struct {
	const char *name;
	size_t off;
} feature_names[] = {
	{ "bpf_loop", offsetof(struct gt_features, bpf_loop) },
	{ "task_storage", offsetof(struct gt_features, task_storage) },
	{ "task_btf", offsetof(struct gt_features, task_btf) },
	{ "task_pt_regs", offsetof(struct gt_features, task_pt_regs) },
};

/*
 * The kernel's BTF, parsed once for the loader's own questions (5 MB read
 * 4 KiB at a time from sysfs, and some 100,000 types to index: a parse is
 * tens of ms); freed once the programs are loaded.
 */
static struct btf *kbtf;

static struct btf *vmlinux_btf(void)
{
	if (!kbtf)
		kbtf = btf__load_vmlinux_btf();
	return kbtf;
}

static void vmlinux_btf_free(void)
{
	btf__free(kbtf);
	kbtf = NULL;
}

/* Is the tracepoint's BTF prototype there (what tp_btf attaches by)? */
static bool have_btf_tracepoint(const char *tp)
{
	struct btf *btf = vmlinux_btf();
	char name[128];

	if (!btf)
		return false;
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) >= 0;
}

/*
 * Does the kernel let an fexit program attach to fn (0, or why not)? Asked with a program
 * of two instructions, not the LSM object: where it is refused (many
 * kernels), that object is opened and verified once, not twice.
 */
static int fexit_loads(const char *fn)
{
	/* r0 = 0; exit */
	const struct bpf_insn insns[] = {
		{ .code = 0xb7 /* BPF_ALU64 | BPF_MOV | BPF_K */, .dst_reg = 0, .imm = 0 },
		{ .code = 0x95 /* BPF_JMP | BPF_EXIT */ },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_FEXIT);
	struct btf *btf = vmlinux_btf();
	int id = btf ? btf__find_by_name_kind(btf, fn, BTF_KIND_FUNC) : -1, fd;

	if (id < 0)
		return -ENOENT;
	o.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", insns, 2, &o);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/*
 * The floor first, with a message naming what is missing; then each
 * feature that has a fallback. Helpers are probed from a raw tracepoint
 * program: the helpers the tp_btf programs call are offered to both.
 */
static int probe_features(struct gt_features *f)
{
	const char *off = getenv("GOTRACED_DISABLE_FEATURES");
	libbpf_print_fn_t prev;

	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		gt_err("this kernel has no BTF (/sys/kernel/btf/vmlinux): gotraced needs a "
		       "kernel built with CONFIG_DEBUG_INFO_BTF=y (Linux 5.8 or later)");
		return -ENOENT;
	}
	if (!have_btf_tracepoint("sys_exit")) {
		gt_err("this kernel's BTF has no raw tracepoint types (btf_trace_sys_exit): "
		       "gotraced needs BTF-enabled tracepoints (tp_btf, Linux 5.5 or later)");
		return -ENOTSUP;
	}
	/* the probes load programs the kernel may refuse: that is the answer, not an error */
	prev = libbpf_set_print(NULL);
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) != 1) {
		libbpf_set_print(prev);
		gt_err("this kernel has no BPF ring buffer (BPF_MAP_TYPE_RINGBUF): gotraced "
		       "needs Linux 5.8 or later, run as root or with CAP_BPF and CAP_PERFMON");
		return -ENOTSUP;
	}
	f->bpf_loop = libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_loop,
					      NULL) == 1;
	f->task_btf = libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT,
					      BPF_FUNC_get_current_task_btf, NULL) == 1;
	f->task_pt_regs = libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT,
						  BPF_FUNC_task_pt_regs, NULL) == 1;
	f->task_storage = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) == 1 &&
			  libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT,
						  BPF_FUNC_task_storage_get, NULL) == 1;
	libbpf_set_print(prev);

	for (const char *p = off; p && *p;) {
		size_t n = strcspn(p, ",");
		bool known = false;

		for (size_t i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++) {
			if ((n == 3 && !strncmp(p, "all", 3)) ||
			    (strlen(feature_names[i].name) == n && !strncmp(p, feature_names[i].name, n))) {
				*(bool *)((char *)f + feature_names[i].off) = false;
				known = true;
			}
		}
		if (!known && n)
			gt_warn("GOTRACED_DISABLE_FEATURES: unknown feature '%.*s'", (int)n, p);
		p += n + (p[n] == ',');
	}
	if (off)
		snprintf(f->disabled, sizeof(f->disabled), "%s", off);
	/* task storage needs a BTF task pointer to hang on */
	if (!f->task_btf)
		f->task_storage = false;
	return 0;
}

/* Copy the features into an object's .rodata (bpf/gotraced.bpf.h). */
#define SET_FEATURES(skel, f)						\
	do {								\
		(skel)->rodata->has_task_btf = (f)->task_btf;		\
		(skel)->rodata->has_task_storage = (f)->task_storage;	\
		(skel)->rodata->has_task_pt_regs = (f)->task_pt_regs;	\
	} while (0)

/*
 * Open an object through its skeleton, from the image built with bpf_loop
 * or the one built with bounded loops (same maps, programs and globals).
 */
#define OPEN_OBJ(name, feat)							\
	({									\
		struct name##_bpf *o_ = calloc(1, sizeof(*o_));			\
		int e_ = o_ ? name##_bpf__create_skeleton(o_) : -ENOMEM;	\
										\
		if (!e_ && !(feat)->bpf_loop)					\
			o_->skeleton->data =					\
				(void *)name##_bounded_bpf__elf_bytes(&o_->skeleton->data_sz); \
		e_ = e_ ?: bpf_object__open_skeleton(o_->skeleton, NULL);	\
		e_ = e_ ?: prepare_obj(o_->obj, feat);				\
		if (e_) {							\
			if (o_)							\
				name##_bpf__destroy(o_);			\
			o_ = NULL;						\
			errno = -e_;						\
		} else {							\
			SET_FEATURES(o_, feat);					\
		}								\
		o_;								\
	})

/*
 * Sizes and types, set before load: one outsider per CPU; without task
 * storage the per-thread maps become hashes keyed by thread id.
 */
static int prepare_obj(struct bpf_object *obj, const struct gt_features *f)
{
	static const char *const per_thread[] = { "lsm_states" };
	struct bpf_map *m;
	int err, ncpus = libbpf_num_possible_cpus();

	/* one outsider per CPU (bpf/gotraced.bpf.h) */
	m = bpf_object__find_map_by_name(obj, "outsiders");
	if (m && ncpus > 0 && (err = bpf_map__set_max_entries(m, ncpus)))
		return err;

	/* with -v: the verifier's cost of each program (the kernel matrix's figures) */
	if (getenv("GOTRACED_VERIFIER_STATS")) {
		struct bpf_program *p;

		bpf_object__for_each_program(p, obj)
			bpf_program__set_log_level(p, 4);
	}
	if (f->task_storage)
		return 0;
	/* unused without task storage (procs is looked up): the smallest stand-in */
	m = bpf_object__find_map_by_name(obj, "members");
	err = m ? bpf_map__set_type(m, BPF_MAP_TYPE_HASH) : 0;
	err = err ?: (m ? bpf_map__set_max_entries(m, 1) : 0);
	for (size_t i = 0; !err && i < sizeof(per_thread) / sizeof(per_thread[0]); i++) {
		m = bpf_object__find_map_by_name(obj, per_thread[i]);
		if (!m)
			continue;
		err = bpf_map__set_type(m, BPF_MAP_TYPE_HASH);
		err = err ?: bpf_map__set_max_entries(m, 65536);
	}
	return err;
}

static void feature_mechs(struct gt_bpf *b)
{
	const struct gt_features *f = &b->feat;
	const char *forced = f->disabled[0] ? " (GOTRACED_DISABLE_FEATURES)" : "";

	if (f->bpf_loop)
		mech(b, GT_CAP_LOOPS, "bpf_loop", "path walks up to %d components, 4096 "
		     "environment strings", GT_WALK_DEPTH_USER);
	else
		mech(b, GT_CAP_LOOPS, "bounded loops", "no bpf_loop%s: loops calling a global "
		     "function per step; 1024 environment strings", forced);
	if (f->task_storage)
		mech(b, GT_CAP_THREAD_STATE, "task storage", "freed with the task");
	else
		mech(b, GT_CAP_THREAD_STATE, "hash by thread id", "no task storage%s: entries "
		     "removed at sched_process_exit", forced);
	if (f->task_btf)
		mech(b, GT_CAP_CURRENT, "bpf_get_current_task_btf", "direct reads");
	else
		mech(b, GT_CAP_CURRENT, "bpf_get_current_task + CO-RE reads",
		     "no BTF current task%s", forced);
	if (f->task_pt_regs)
		mech(b, GT_CAP_SYSCALL_REGS, "bpf_task_pt_regs", "the syscall an LSM refusal "
		     "happened in");
	else
		mech(b, GT_CAP_SYSCALL_REGS, "top of the kernel stack", "no bpf_task_pt_regs%s: "
		     "registers read where task_pt_regs() keeps them", forced);
}

/* Does the tracepoint's first argument (after ctx) have pointer type in this kernel? */
static int tp_first_arg_is_ptr(const char *tp)
{
	struct btf *btf = vmlinux_btf();
	const struct btf_param *params;
	const struct btf_type *t;
	char name[128];
	int id, ret = -1;

	if (!btf)
		return -1;
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		goto out;
	t = btf__type_by_id(btf, btf__resolve_type(btf, id));	/* the pointer */
	t = t && btf_is_ptr(t) ? btf__type_by_id(btf, t->type) : NULL;	/* the prototype */
	if (!t || !btf_is_func_proto(t) || btf_vlen(t) < 2)
		goto out;
	params = btf_params(t);
	t = btf__type_by_id(btf, btf__resolve_type(btf, params[1].type));
	ret = t && btf_is_ptr(t);
out:
	return ret;
}

/*
 * What a load tries beyond the core (process trees, failed calls, helpers'
 * stderr): each part is asked for only where the kernel has what it hooks.
 * One object loads or fails whole: a part it still refuses is dropped and
 * the object loaded again without it, so a part never takes the core down.
 */
struct gt_parts {
	bool fexit;	/* the LSM verdict: fexit/security_* */
	bool avc;	/* tp_btf/selinux_audited */
	bool signal;	/* tp_btf/signal_generate, mark_victim */
	int oom_task;	/* mark_victim's first argument: 1 the task, 0 its pid, -1 no such tracepoint */
	int err_fexit, err_avc, err_signal;	/* why a part is not loaded */
};

/* Open, configure, load and attach the object with the parts asked for; 0 or -errno. */
static int load_obj(struct gt_bpf *b, const struct gt_bpf_opts *o, const struct gt_parts *p)
{
	struct gotraced_bpf *g = OPEN_OBJ(gotraced, &b->feat);
	int err;

	if (!g)
		return -errno;
	g->rodata->targeted = o->targeted;
	g->rodata->all_errors = o->all_errors;
	for (size_t i = 0; i < sizeof(finding_errnos) / sizeof(finding_errnos[0]); i++) {
		int e = finding_errnos[i];

		g->rodata->errno_mask[e / 64] |= 1ULL << (e % 64);
	}
	bpf_program__set_autoload(g->progs.gt_lsm_open, p->fexit);
	bpf_program__set_autoload(g->progs.gt_lsm_exec, p->fexit);
	bpf_program__set_autoload(g->progs.gt_lsm_mmap, p->fexit);
	bpf_program__set_autoload(g->progs.gt_avc, p->avc);
	bpf_program__set_autoload(g->progs.gt_signal, p->signal);
	bpf_program__set_autoload(g->progs.gt_oom_task, p->signal && p->oom_task == 1);
	bpf_program__set_autoload(g->progs.gt_oom_pid, p->signal && p->oom_task == 0);
	b->obj = g;
	err = gotraced_bpf__load(g);
	err = err ?: fill_syscalls(b);
	err = err ?: gotraced_bpf__attach(g);
	if (err) {
		gotraced_bpf__destroy(g);
		b->obj = NULL;
	}
	return err;
}

/* Drop the part likeliest to be the one refused; false when only the core is left. */
static bool drop_part(struct gt_parts *p, int err)
{
	if (p->fexit) {
		p->fexit = false;
		p->err_fexit = err;
	} else if (p->avc) {
		p->avc = false;
		p->err_avc = err;
	} else if (p->signal) {
		p->signal = false;
		p->err_signal = err;
	} else {
		return false;
	}
	return true;
}

/* The parts' lines of --probe, once the object is loaded. */
static void part_mechs(struct gt_bpf *b, const struct gt_parts *p)
{
	if (p->fexit)
		mech(b, GT_CAP_LSM_VERDICT, "fexit/security_file_open,bprm_check,mmap_file",
		     "the combined verdict of every LSM, seen in the kernel");
	else
		mech(b, GT_CAP_LSM_VERDICT, "elimination", "fexit refused here (%s): a refusal "
		     "that owner, mode, mounts and seccomp do not explain is put on the LSMs",
		     strerror(-p->err_fexit));
	if (p->avc)
		mech(b, GT_CAP_SELINUX, "tp_btf/selinux_audited", "%s",
		     gt_lsm_active("selinux") ? "SELinux is active: its denials carry contexts" :
		     "attached; SELinux is not an active LSM here, so it will not fire");
	else
		mech(b, GT_CAP_SELINUX, NULL, "selinux_audited unavailable: %s",
		     strerror(-p->err_avc));
	mech(b, GT_CAP_LANDLOCK, gt_lsm_active("landlock") ? "elimination" : NULL, "%s",
	     gt_lsm_active("landlock") ? "active; Landlock has no tracepoint: a refusal "
	     "nothing else explains, in a no_new_privs task, is put on it" :
	     "not an active LSM here");
	if (gt_lsm_active("bpf") && libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_LSM, NULL) == 1)
		mech(b, GT_CAP_BPF_LSM, NULL, "available (bpf is an active LSM); not needed: it "
		     "sees only what the LSMs before it allowed, fexit or elimination say more");
	else if (gt_lsm_active("bpf"))
		mech(b, GT_CAP_BPF_LSM, NULL, "bpf is an active LSM, but this kernel refuses to "
		     "load LSM programs; not needed: fexit or elimination tell the verdict");
	else
		mech(b, GT_CAP_BPF_LSM, NULL, "not available (bpf is not an active LSM)");

	if (!p->signal) {
		gt_warn("signal and OOM tracing unavailable: %s; kills are still reported "
			"from exit statuses", strerror(-p->err_signal));
		mech(b, GT_CAP_SIGNAL, "exit status", "signal_generate failed: %s; the signal "
		     "is known, the sender is not", strerror(-p->err_signal));
		mech(b, GT_CAP_OOM, NULL, "mark_victim failed: %s", strerror(-p->err_signal));
		return;
	}
	mech(b, GT_CAP_SIGNAL, "tp_btf/signal_generate", "names the sender; SIGSYS carries "
	     "the syscall a filter refused");
	if (p->oom_task < 0) {
		gt_warn("oom:mark_victim not found: OOM kills are reported as kills");
		mech(b, GT_CAP_OOM, NULL, "no oom:mark_victim tracepoint in this kernel");
	} else {
		mech(b, GT_CAP_OOM, p->oom_task ? "tp_btf/mark_victim(task)" :
		     "tp_btf/mark_victim(pid)", p->oom_task ?
		     "victim's memory cgroup and limit read in the kernel" :
		     "this kernel passes only the pid: no cgroup details");
	}
}

int gt_bpf_start(struct gt_bpf *b, const struct gt_bpf_opts *o)
{
	struct gt_parts p = { .err_avc = -ENOENT, .err_signal = -ENOENT };
	libbpf_print_fn_t prev;
	int err;

	memset(b, 0, sizeof(*b));
	libbpf_set_print(libbpf_print);
	err = probe_features(&b->feat);
	if (err)
		return err;
	feature_mechs(b);

	/* fexit is refused on many kernels: asked with a tiny program, not the whole object */
	p.err_fexit = fexit_loads("security_file_open");
	p.fexit = !p.err_fexit;
	p.avc = have_btf_tracepoint("selinux_audited");
	p.signal = have_btf_tracepoint("signal_generate");
	p.oom_task = tp_first_arg_is_ptr("mark_victim");
	/* a part's refusal is expected on some kernels: libbpf is quiet while one is in */
	prev = libbpf_set_print(gt_verbose ? libbpf_print : NULL);
	for (;;) {
		if (!p.fexit && !p.avc && !p.signal)
			libbpf_set_print(prev);
		err = load_obj(b, o, &p);
		if (!err || !drop_part(&p, err))
			break;
	}
	libbpf_set_print(prev);
	vmlinux_btf_free();
	if (err)
		return explain("loading the BPF programs", err);

	mech(b, GT_CAP_PROC, "tp_btf/sched_process_exec,fork,exit", "membership inherited in "
	     "the kernel; environment and argv copied at exec");
	mech(b, GT_CAP_SYSERR, "tp_btf/sys_exit", "arguments from the saved registers, paths "
	     "resolved in the kernel");
	mech(b, GT_CAP_TOOL_STDERR, "tp_btf/sys_exit of write(v) to fd 2", "first %d bytes "
	     "a helper wrote, read after the call", GT_STDERR_MAX);
	mech(b, GT_CAP_SECCOMP_ERRNO, "tp_btf/sys_exit + the task's filters", "a call its "
	     "filters do not always allow: the daemon runs them (orig_prog) on the call");
	part_mechs(b, &p);
	b->events_fd = bpf_map__fd(b->obj->maps.events);
	b->repeats_fd = bpf_map__fd(b->obj->maps.repeats);
	b->tree_lost_fd = bpf_map__fd(b->obj->maps.tree_lost);
	return 0;
}

void gt_bpf_print_probe(const struct gt_bpf *b, FILE *f)
{
	fprintf(f, "%-26s %-48s %s\n", "CAPABILITY", "MECHANISM", "WHY");
	for (int c = 0; c < GT_CAP_MAX; c++)
		fprintf(f, "%-26s %-48s %s\n", b->mech[c].what ? b->mech[c].what : "?",
			b->mech[c].how ? b->mech[c].how : "-", b->mech[c].why);
}

void gt_bpf_stop(struct gt_bpf *b)
{
	vmlinux_btf_free();
	gotraced_bpf__destroy(b->obj);
	b->obj = NULL;
}

/*
 * The kernel side asks task storage (members) before procs, and remembers
 * tasks found outside until a join is counted (joins[1] is ours): mark pid,
 * then count. A process that cannot be marked (no pidfd_open under valgrind
 * or an old seccomp profile) is still followed: joins[2] counts it, and the
 * kernel side then asks procs about unmarked tasks too.
 */
static void mark_member(struct gt_bpf *b, pid_t pid)
{
	static __u64 user_joins, unmarked;
	__u32 one = 1, k1 = 1, k2 = 2;
	int pidfd, err = 0;

	if (b->feat.task_storage) {
		pidfd = syscall(SYS_pidfd_open, pid, 0);
		if (pidfd < 0)
			err = errno == ESRCH ? 0 : errno;	/* ESRCH: gone, nothing to follow */
		else if (bpf_map_update_elem(bpf_map__fd(b->obj->maps.members), &pidfd, &one, BPF_ANY))
			err = errno;
		if (pidfd >= 0)
			close(pidfd);
		if (err) {
			gt_debug("cannot mark %d in task storage: %s: the kernel side asks procs", pid,
				 strerror(err));
			unmarked++;
			bpf_map_update_elem(bpf_map__fd(b->obj->maps.joins), &k2, &unmarked, BPF_ANY);
		}
	}
	user_joins++;
	bpf_map_update_elem(bpf_map__fd(b->obj->maps.joins), &k1, &user_joins, BPF_ANY);
}

int gt_bpf_track(struct gt_bpf *b, pid_t pid, __u32 go_pid, __u32 flags, __u64 start_ns)
{
	struct gt_proc p = { .go_pid = go_pid, .flags = flags, .start_ns = start_ns };
	__u32 key = pid;

	/* never over an entry the kernel made: it is newer than anything read here */
	if (bpf_map_update_elem(bpf_map__fd(b->obj->maps.procs), &key, &p, BPF_NOEXIST))
		return -errno;
	mark_member(b, pid);
	return 0;
}

const struct gt_loss gt_losses[] = {
	{ GT_STAT_LOST_SYSERR, "syserr", "failed-call records (ring buffer full)" },
	{ GT_STAT_LOST_EXEC, "exec", "exec and fork records (ring buffer full)" },
	{ GT_STAT_LOST_EXIT, "exit", "exit records (ring buffer full)" },
	{ GT_STAT_LOST_SIGNAL, "signal", "signal and OOM records (ring buffer full)" },
	{ GT_STAT_LOST_STDERR, "tool_stderr", "helpers' stderr records (ring buffer full)" },
	{ GT_STAT_PROCS_FULL, "process_table_full",
	  "processes not tracked (process table full)" },
};
const int gt_nlosses = sizeof(gt_losses) / sizeof(gt_losses[0]);

int gt_bpf_stats(struct gt_bpf *b, __u64 out[GT_STAT_MAX])
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(b->obj->maps.stats);

	if (ncpu <= 0)
		return ncpu;
	__u64 vals[ncpu];

	for (__u32 k = 0; k < GT_STAT_MAX; k++) {
		out[k] = 0;
		/* valgrind does not know how much a per-CPU lookup writes */
		memset(vals, 0, sizeof(vals));
		if (bpf_map_lookup_elem(fd, &k, vals))
			return -errno;
		for (int c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
	return 0;
}

int gt_bpf_repeat(const struct gt_rep_key *k, struct gt_rep_val *v, bool del, void *ctx)
{
	struct gt_bpf *b = ctx;

	memset(v, 0, sizeof(*v));	/* valgrind does not see the kernel write it */
	if (bpf_map_lookup_elem(b->repeats_fd, k, v))
		return -1;
	/* only for a process that has ended: nothing adds to it any more */
	if (del)
		bpf_map_delete_elem(b->repeats_fd, k);
	return 0;
}

unsigned long gt_bpf_tree_lost(void *ctx, pid_t go_pid, __u64 start_ns)
{
	struct gt_bpf *b = ctx;
	struct gt_tree_lost v = { 0 };	/* valgrind does not see the kernel write it */
	__u32 k = go_pid;

	if (bpf_map_lookup_elem(b->tree_lost_fd, &k, &v))
		return 0;
	bpf_map_delete_elem(b->tree_lost_fd, &k);
	/* the entry's start is exact, or from the /proc scan the start of its tick */
	return start_ns - v.start_ns < GT_TICK_NS ? v.count : 0;
}

int gt_bpf_repeats(void (*fn)(const struct gt_rep_key *k, const struct gt_rep_val *v, void *arg),
		   void *arg, void *ctx)
{
	enum { CHUNK = 256 };
	static struct gt_rep_key keys[CHUNK];
	static struct gt_rep_val vals[CHUNK];
	struct gt_bpf *b = ctx;
	__u64 batch = 0;
	bool first = true;
	int err;

	for (;;) {
		__u32 n = CHUNK;

		/* valgrind does not know what a batch read writes */
		memset(keys, 0, sizeof(keys));
		memset(vals, 0, sizeof(vals));
		err = bpf_map_lookup_batch(b->repeats_fd, first ? NULL : &batch, &batch, keys,
					   vals, &n, NULL);
		if (err && errno != ENOENT)
			return first ? -1 : 0;
		for (__u32 i = 0; i < n; i++)
			fn(&keys[i], &vals[i], arg);
		if (err)	/* ENOENT: that was the last of them */
			return 0;
		first = false;
	}
}
