// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Causes and fixes at the layer that set them: a refusal inside a container
 * comes from a runtime option (a --tmpfs it mounted noexec, --read-only, its
 * seccomp profile, --pids-limit, --memory, a volume owned by an unmapped
 * uid), and the fix is that option, not a host command. The knowledge is the
 * table below: a newcomer adds a row (runtime, cause, condition, words).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "decode.h"
#include "diagnose.h"
#include "fixcheck.h"
#include "layers.h"

enum cond {
	ANY,
	RUNTIME_TMPFS,	/* a tmpfs only the container's namespace has: the runtime mounted it */
	ROOT_FS,	/* the container's root file system itself */
	UNMAPPED,	/* in a user namespace, the refused directory belongs to another id */
	NO_HOME,	/* Go's default for the directory, under a HOME of "/" (a uid the image lacks) */
	NO_MOUNT,	/* the mount is not known: its namespace ended before it was read */
};

/*
 * {rt} runtime, {mnt} mount point, {var} Go variable, {dir} its directory,
 * {sc} syscall, {uid} "uid N" inside, {nsuid} N, {owner} the owner in both views, {cg}
 * cgroup, {hostdir} the host's path of {dir} (a volume's source), {vol} a volume name for
 * {var} (gocache, gotmp, gomodcache).
 * runtime "*" is any container runtime (not a chroot); "userns" a user
 * namespace without a runtime (unshare). First matching row wins.
 * Where each came from: podman-run(1) and docker-run(1) of Debian 12
 * (reproduced here with podman 4.3 + runc, tests/system/container.bats),
 * the Kubernetes Pod securityContext reference.
 */
