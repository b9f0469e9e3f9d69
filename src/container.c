// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <ctype.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/nsfs.h>
#include <sys/stat.h>
#include <unistd.h>
#include "classify.h"
#include "container.h"
#include "log.h"
#include "output.h"

/*
 * The runtimes, by the cgroup they put a container in. To add one: its
 * cgroup path component (systemd and cgroupfs layouts differ), whether the
 * id is hex, and the state file that names the container without calling
 * the runtime (where it has one). Rows are tried in order; the first match
 * on the deepest component wins. Seen here: podman 4.3 with runc, cgroupfs
 * manager (libpod_parent/libpod-<id>) and systemd (libpod-<id>.scope).
 */
const struct gt_runtime gt_runtimes[] = {
	/* podman's container list (the libpod names); rootless ones are under the user's home */
	{ "podman", "libpod-", ".scope", NULL, true,
	  "/var/lib/containers/storage/overlay-containers/containers.json", "\"names\":[" },
	{ "podman", "libpod-", "", "libpod_parent", true,
	  "/var/lib/containers/storage/overlay-containers/containers.json", "\"names\":[" },
	{ "docker", "docker-", ".scope", NULL, true,
	  "/var/lib/docker/containers/%s/config.v2.json", "\"Name\":" },
	{ "docker", "", "", "docker", true,
	  "/var/lib/docker/containers/%s/config.v2.json", "\"Name\":" },
	{ "containerd", "cri-containerd-", ".scope", NULL, true, NULL, NULL },
	{ "cri-o", "crio-", ".scope", NULL, true, NULL, NULL },
	/* kubepods with the cgroupfs driver: kubepods/<qos>/pod<uid>/<id> */
	{ "kubernetes", "", "", NULL, true, NULL, NULL },
	{ "nspawn", "machine-", ".scope", NULL, false, NULL, NULL },
	{ "lxc", "lxc.payload.", "", NULL, false, NULL, NULL },
	{ "lxc", "", "", "lxc", false, NULL, NULL },
	{ NULL },
};

