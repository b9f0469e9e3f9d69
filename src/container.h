/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Which container a process runs in, and how its namespaces see it: the
 * runtime, id and name from the cgroup path and the runtime's state files
 * (never its API), the id maps of its user namespace, and its root. Resolved
 * once per namespace (and root) while a process there lives, so the short
 * processes of a build still get it after they are gone.
 */
#ifndef GT_CONTAINER_H
#define GT_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <linux/types.h>

#define GT_IDMAP_MAX	8	/* extents kept per map (the kernel allows 340) */
#define GT_OVERFLOW_ID	65534	/* what an unmapped id shows as inside */

struct gt_idmap {
	int n;			/* 0: the identity (the host's own namespace) */
	struct { __u32 inside, outside, count; } e[GT_IDMAP_MAX];
};

/* What the finding of a process says about where it ran. */
struct gt_nsfacts {
	const char *runtime;	/* "podman", "docker", ... "chroot"; NULL on the host */
	char *id, *name, *pod;	/* container_id, container_name, pod ("namespace/name") */
	char *root;		/* its root as the host sees it, NULL when it is "/" */
	char *cgroup;		/* the cgroup path the runtime was found in */
	pid_t ns_pid;		/* pid in its own pid namespace, 0 when that is the host's */
	bool userns;		/* in a user namespace other than the host's */
	struct gt_idmap uid, gid;
	char *host_path;	/* path from the host's root, NULL when the same or unknown */
	char *layer;		/* fix_layer: the runtime option or spec field the fix is at */
};

/* One row of the runtime table: how a runtime names its cgroup and state. */
struct gt_runtime {
	const char *runtime;	/* container_runtime */
	const char *prefix;	/* cgroup path component: prefix + id + suffix */
	const char *suffix;
	const char *parent;	/* the component before must be this (cgroupfs layouts), or NULL */
	bool hex_id;		/* the id is 64 hex digits (else a name, e.g. a machine) */
	const char *state;	/* state file holding the name, %s: the id; NULL: the id is the name */
	const char *name_key;	/* JSON key whose string value is the name, after the id */
};

extern const struct gt_runtime gt_runtimes[];

/*
 * The mounts a container was configured with, from its runtime's state files
 * (docker's hostconfig.json and config.v2.json): what is left to say which
 * mount holds a path when the process and its mount namespace ended before
 * /proc/PID/mountinfo could be read (a go command that fails at once).
 */
#define GT_CFG_MOUNTS	16

struct gt_cfg_mounts {
	bool known;		/* the state files were read */
	bool ro_root;		/* --read-only */
	int n;
	struct { char dest[128]; bool ro, noexec, tmpfs; } m[GT_CFG_MOUNTS];
};

/* Parse docker's hostconfig.json and config.v2.json texts (either may be NULL). Pure: for tests. */
void gt_cfg_mounts_parse_docker(struct gt_cfg_mounts *c, const char *hostconfig,
				const char *config);

struct gt_mount_facts;
/* The configured mount holding path (the root when none below it); false when not known. */
bool gt_cfg_mount_of(const struct gt_cfg_mounts *c, const char *path, struct gt_mount_facts *m);
/* The same for the container of a gt_ns_note serial. */
bool gt_ns_cfg_mount(unsigned long serial, const char *path, struct gt_mount_facts *m);

/*
 * From one /proc/PID/cgroup text (every line), the runtime, id and pod uid;
 * false when no row matches (a host process). Pure: for tests.
 */
bool gt_container_from_cgroup(const char *cgroup_text, const struct gt_runtime **rt,
			      char *id, size_t id_size, char *pod_uid, size_t pod_size,
			      char *cg_path, size_t cg_size);

/* "namespace/name" of the pod with this uid, from kubelet's log directories under logdir. */
bool gt_pod_name_in(const char *logdir, const char *uid, char *out, size_t size);

/* The container's name in its pod, from kubelet's log links under logdir. */
bool gt_k8s_container_name_in(const char *logdir, const char *id, char *out, size_t size);

/* Parse a uid_map/gid_map text; identity maps give n == 0. Pure: for tests. */
void gt_idmap_parse(struct gt_idmap *m, const char *text);
/* The id inside for a host id, GT_OVERFLOW_ID (and false) when it is not mapped. */
bool gt_idmap_inside(const struct gt_idmap *m, __u32 outside, __u32 *inside);

/* The name a runtime's state file gives id (e.g. docker's config.v2.json); pure on text. */
bool gt_state_name(const char *text, const char *key, const char *id, char *name, size_t size);

/*
 * At exec: note the process's namespaces while /proc/PID lives. Returns the
 * serial the later lookups use (never reused, unlike namespace inode numbers;
 * 0 when the process is gone); root gets the process's root (caller frees,
 * NULL when it is "/").
 */
unsigned long gt_ns_note(pid_t pid, unsigned mntns, char **root);

/* Fill ns for a process with this serial and root (from gt_ns_note). */
void gt_ns_facts(struct gt_nsfacts *ns, unsigned long serial, const char *root);

/* A path the kernel side read from the namespace root, put in the process's own view. */
void gt_ns_own_view(char **path, const char *root);

/* "uid 0 (a host uid not mapped into the container: 65534 inside)" and the like. */
void gt_ns_id_words(const struct gt_nsfacts *ns, bool gid, __u32 host_id, char *buf, size_t size);

struct gt_json;
/* The fields of ns in a JSON event (uid, gid: the host's ids, mapped for ns_uid/ns_gid). */
void gt_ns_json(struct gt_json *j, const struct gt_nsfacts *ns, __u32 uid, __u32 gid);
/* " in podman container NAME ID12 (pid 7 inside)" for the text line. */
void gt_ns_text(FILE *m, const struct gt_nsfacts *ns);

void gt_nsfacts_copy(struct gt_nsfacts *to, const struct gt_nsfacts *from);
void gt_nsfacts_free(struct gt_nsfacts *ns);
void gt_ns_free_all(void);

#endif