static const struct layer_row {
	const char *runtime;
	enum gt_cause cause;
	enum cond cond;
	const char *layer;	/* fix_layer */
	const char *why;	/* appended to the explanation */
	const char *fix;
} rows[] = {
	/*
	 * Which mount refused is not known (the process and its namespace ended before its
	 * mounts were read, and the runtime's config was not there): no layer, a fix that
	 * holds whichever option it was.
	 */
	{ "kubernetes", GC_READ_ONLY, NO_MOUNT, NULL,
	  "its mounts could not be read, so whether readOnlyRootFilesystem or a read-only "
	  "volume refused is not known",
	  "mount an emptyDir volume for {var}: volumes: [{name: {vol}, emptyDir: {}}], "
	  "volumeMounts: [{name: {vol}, mountPath: /{vol}}] with env {var}=/{vol}" },
	{ "*", GC_READ_ONLY, NO_MOUNT, NULL,
	  "its mounts could not be read, so whether {rt} run --read-only or a :ro volume "
	  "refused is not known",
	  "give {var} a tmpfs or volume of its own: {rt} run --tmpfs /{vol}:rw,exec -e "
	  "{var}=/{vol} (or -v {vol}:/{vol} -e {var}=/{vol})" },
	{ "kubernetes", GC_NOEXEC, ANY, "pod spec",
	  "the pod mounts {mnt} noexec",
	  "mount an emptyDir volume at a work directory and set GOTMPDIR to it in the container's "
	  "env (volumeMounts: [{name: gotmp, mountPath: /gotmp}], env: GOTMPDIR=/gotmp)" },
	{ "*", GC_NOEXEC, RUNTIME_TMPFS, "{rt} --tmpfs",
	  "{rt} mounted this tmpfs for the container (--tmpfs {mnt} with noexec, which is "
	  "--tmpfs's default unless its options say exec)",
	  "start the container with --tmpfs {mnt}:rw,exec (drop noexec), or give go a work dir "
	  "elsewhere: --tmpfs /gotmp:rw,exec -e GOTMPDIR=/gotmp" },
	{ "*", GC_NOEXEC, ANY, "{rt} volume",
	  "{mnt} is mounted noexec in the container",
	  "mount {mnt} without noexec in the {rt} run command, or point GOTMPDIR at a mount "
	  "without it: --tmpfs /gotmp:rw,exec -e GOTMPDIR=/gotmp" },
	{ "kubernetes", GC_READ_ONLY, ROOT_FS, "securityContext.readOnlyRootFilesystem",
	  "the pod's securityContext sets readOnlyRootFilesystem: true",
	  "keep readOnlyRootFilesystem and mount an emptyDir volume for it: volumes: [{name: "
	  "{vol}, emptyDir: {}}], volumeMounts: [{name: {vol}, mountPath: /{vol}}] with env "
	  "{var}=/{vol} (never a directory on the read-only root)" },
	/* docker's --read-only leaves /tmp read-only too; podman's mounts tmpfs on /tmp, /var/tmp */
	{ "docker", GC_READ_ONLY, ROOT_FS, "{rt} --read-only",
	  "the container's root file system is read-only (docker run --read-only), /tmp with it: "
	  "docker mounts no tmpfs there",
	  "give {var} a tmpfs or volume of its own, never a directory on the same root: docker run "
	  "--tmpfs /{vol}:rw,exec -e {var}=/{vol} (or -v {vol}:/{vol} -e {var}=/{vol})" },
	{ "*", GC_READ_ONLY, ROOT_FS, "{rt} --read-only",
	  "the container's root file system is read-only ({rt} run --read-only)",
	  "give {var} a tmpfs or volume of its own, never a directory on the same root: {rt} run "
	  "--tmpfs /{vol}:rw,exec -e {var}=/{vol} (or -v {vol}:/{vol} -e {var}=/{vol})" },
	{ "kubernetes", GC_READ_ONLY, ANY, "volumeMounts.readOnly",
	  "{mnt} is mounted read-only in the pod (a volumeMount with readOnly: true, or a "
	  "configMap, secret or projected volume, which are always read-only)",
	  "give {var} an emptyDir of its own: volumes: [{name: gocache, emptyDir: {}}], "
	  "volumeMounts: [{name: gocache, mountPath: /cache}], env {var}=/cache (or drop "
	  "readOnly: true from the volumeMount of {mnt})" },
	{ "*", GC_READ_ONLY, ANY, "{rt} volume",
	  "{mnt} is mounted read-only in the container (a :ro volume)",
	  "mount {mnt} read-write (drop :ro) or give {var} a writable volume: -v gocache:/gocache "
	  "-e {var}=/gocache" },
	{ "kubernetes", GC_PERMISSION, NO_HOME, "securityContext.runAsUser",
	  "the pod runs as {uid} (securityContext.runAsUser), a user the image has no home for "
	  "(HOME=/, Go's default {var} {dir})",
	  "give {var} an emptyDir: volumes: [{name: gocache, emptyDir: {}}], volumeMounts: "
	  "[{name: gocache, mountPath: /cache}], env {var}=/cache (or set HOME to a writable "
	  "directory, or runAsUser a user the image has a home for)" },
	{ "kubernetes", GC_PERMISSION, ANY, "securityContext.runAsUser/fsGroup",
	  "the pod runs as {uid} (securityContext.runAsUser) and the volume's owner differs",
	  "set the pod's securityContext.fsGroup so the kubelet makes the volume group-writable "
	  "for the pod (emptyDir and most volume types; never hostPath), or runAsUser to its "
	  "owner; or use an emptyDir for {var}: volumes: [{name: gocache, emptyDir: {}}], env "
	  "{var}=/cache" },
	{ "*", GC_PERMISSION, NO_HOME, "{rt} --user",
	  "{rt} runs the container as {uid} (--user), a user the image has no home for "
	  "(HOME=/, Go's default {var} {dir})",
	  "give {var} a place of its own: {rt} run --tmpfs /gocache:rw,exec -e {var}=/gocache "
	  "(or -v gocache:/gocache), or -e HOME= a writable directory, or --user a user the "
	  "image has a home for" },
	{ "podman", GC_PERMISSION, UNMAPPED, "{rt} --userns / :U",
	  "the volume belongs to {owner} (rootless {rt} maps only the user's subordinate ids)",
	  "run with --userns=keep-id (the host user is the same uid inside), or let podman chown "
	  "the volume: -v {hostdir}:{dir}:U, or hand it over once: podman unshare chown -R "
	  "{nsuid} {hostdir}" },
	{ "*", GC_PERMISSION, UNMAPPED, "{rt} user namespace",
	  "the volume belongs to {owner}",
	  "map the volume's owner into the container's user namespace or chown the volume on "
	  "the host to the id {uid} maps to" },
	{ "userns", GC_PERMISSION, UNMAPPED, "user namespace",
	  "the directory belongs to {owner}",
	  "map that owner into the namespace (unshare --map-users/--map-groups, newuidmap), or "
	  "chown it on the host to the host id {uid} maps to; or give go its own {var}: export "
	  "{var}=$HOME/.cache/go-build" },
	{ "kubernetes", GC_SECCOMP, ANY, "securityContext.seccompProfile",
	  "the pod's seccomp profile refused it",
	  "allow {sc} in the pod's securityContext.seccompProfile (type: Localhost with a profile "
	  "allowing it; RuntimeDefault is the runtime's default)" },
	{ "*", GC_SECCOMP, ANY, "{rt} --security-opt seccomp",
	  NULL,	/* said by seccomp_words(): the runtime's default profile when it is */
	  "replace the profile: {rt} run --security-opt seccomp=/path/to/profile.json with {sc} "
	  "allowed (seccomp=unconfined only to confirm)" },
	{ "kubernetes", GC_PROCESS_LIMIT, ANY, "kubelet podPidsLimit",
	  "the pod's pids limit (the kubelet's podPidsLimit) is reached",
	  "raise the kubelet's podPidsLimit for the node, or build with less parallelism: go "
	  "build -p 2" },
	{ "*", GC_PROCESS_LIMIT, ANY, "{rt} --pids-limit",
	  "this is the container's pids limit ({rt} run --pids-limit)",
	  "raise it: {rt} run --pids-limit 4096 (0 or -1: no limit), or build with less "
	  "parallelism: go build -p 2" },
	{ "kubernetes", GC_OOM_KILL, ANY, "resources.limits.memory",
	  "the pod's memory limit is reached",
	  "raise the container's resources.limits.memory, or build with less parallelism: "
	  "go build -p 1" },
	{ "*", GC_OOM_KILL, ANY, "{rt} --memory",
	  "the memory cgroup is the container's ({rt} run --memory)",
	  "raise it: {rt} run --memory 2g (and --memory-swap), or build with less parallelism: "
	  "go build -p 1, go test -p 1" },
	{ "kubernetes", GC_SELINUX, ANY, "securityContext.seLinuxOptions",
	  "the volume is not labelled for the pod's SELinux context (the kubelet relabels "
	  "emptyDir and persistent volumes, never hostPath)",
	  "use an emptyDir for {var} (volumes: [{name: gocache, emptyDir: {}}], env "
	  "{var}=/cache), or set the pod's securityContext.seLinuxOptions.level to the volume's, "
	  "or relabel the host directory: chcon -Rt container_file_t {hostdir}" },
	{ "*", GC_SELINUX, ANY, "{rt} volume label",
	  "a volume the container did not relabel",
	  "relabel the volume for the container: -v {hostdir}:{dir}:z (shared) or :Z (private "
	  "to this container)" },
};