static bool all_hex_n(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool all_hex(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* The pod uid of "kubepods-burstable-pod<uid>.slice" or "pod<uid>" (dashes or underscores). */
static bool pod_uid(const char *comp, size_t n, char *out, size_t size)
{
	const char *p = NULL;
	size_t len;

	/* the last "pod": "kubepods" has one too */
	for (const char *q = comp; (q = memmem(q, n - (q - comp), "pod", 3)); q++)
		p = q;
	if (!p)
		return false;
	p += 3;
	len = n - (p - comp);
	if (len > 6 && !memcmp(p + len - 6, ".slice", 6))
		len -= 6;
	if (len != 36 || len >= size)
		return false;
	for (size_t i = 0; i < len; i++)
		out[i] = p[i] == '_' ? '-' : p[i];	/* systemd escapes the dashes */
	out[len] = '\0';
	return true;
}

/* "machine-foo\x2dbar.scope" -> "foo-bar" */
static void unescape_unit(const char *s, size_t n, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < size; i++) {
		unsigned c;

		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' && sscanf(s + i + 2, "%2x", &c) == 1) {
			out[o++] = c;
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
}

/* Does row r match component comp (its parent prev)? Sets the id. */
static bool row_matches(const struct gt_runtime *r, const char *prev, size_t prev_n,
			const char *comp, size_t n, char *id, size_t id_size)
{
	size_t pl = strlen(r->prefix), sl = strlen(r->suffix), il;

	if (n <= pl + sl || memcmp(comp, r->prefix, pl) || memcmp(comp + n - sl, r->suffix, sl))
		return false;
	if (r->parent && (!prev || prev_n != strlen(r->parent) ||
			  memcmp(prev, r->parent, prev_n)))
		return false;
	il = n - pl - sl;
	if (r->hex_id ? !all_hex(comp + pl, il) : il == 0)
		return false;
	if (!r->hex_id && !pl && !r->parent)
		return false;
	if (r->hex_id)
		snprintf(id, id_size, "%.*s", (int)il, comp + pl);
	else
		unescape_unit(comp + pl, il, id, id_size);
	return true;
}

/* Anything below kubepods is a pod's, whichever CRI runtime runs it: fixes go in the pod spec. */
static const struct gt_runtime *kubernetes(void)
{
	for (const struct gt_runtime *r = gt_runtimes; r->runtime; r++)
		if (!strcmp(r->runtime, "kubernetes"))
			return r;
	return NULL;
}

bool gt_container_from_cgroup(const char *text, const struct gt_runtime **rt, char *id,
			      size_t id_size, char *pod, size_t pod_size, char *cg, size_t cg_size)
{
	const char *line = text;
	bool found = false;

	*rt = NULL;
	id[0] = pod[0] = cg[0] = '\0';
	/* every hierarchy's line: on a hybrid layout the runtime may use only some */
	while (line && *line && !found) {
		const char *path = NULL, *end = strchr(line, '\n'), *c, *prev = NULL;
		size_t prev_n = 0;
		bool kube = false;

		if (!end)
			end = line + strlen(line);
		/* "hierarchy-id:controllers:path" */
		c = memchr(line, ':', end - line);
		c = c ? memchr(c + 1, ':', end - c - 1) : NULL;
		path = c ? c + 1 : NULL;
		for (c = path; c && c < end;) {
			const char *slash = memchr(c, '/', end - c), *ce = slash ? slash : end;
			size_t n = ce - c;

			if (n >= 8 && !memcmp(c, "kubepods", 8))
				kube = true;
			if (kube && !pod[0])
				pod_uid(c, n, pod, pod_size);
			for (const struct gt_runtime *r = gt_runtimes; n && r->runtime; r++) {
				char cand[256];

				if (!strcmp(r->runtime, "kubernetes") && !kube)
					continue;
				if (!row_matches(r, prev, prev_n, c, n, cand, sizeof(cand)))
					continue;
				/* deeper matches win: a container scope below a pod slice */
				*rt = kube ? kubernetes() : r;
				snprintf(id, id_size, "%s", cand);
				snprintf(cg, cg_size, "%.*s", (int)(end - path), path);
				found = true;
				break;
			}
			prev = c;
			prev_n = n;
			c = slash ? slash + 1 : end;
		}
		line = *end ? end + 1 : NULL;
	}
	if (!found && pod[0]) {
		*rt = kubernetes();
		found = true;
	}
	return found;
}

void gt_idmap_parse(struct gt_idmap *m, const char *text)
{
	const char *p = text;

	memset(m, 0, sizeof(*m));
	while (p && *p && m->n < GT_IDMAP_MAX) {
		unsigned in, out, count;

		if (sscanf(p, "%u %u %u", &in, &out, &count) == 3) {
			m->e[m->n].inside = in;
			m->e[m->n].outside = out;
			m->e[m->n].count = count;
			m->n++;
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	/* "0 0 4294967295" is the host's own namespace */
	if (m->n == 1 && m->e[0].inside == 0 && m->e[0].outside == 0 && m->e[0].count == 4294967295u)
		m->n = 0;
}

bool gt_idmap_inside(const struct gt_idmap *m, __u32 outside, __u32 *inside)
{
	if (!m->n) {
		*inside = outside;
		return true;
	}
	for (int i = 0; i < m->n; i++) {
		if (outside >= m->e[i].outside && outside - m->e[i].outside < m->e[i].count) {
			*inside = m->e[i].inside + (outside - m->e[i].outside);
			return true;
		}
	}
	*inside = GT_OVERFLOW_ID;
	return false;
}

/*
 * The first JSON string after key, found after the id's own entry (podman's
 * containers.json lists every container; docker's config.v2.json is one).
 */
bool gt_state_name(const char *text, const char *key, const char *id, char *name, size_t size)
{
	const char *p = id ? strstr(text, id) : text, *q;
	size_t n;

	if (!p || !(p = strstr(p, key)))
		return false;
	p += strlen(key);
	while (*p == ' ' || *p == '[')
		p++;
	if (*p++ != '"' || !(q = strchr(p, '"')))
		return false;
	if (*p == '/')		/* docker's "/name" */
		p++;
	n = q - p;
	if (!n || n >= size)
		return false;
	memcpy(name, p, n);
	name[n] = '\0';
	return true;
}

static char *read_text(const char *file, size_t max)
{
	FILE *fp = fopen(file, "re");
	char *buf;
	size_t n;

	if (!fp)
		return NULL;
	buf = malloc(max + 1);
	n = buf ? fread(buf, 1, max, fp) : 0;
	fclose(fp);
	if (buf)
		buf[n] = '\0';
	return buf;
}

/*
 * A user's podman container list: under ~/.local/share/containers/storage,
 * in the directory of the storage driver (overlay; vfs where the kernel's
 * overlayfs or fuse-overlayfs is not usable rootless).
 */
static char *user_containers_json(uid_t uid)
{
	static const char *const drivers[] = { "overlay", "vfs" };
	struct passwd *pw = getpwuid(uid);
	char file[PATH_MAX], *text = NULL;

	for (size_t i = 0; pw && !text && i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		snprintf(file, sizeof(file), "%s/.local/share/containers/storage/%s-containers/"
			 "containers.json", pw->pw_dir, drivers[i]);
		text = read_text(file, 4 << 20);
	}
	return text;
}

/* Rootless podman keeps its state in the user's home: the uid is in the cgroup path. */
static bool state_name(const struct gt_runtime *r, const char *id, const char *cg, char *name,
		       size_t size)
{
	char file[PATH_MAX], *text;
	const char *u = strstr(cg, "/user-");
	bool ok = false;

	if (!r->state)
		return false;
	snprintf(file, sizeof(file), r->state, id);
	text = read_text(file, 4 << 20);
	if (!text && u && !strcmp(r->runtime, "podman"))
		text = user_containers_json(strtoul(u + 6, NULL, 10));
	if (text)
		ok = gt_state_name(text, r->name_key, id, name, size);
	free(text);
	return ok;
}

/*
 * kubelet's log directories name the pod: /var/log/pods/<namespace>_<name>_<uid>/
 * (namespace and pod names are DNS labels: no underscores in them).
 */
bool gt_pod_name_in(const char *logdir, const char *uid, char *out, size_t size)
{
	char pat[PATH_MAX];
	bool ok = false;
	glob_t g;

	out[0] = '\0';
	snprintf(pat, sizeof(pat), "%s/*_*_%s", logdir, uid);
	if (glob(pat, GLOB_ONLYDIR, NULL, &g) == 0 && g.gl_pathc) {
		const char *b = strrchr(g.gl_pathv[0], '/') + 1, *us = strchr(b, '_');
		const char *ue = strrchr(b, '_');

		if (us && ue > us && us > b && ue - us > 1) {
			snprintf(out, size, "%.*s/%.*s", (int)(us - b), b, (int)(ue - us - 1), us + 1);
			ok = true;
		}
	}
	globfree(&g);
	return ok;
}

/*
 * kubelet's links to each container's log name the container:
 * /var/log/containers/<pod>_<namespace>_<container>-<id>.log
 */
bool gt_k8s_container_name_in(const char *logdir, const char *id, char *out, size_t size)
{
	char pat[PATH_MAX];
	bool ok = false;
	glob_t g;

	out[0] = '\0';
	snprintf(pat, sizeof(pat), "%s/*_*_*-%s.log", logdir, id);
	if (glob(pat, 0, NULL, &g) == 0 && g.gl_pathc) {
		const char *b = strrchr(g.gl_pathv[0], '/') + 1, *us = strrchr(b, '_');
		size_t n = us ? strlen(us + 1) : 0, tail = strlen(id) + 5;	/* "-<id>.log" */

		if (us && n > tail && n - tail < size) {
			snprintf(out, size, "%.*s", (int)(n - tail), us + 1);
			ok = true;
		}
	}
	globfree(&g);
	return ok;
}

/*
 * Where a runtime keeps a container's mount configuration (%s: the id), read
 * while the container lives (docker run --rm removes it at exit). To add a
 * runtime: its files and a parser. Mounts the runtime adds by itself (docker:
 * /proc, /sys, /dev, /etc/hosts and friends) are not in these files: a path
 * under one of them is left unknown.
 */
static const struct {
	const char *runtime, *hostconfig, *config;
	void (*parse)(struct gt_cfg_mounts *c, const char *hostconfig, const char *config);
	const char *const *implicit;
} cfg_files[] = {
	{ "docker", "/var/lib/docker/containers/%s/hostconfig.json",
	  "/var/lib/docker/containers/%s/config.v2.json", gt_cfg_mounts_parse_docker,
	  (const char *const[]){ "/proc", "/sys", "/dev", "/etc/hosts", "/etc/hostname",
				 "/etc/resolv.conf", NULL } },
};

/* Is opt one of the comma-separated options of opts[0..n)? */
static bool has_opt(const char *opts, size_t n, const char *opt)
{
	size_t l = strlen(opt);

	for (const char *p = opts; p < opts + n;) {
		size_t w = strcspn(p, ",\"");

		if (w == l && !strncmp(p, opt, l))
			return true;
		p += w + 1;
	}
	return false;
}

static void cfg_add(struct gt_cfg_mounts *c, const char *dest, size_t n, bool ro, bool noexec,
		    bool tmpfs)
{
	if (c->n >= GT_CFG_MOUNTS || !n || n >= sizeof(c->m[0].dest) || dest[0] != '/')
		return;
	memcpy(c->m[c->n].dest, dest, n);
	c->m[c->n].dest[n] = '\0';
	c->m[c->n].ro = ro;
	c->m[c->n].noexec = noexec;
	c->m[c->n].tmpfs = tmpfs;
	c->n++;
}

/*
 * hostconfig.json: "ReadonlyRootfs":true, "Tmpfs":{"/gotmp":"rw,exec"} (docker's
 * --tmpfs is noexec unless its options say exec); config.v2.json: "MountPoints":
 * {"/src":{"Source":..,"Destination":"/src","RW":true,..},..} (volumes and binds).
 */
void gt_cfg_mounts_parse_docker(struct gt_cfg_mounts *c, const char *hostconfig,
				const char *config)
{
	const char *p, *q, *end;

	memset(c, 0, sizeof(*c));
	if (hostconfig) {
		c->known = true;
		c->ro_root = strstr(hostconfig, "\"ReadonlyRootfs\":true");
		p = strstr(hostconfig, "\"Tmpfs\":{");
		end = p ? strchr(p, '}') : NULL;
		for (p = p ? p + 9 : NULL; p && end && (p = strchr(p, '"')) && p < end;) {
			const char *k = p + 1, *ke = strchr(k, '"'), *v, *ve;

			if (!ke || !(v = strchr(ke + 1, '"')) || v > end || !(ve = strchr(v + 1, '"')))
				break;
			v++;
			cfg_add(c, k, ke - k, has_opt(v, ve - v, "ro"), !has_opt(v, ve - v, "exec"),
				true);
			p = ve + 1;
		}
	}
	p = config ? strstr(config, "\"MountPoints\":{") : NULL;
	while (p && (p = strstr(p, "\"Destination\":\""))) {
		const char *rw, *next;

		p += 15;
		if (!(q = strchr(p, '"')))
			break;
		next = strstr(q, "\"Destination\":\"");
		rw = strstr(q, "\"RW\":");
		if (!rw || (next && rw > next))
			continue;
		cfg_add(c, p, q - p, strncmp(rw + 5, "true", 4), false, false);
	}
}

bool gt_cfg_mount_of(const struct gt_cfg_mounts *c, const char *path, struct gt_mount_facts *m)
{
	int best = -1;

	if (!c->known || !path || path[0] != '/')
		return false;
	for (int i = 0; i < c->n; i++)
		if (gt_path_under(path, c->m[i].dest) &&
		    (best < 0 || strlen(c->m[i].dest) > strlen(c->m[best].dest)))
			best = i;
	memset(m, 0, sizeof(*m));
	m->known = m->from_config = true;
	if (best >= 0) {
		snprintf(m->target, sizeof(m->target), "%s", c->m[best].dest);
		if (c->m[best].tmpfs)
			snprintf(m->fstype, sizeof(m->fstype), "tmpfs");
		m->read_only = c->m[best].ro;
		m->noexec = c->m[best].noexec;
	} else {
		snprintf(m->target, sizeof(m->target), "/");
		m->read_only = c->ro_root;
	}
	return true;
}

#define GT_NS_CACHE 64

/*
 * Namespace inode numbers are reused as soon as a namespace is freed: the
 * next container started after one ends often gets the same mount and user
 * namespace numbers. An entry is therefore found by the numbers and a
 * signature of what identifies the container (its cgroups, id maps, the
 * container= and HOSTNAME= its runtime set, and the mount namespace's
 * 64-bit id where the kernel has one, never reused), and named by a serial
 * that is never reused: a process keeps the entry of its own container.
 */
static struct entry {
	unsigned long serial;	/* what gt_ns_note returns; 0 free */
	struct gt_cfg_mounts cfg;
	unsigned long key;	/* mount namespace << 32 | user namespace */
	__u64 sig;
	const struct gt_runtime *rt;
	char id[80], name[256], pod[128], cg[512];
	bool userns;
	struct gt_idmap uid, gid;
} cache[GT_NS_CACHE];
static int cache_next;
static unsigned long serial_next;

static struct entry *find(unsigned long serial)
{
	for (int i = 0; i < GT_NS_CACHE; i++)
		if (cache[i].serial == serial)
			return &cache[i];
	return NULL;
}

/* The container's mount configuration while its state files are there. */
static void read_cfg(struct entry *e)
{
	char file[PATH_MAX], *hc, *cf;

	for (size_t i = 0; e->rt && e->id[0] && i < sizeof(cfg_files) / sizeof(cfg_files[0]); i++) {
		if (strcmp(cfg_files[i].runtime, e->rt->runtime))
			continue;
		snprintf(file, sizeof(file), cfg_files[i].hostconfig, e->id);
		hc = read_text(file, 1 << 20);
		snprintf(file, sizeof(file), cfg_files[i].config, e->id);
		cf = read_text(file, 4 << 20);
		if (hc)
			cfg_files[i].parse(&e->cfg, hc, cf);
		free(hc);
		free(cf);
	}
}

bool gt_ns_cfg_mount(unsigned long serial, const char *path, struct gt_mount_facts *m)
{
	struct entry *e = serial ? find(serial) : NULL;

	if (!e || !e->cfg.known)
		return false;
	for (size_t i = 0; i < sizeof(cfg_files) / sizeof(cfg_files[0]); i++)
		for (const char *const *x = cfg_files[i].implicit;
		     !strcmp(cfg_files[i].runtime, e->rt->runtime) && *x; x++)
			if (path && gt_path_under(path, *x))
				return false;
	return gt_cfg_mount_of(&e->cfg, path, m);
}

static __u64 fnv(__u64 h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h * 0x100000001b3ull;
}

#ifndef NS_GET_MNTNS_ID
#define NS_GET_MNTNS_ID _IOR(0xb7, 0x5, __u64)	/* Linux 6.8 */
#endif

static __u64 signature(pid_t pid)
{
	static const char *const files[] = { "cgroup", "uid_map", "gid_map" };
	__u64 h = 0xcbf29ce484222325ull, id = 0;
	char file[64], *text;
	int fd;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(file, sizeof(file), "/proc/%d/%s", pid, files[i]);
		text = read_text(file, 16384);
		h = fnv(h, text);
		free(text);
	}
	snprintf(file, sizeof(file), "/proc/%d/environ", pid);
	{
		FILE *fp = fopen(file, "re");
		char *env = fp ? malloc(65537) : NULL;
		size_t n = env ? fread(env, 1, 65536, fp) : 0;

		if (fp)
			fclose(fp);
		for (char *v = env; v && v < env + n; v += strlen(v) + 1) {
			env[n] = '\0';
			if (!strncmp(v, "container=", 10) || !strncmp(v, "HOSTNAME=", 9))
				h = fnv(h, v);
		}
		free(env);
	}
	snprintf(file, sizeof(file), "/proc/%d/ns/mnt", pid);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (ioctl(fd, NS_GET_MNTNS_ID, &id) == 0) {
			char idtext[32];

			snprintf(idtext, sizeof(idtext), "%llu", (unsigned long long)id);
			h = fnv(h, idtext);
		}
		close(fd);
	}
	return h;
}

static unsigned long ns_ino(pid_t pid, const char *ns)
{
	char file[64];
	struct stat st;

	snprintf(file, sizeof(file), "/proc/%d/ns/%s", pid, ns);
	return stat(file, &st) ? 0 : st.st_ino;
}

/*
 * Rootless podman on cgroup v1 leaves its containers in the user's own
 * cgroup: the container says what it is in its environment (container=podman,
 * as systemd-nspawn and lxc do too), podman's hostname is the id's first 12
 * digits, and the user's containers.json has the rest. owner: the host uid
 * that is root inside.
 */
static void from_environ(struct entry *e, pid_t pid, __u32 owner)
{
	static const struct { const char *value, *runtime; } envs[] = {
		{ "podman", "podman" }, { "systemd-nspawn", "nspawn" }, { "lxc", "lxc" },
		{ "docker", "docker" },
	};
	char file[64], *env, *host = NULL, *kind = NULL, *text = NULL;
	size_t n;
	FILE *fp;

	snprintf(file, sizeof(file), "/proc/%d/environ", pid);
	fp = fopen(file, "re");
	if (!fp)
		return;
	env = calloc(1, 65537);
	n = env ? fread(env, 1, 65536, fp) : 0;
	fclose(fp);
	for (char *v = env; v && v < env + n; v += strlen(v) + 1) {
		if (!strncmp(v, "container=", 10))
			kind = v + 10;
		else if (!strncmp(v, "HOSTNAME=", 9))
			host = v + 9;
	}
	for (size_t i = 0; kind && i < sizeof(envs) / sizeof(envs[0]); i++) {
		if (strcmp(kind, envs[i].value))
			continue;
		for (const struct gt_runtime *r = gt_runtimes; r->runtime; r++)
			if (!strcmp(r->runtime, envs[i].runtime)) {
				e->rt = r;
				break;
			}
	}
	if (e->rt && !strcmp(e->rt->runtime, "podman") && host && strlen(host) == 12 &&
	    all_hex_n(host, 12)) {
		char *at, *q;

		text = user_containers_json(owner);
		if (!text)
			text = read_text(gt_runtimes[0].state, 4 << 20);
		snprintf(file, sizeof(file), "\"id\":\"%s", host);
		at = text ? strstr(text, file) : NULL;
		if (at && (q = strchr(at + 6, '"')) && q - (at + 6) == 64) {
			snprintf(e->id, sizeof(e->id), "%.64s", at + 6);
			gt_state_name(at, e->rt->name_key, NULL, e->name, sizeof(e->name));
		} else {
			snprintf(e->id, sizeof(e->id), "%s", host);
		}
	}
	free(text);
	free(env);
}

static void resolve(struct entry *e, pid_t pid)
{
	char file[64], *text, pod_uid_buf[64];

	snprintf(file, sizeof(file), "/proc/%d/cgroup", pid);
	text = read_text(file, 16384);
	if (text && gt_container_from_cgroup(text, &e->rt, e->id, sizeof(e->id), pod_uid_buf,
					     sizeof(pod_uid_buf), e->cg, sizeof(e->cg))) {
		if (!state_name(e->rt, e->id, e->cg, e->name, sizeof(e->name)) && !e->rt->hex_id)
			memcpy(e->name, e->id, sizeof(e->id));
		if (pod_uid_buf[0])
			gt_pod_name_in("/var/log/pods", pod_uid_buf, e->pod, sizeof(e->pod));
		if (pod_uid_buf[0] && e->id[0] && !e->name[0])
			gt_k8s_container_name_in("/var/log/containers", e->id, e->name,
						 sizeof(e->name));
		read_cfg(e);
	}
	free(text);
	e->userns = ns_ino(pid, "user") != ns_ino(getpid(), "user");
	if (e->userns || !e->rt) {
		snprintf(file, sizeof(file), "/proc/%d/uid_map", pid);
		text = read_text(file, 8192);
		if (text)
			gt_idmap_parse(&e->uid, text);
		free(text);
		snprintf(file, sizeof(file), "/proc/%d/gid_map", pid);
		text = read_text(file, 8192);
		if (text)
			gt_idmap_parse(&e->gid, text);
		free(text);
	}
	if (!e->rt) {
		__u32 owner = 0;
		uid_t creator;
		int fd;

		for (int i = 0; i < e->uid.n; i++)
			if (e->uid.e[i].inside == 0)
				owner = e->uid.e[i].outside;
		/*
		 * The user who made the namespace: with --userns=keep-id root inside is one
		 * of the subordinate ids, the user is its own uid inside (a nested namespace
		 * its podman made, still owned by that user's uid)
		 */
		snprintf(file, sizeof(file), "/proc/%d/ns/user", pid);
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && ioctl(fd, NS_GET_OWNER_UID, &creator) == 0 && creator != 0)
			owner = creator;
		if (fd >= 0)
			close(fd);
		from_environ(e, pid, owner);
	}
	gt_debug("ns %lx #%lu of %d: %s %s %s userns %d (%d uid extents)", e->key, e->serial, pid,
		 e->rt ? e->rt->runtime : "host", e->id, e->name, e->userns, e->uid.n);
}

unsigned long gt_ns_note(pid_t pid, unsigned mntns, char **root)
{
	unsigned long user = ns_ino(pid, "user"), key;
	char file[64], buf[PATH_MAX];
	__u64 sig;
	ssize_t n;
	struct entry *e;

	*root = NULL;
	if (!user)
		return 0;	/* gone: the caller keeps what the parent had */
	snprintf(file, sizeof(file), "/proc/%d/root", pid);
	n = readlink(file, buf, sizeof(buf) - 1);
	if (n > 1) {
		buf[n] = '\0';
		*root = strdup(buf);
	}
	key = (unsigned long)mntns << 32 | (user & 0xffffffff);
	sig = signature(pid);
	for (int i = 0; i < GT_NS_CACHE; i++)
		if (cache[i].serial && cache[i].key == key && cache[i].sig == sig)
			return cache[i].serial;
	e = &cache[cache_next++ % GT_NS_CACHE];
	memset(e, 0, sizeof(*e));
	e->serial = ++serial_next;
	e->key = key;
	e->sig = sig;
	resolve(e, pid);
	return e->serial;
}

void gt_ns_facts(struct gt_nsfacts *ns, unsigned long serial, const char *root)
{
	struct entry *e = serial ? find(serial) : NULL;

	if (root)
		ns->root = strdup(root);
	if (!e)
		return;
	if (e->rt) {
		ns->runtime = e->rt->runtime;
		ns->id = e->id[0] ? strdup(e->id) : NULL;
		ns->name = e->name[0] ? strdup(e->name) : NULL;
		ns->pod = e->pod[0] ? strdup(e->pod) : NULL;
		ns->cgroup = strdup(e->cg);
	} else if (root) {
		ns->runtime = "chroot";
	}
	ns->userns = e->userns;
	ns->uid = e->uid;
	ns->gid = e->gid;
}

void gt_ns_own_view(char **path, const char *root)
{
	size_t n = root ? strlen(root) : 0;
	char *p = *path, *s;

	if (!p || !n || strncmp(p, root, n) || (p[n] != '/' && p[n] != '\0'))
		return;
	s = strdup(p[n] ? p + n : "/");
	if (!s)
		return;
	free(p);
	*path = s;
}

void gt_ns_id_words(const struct gt_nsfacts *ns, bool gid, __u32 host_id, char *buf, size_t size)
{
	const char *what = gid ? "gid" : "uid";
	__u32 in;

	if (!ns->userns) {
		snprintf(buf, size, "%s %u", what, host_id);
	} else if (gt_idmap_inside(gid ? &ns->gid : &ns->uid, host_id, &in)) {
		if (in == host_id)
			snprintf(buf, size, "%s %u", what, in);
		else
			snprintf(buf, size, "%s %u (host %s %u)", what, in, what, host_id);
	} else {
		snprintf(buf, size, "host %s %u, which is not mapped into its user namespace "
			 "(seen inside as %u)", what, host_id, GT_OVERFLOW_ID);
	}
}

static char *dup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

void gt_nsfacts_copy(struct gt_nsfacts *to, const struct gt_nsfacts *from)
{
	*to = *from;
	to->id = dup0(from->id);
	to->name = dup0(from->name);
	to->pod = dup0(from->pod);
	to->root = dup0(from->root);
	to->cgroup = dup0(from->cgroup);
	to->host_path = dup0(from->host_path);
	to->layer = dup0(from->layer);
}

void gt_nsfacts_free(struct gt_nsfacts *ns)
{
	free(ns->id);
	free(ns->name);
	free(ns->pod);
	free(ns->root);
	free(ns->cgroup);
	free(ns->host_path);
	free(ns->layer);
	memset(ns, 0, sizeof(*ns));
}

void gt_ns_free_all(void)
{
	memset(cache, 0, sizeof(cache));
	cache_next = 0;
}

void gt_ns_json(struct gt_json *j, const struct gt_nsfacts *ns, __u32 uid, __u32 gid)
{
	__u32 in;

	if (ns->runtime) {
		gt_json_str(j, "container_runtime", ns->runtime);
		gt_json_str(j, "container_id", ns->id);
		gt_json_str(j, "container_name", ns->name);
		if (ns->pod)
			gt_json_str(j, "pod", ns->pod);
	}
	if (ns->root)
		gt_json_str(j, "process_root", ns->root);
	if (ns->ns_pid)
		gt_json_int(j, "ns_pid", ns->ns_pid);
	if (ns->userns) {
		gt_idmap_inside(&ns->uid, uid, &in);
		gt_json_int(j, "ns_uid", in);
		gt_idmap_inside(&ns->gid, gid, &in);
		gt_json_int(j, "ns_gid", in);
	}
	if (ns->host_path)
		gt_json_str(j, "host_path", ns->host_path);
	if (ns->layer)
		gt_json_str(j, "fix_layer", ns->layer);
}

void gt_ns_text(FILE *m, const struct gt_nsfacts *ns)
{
	if (ns->runtime && strcmp(ns->runtime, "chroot")) {
		fprintf(m, " in %s %s", ns->runtime, ns->pod ? "pod " : "container ");
		gt_text_escape(m, ns->pod ? ns->pod : ns->name ? ns->name : "");
		if (ns->id)
			fprintf(m, "%s%.12s", ns->pod || ns->name ? " " : "", ns->id);
	} else if (ns->root) {
		fputs(" in chroot ", m);
		gt_text_escape(m, ns->root);
	}
	if (ns->ns_pid)
		fprintf(m, " (pid %d inside)", ns->ns_pid);
}