/* Expand the {tokens} of a row's text. */
static char *expand(const char *tpl, const struct gt_finding *f, const char *owner)
{
	char *buf = NULL, uid[32], nsuid[16], *hostdir = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	__u32 in;

	if (!m)
		return NULL;
	gt_idmap_inside(&f->ns.uid, f->creds.fsuid, &in);
	snprintf(uid, sizeof(uid), "uid %u", f->ns.userns ? in : f->creds.fsuid);
	snprintf(nsuid, sizeof(nsuid), "%u", f->ns.userns ? in : f->creds.fsuid);
	/* host_path ends in what path has below the Go directory: cut it off */
	if (f->ns.host_path && f->go_dir_path && f->path && gt_path_under(f->path, f->go_dir_path)) {
		size_t below = strlen(f->path) - strlen(f->go_dir_path), hl = strlen(f->ns.host_path);

		if (hl > below && !strcmp(f->ns.host_path + hl - below, f->path + strlen(f->go_dir_path)))
			hostdir = strndup(f->ns.host_path, hl - below);
	}
	for (const char *p = tpl; *p; p++) {
		const char *e = *p == '{' ? strchr(p, '}') : NULL;
		const char *v = NULL;
		size_t n = e ? (size_t)(e - p - 1) : 0;

		if (!e) {
			fputc(*p, m);
			continue;
		}
#define TOK(name) (n == strlen(name) && !strncmp(p + 1, name, n))
		if (TOK("rt"))
			v = f->ns.runtime ? f->ns.runtime : "the runtime";
		else if (TOK("mnt"))
			v = f->mount.known ? f->mount.target : "the mount";
		else if (TOK("var"))
			v = f->go_dir == GD_GOTMPDIR || f->go_dir == GD_TMPDIR ? "GOTMPDIR" :
			    f->go_dir != GD_NONE && f->go_dir != GD_GOROOT && f->go_dir != GD_MODULE ?
			    gt_go_dir_name(f->go_dir) : "GOCACHE";
		else if (TOK("vol"))	/* a volume's name and mount point for {var} */
			v = f->go_dir == GD_GOTMPDIR || f->go_dir == GD_TMPDIR ? "gotmp" :
			    f->go_dir == GD_GOMODCACHE ? "gomodcache" : "gocache";
		else if (TOK("dir"))
			v = f->go_dir_path ? f->go_dir_path : f->path ? f->path : "DIR";
		else if (TOK("sc"))
			v = f->syscall;
		else if (TOK("uid"))
			v = uid;
		else if (TOK("owner"))
			v = owner ? owner : "another user";
		else if (TOK("nsuid"))
			v = nsuid;
		else if (TOK("hostdir"))
			v = hostdir ? hostdir : "HOSTDIR";
		else if (TOK("cg"))
			v = f->cgroup ? f->cgroup : "the container's cgroup";
#undef TOK
		if (v)
			fputs(v, m);
		else
			fwrite(p, 1, n + 2, m);
		p = e;
	}
	free(hostdir);
	return fclose(m) ? (free(buf), NULL) : buf;
}

/*
 * In a user namespace, the deepest existing directory of the path belongs to
 * someone else: unmapped (65534 inside) or another id (a rootless runtime maps
 * the host user to root inside). owner gets both views.
 */
static bool unmapped_owner(const struct gt_finding *f, char *owner, size_t size)
{
	char p[PATH_MAX], root[64], *s;
	struct stat st;

	if (!f->ns.userns || !f->path || f->path[0] != '/')
		return false;
	/* the process has usually ended by now: its pinned or our root then */
	gt_examine_root(f, root, sizeof(root));
	snprintf(p, sizeof(p), "%s", f->path);
	for (;;) {
		if (gt_stat_in(root, p, &st) == 0)
			break;
		s = strrchr(p, '/');
		if (!s || s == p)
			return false;
		*s = '\0';
	}
	/* the caller's own directory refused for another reason: not an ownership matter */
	if (st.st_uid == f->creds.fsuid)
		return false;
	gt_ns_id_words(&f->ns, false, st.st_uid, owner, size);
	return true;
}

static bool cond_holds(const struct layer_row *r, const struct gt_finding *f, char *owner,
		       size_t size)
{
	switch (r->cond) {
	case RUNTIME_TMPFS:
		return f->mount.known && !strcmp(f->mount.fstype, "tmpfs") && !f->ns.host_path &&
		       strcmp(f->mount.target, "/");
	case ROOT_FS:
		return f->mount.known && !strcmp(f->mount.target, "/");
	case UNMAPPED:
		return unmapped_owner(f, owner, size);
	case NO_MOUNT:
		return !f->mount.known;
	case NO_HOME:
		return f->go_dir_default && f->go_dir == GD_GOCACHE && f->home &&
		       !strcmp(f->home, "/");
	default:
		return true;
	}
}

/*
 * What the runtime's default seccomp profile does with a syscall, from the
 * profile file itself (podman: containers-common's seccomp.json): the errno
 * of an SCMP_ACT_ERRNO rule naming it (conditional on missing capabilities
 * or not), or the profile's default errno when no rule names it. -1: unknown.
 */
int gt_profile_errno(const char *text, const char *sc, bool *conditional)
{
	char quoted[64];
	const char *p = text, *def;
	int dflt = -1;

	*conditional = false;
	def = strstr(text, "\"defaultErrnoRet\"");
	if (def && (def = strchr(def, ':')))
		dflt = atoi(def + 1);
	snprintf(quoted, sizeof(quoted), "\"%s\"", sc);
	while ((p = strstr(p, quoted))) {
		const char *act = strstr(p, "\"action\""), *next = strstr(p, "\"names\"");
		const char *end = next ? next : p + strlen(p), *er, *ex;

		p += strlen(quoted);
		if (!act || act > end || !strstr(act, "SCMP_ACT_ERRNO") ||
		    strstr(act, "SCMP_ACT_ERRNO") > end)
			continue;
		er = strstr(act, "\"errnoRet\"");
		ex = strstr(act, "\"caps\"");
		*conditional = ex && ex < end;
		return er && er < end ? atoi(strchr(er, ':') + 1) : EPERM;
	}
	return dflt;
}

/* Where each runtime keeps its default profile as a file (docker's is built in). */
static const struct { const char *runtime, *file; } default_profiles[] = {
	{ "podman", "/usr/share/containers/seccomp.json" },
};

static char *seccomp_words(const struct gt_finding *f)
{
	const char *file = NULL;
	char *out = NULL, *text = NULL;
	bool cond = false;
	int err = -1;

	for (size_t i = 0; i < sizeof(default_profiles) / sizeof(default_profiles[0]); i++)
		if (!strcmp(default_profiles[i].runtime, f->ns.runtime))
			file = default_profiles[i].file;
	if (file) {
		FILE *fp = fopen(file, "re");
		size_t n;

		text = fp ? malloc(1 << 20) : NULL;
		n = text ? fread(text, 1, (1 << 20) - 1, fp) : 0;
		if (text)
			text[n] = '\0';
		if (fp)
			fclose(fp);
		if (text)
			err = gt_profile_errno(text, f->syscall, &cond);
		free(text);
	}
	if (file && err > 0 && err == f->err)
		asprintf(&out, "%s's default seccomp profile (%s) answers %s with %s%s, as seen "
			 "here: the container runs with the runtime's default", f->ns.runtime, file,
			 f->syscall, gt_errno_name(err) ?: "an error",
			 cond ? " unless the container has the capability it names" : "");
	else if (file && err >= 0)
		asprintf(&out, "the container's seccomp profile refused it with %s; %s's default "
			 "(%s) would answer %s: the container was started with its own profile "
			 "(--security-opt seccomp=...)", gt_errno_name(f->err) ?: "an error",
			 f->ns.runtime, file, err ? gt_errno_name(err) ?: "an error" : "allow");
	else
		asprintf(&out, "the container's seccomp profile refused it (%s's default unless the "
			 "container was started with --security-opt seccomp=...)", f->ns.runtime);
	return out;
}

static bool runtime_matches(const char *row, const struct gt_finding *f)
{
	if (!strcmp(row, "userns"))
		return !f->ns.runtime && f->ns.userns;
	if (!f->ns.runtime || !strcmp(f->ns.runtime, "chroot"))
		return false;
	return !strcmp(row, "*") || !strcmp(row, f->ns.runtime);
}

void gt_layer_explain(struct gt_finding *f)
{
	char owner[256];

	if (!f->ns.runtime && !f->ns.userns)
		return;	/* a host process: the host's fix stands */
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct layer_row *r = &rows[i];
		char *why, *fix, *expl;

		if (r->cause != f->cause || !runtime_matches(r->runtime, f) ||
		    !cond_holds(r, f, owner, sizeof(owner)))
			continue;
		why = r->why ? expand(r->why, f, owner) :
		      f->cause == GC_SECCOMP ? seccomp_words(f) : NULL;
		fix = expand(r->fix, f, owner);
		if (!fix) {
			free(why);
			return;
		}
		if (why && asprintf(&expl, "%s; %s", f->explanation ? f->explanation : "",
				    why) >= 0) {
			free(f->explanation);
			f->explanation = expl;
		}
		free(why);
		free(f->fix);
		f->fix = fix;
		/* a runtime option makes a new mount or mapping: nothing here to check it on */
		f->fix_checked = false;
		free(f->fix_dir);
		f->fix_dir = NULL;
		f->fix_dir_create = false;
		f->ns.layer = r->layer ? expand(r->layer, f, owner) : NULL;
		return;
	}
}
