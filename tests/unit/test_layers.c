// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The fix_layer table (src/layers.c): a finding of a process in a container
 * gets the runtime's option or the pod spec's field as its fix, never the
 * host's command. Each case is the finding the daemon builds for it (cause,
 * mount, Go directory, runtime), checked for the layer and the words a user
 * acts on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "findings.h"
#include "layers.h"

static struct gt_finding *finding(const char *runtime, enum gt_cause cause, const char *path,
				  const char *mnt, const char *fstype, enum gt_go_dir dir,
				  const char *dir_path)
{
	struct gt_finding *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->pid = getpid();
	f->cause = cause;
	f->ns.runtime = runtime;
	if (runtime)
		f->ns.id = strdup("a59659c414b1c02a2c01fa5b941b36450e243a22296d0f390ffd67ba997530c9");
	f->path = path ? strdup(path) : NULL;
	if (mnt) {
		f->mount.known = true;
		snprintf(f->mount.target, sizeof(f->mount.target), "%s", mnt);
		snprintf(f->mount.fstype, sizeof(f->mount.fstype), "%s", fstype);
	}
	f->go_dir = dir;
	f->go_dir_path = dir_path ? strdup(dir_path) : NULL;
	f->creds.uid = f->creds.fsuid = 1000;
	f->explanation = strdup("the host's words");
	f->fix = strdup("the host's fix");
	return f;
}

static void contains(const char *s, const char *want)
{
	if (!s || !strstr(s, want))
		fail_msg("\"%s\" does not contain \"%s\"", s ? s : "(null)", want);
}

static void lacks(const char *s, const char *unwanted)
{
	if (s && strstr(s, unwanted))
		fail_msg("\"%s\" contains \"%s\"", s, unwanted);
}

static void kube_read_only_root(void **state)
{
	struct gt_finding *f = finding("kubernetes", GC_READ_ONLY, "/root/.cache/go-build/00",
				       "/", "overlay", GD_GOCACHE, "/root/.cache/go-build");

	gt_layer_explain(f);
	assert_string_equal(f->ns.layer, "securityContext.readOnlyRootFilesystem");
	contains(f->explanation, "readOnlyRootFilesystem: true");
	contains(f->fix, "emptyDir");
	contains(f->fix, "mountPath: /gocache");
	contains(f->fix, "GOCACHE=/gocache");
	lacks(f->fix, "$HOME");
	assert_false(f->fix_checked);
	gt_finding_free(f);
}

static void docker_read_only_tmp(void **state)
{
	/* docker run --read-only: go's work dir in /tmp, on the read-only root */
	struct gt_finding *f = finding("docker", GC_READ_ONLY, "/tmp/go-build1", "/", "overlay",
				       GD_TMPDIR, "/tmp");

	gt_layer_explain(f);
	assert_string_equal(f->ns.layer, "docker --read-only");
	contains(f->explanation, "/tmp with it: docker mounts no tmpfs there");
	contains(f->fix, "docker run --tmpfs /gotmp:rw,exec -e GOTMPDIR=/gotmp");
	gt_finding_free(f);
}

static void kube_read_only_volume(void **state)
{
	struct gt_finding *f = finding("kubernetes", GC_READ_ONLY, "/cache/00", "/cache", "ext4",
				       GD_GOCACHE, "/cache");

	gt_layer_explain(f);
	assert_string_equal(f->ns.layer, "volumeMounts.readOnly");
	contains(f->fix, "emptyDir: {}");
	contains(f->fix, "readOnly: true from the volumeMount of /cache");
	gt_finding_free(f);
}

static void kube_no_home(void **state)
{
	/* runAsUser: 1001 in an image without that user: HOME=/, GOCACHE /.cache/go-build */
	struct gt_finding *f = finding("kubernetes", GC_PERMISSION, "/.cache", "/", "overlay",
				       GD_GOCACHE, "/.cache/go-build");

	f->go_dir_default = true;
	f->home = strdup("/");
	f->creds.fsuid = 1001;
	gt_layer_explain(f);
	assert_string_equal(f->ns.layer, "securityContext.runAsUser");
	contains(f->explanation, "the pod runs as uid 1001 (securityContext.runAsUser)");
	contains(f->explanation, "a user the image has no home for (HOME=/, Go's default GOCACHE "
				 "/.cache/go-build)");
	contains(f->fix, "emptyDir");
	gt_finding_free(f);
}

static void kube_volume_owner(void **state)
{
	struct gt_finding *f = finding("kubernetes", GC_PERMISSION, "/cache/00", "/cache", "ext4",
				       GD_GOCACHE, "/cache");

	f->home = strdup("/home/build");
	gt_layer_explain(f);
	assert_string_equal(f->ns.layer, "securityContext.runAsUser/fsGroup");
	contains(f->explanation, "runs as uid 1000");
	contains(f->fix, "securityContext.fsGroup");
	contains(f->fix, "runAsUser");
	contains(f->fix, "emptyDir");
	gt_finding_free(f);
}

static void kube_seccomp(void **state)
{
	struct gt_finding *f = finding("kubernetes", GC_SECCOMP, NULL, NULL, NULL, GD_NONE, NULL);

	snprintf(f->syscall, sizeof(f->syscall), "kcmp");
	f->err = 1;
	gt_layer_explain(f);
	assert_string_equal(f->ns.layer, "securityContext.seccompProfile");
	contains(f->fix, "allow kcmp");
	contains(f->fix, "type: Localhost");
	contains(f->fix, "RuntimeDefault");
	gt_finding_free(f);
}

static void kube_noexec(void **state)
{
	struct gt_finding *f = finding("kubernetes", GC_NOEXEC, "/tmp/go-build1/b001/m.test",
				       "/tmp", "tmpfs", GD_TMPDIR, "/tmp");

	gt_layer_explain(f);
	assert_string_equal(f->ns.layer, "pod spec");
	contains(f->fix, "emptyDir");
	contains(f->fix, "GOTMPDIR=/gotmp");
	lacks(f->fix, "remount");
	gt_finding_free(f);
}

static void kube_selinux(void **state)
{
	struct gt_finding *f = finding("kubernetes", GC_SELINUX, "/cache/00", "/cache", "ext4",
				       GD_GOCACHE, "/cache");

	f->ns.host_path = strdup("/srv/ci/cache/00");
	gt_layer_explain(f);
	assert_string_equal(f->ns.layer, "securityContext.seLinuxOptions");
	contains(f->explanation, "never hostPath");
	contains(f->fix, "seLinuxOptions.level");
	contains(f->fix, "chcon -Rt container_file_t /srv/ci/cache");
	gt_finding_free(f);
}

static void podman_selinux_labels(void **state)
{
	struct gt_finding *f = finding("podman", GC_SELINUX, "/gocache/00/x", "/gocache", "ext4",
				       GD_GOCACHE, "/gocache");

	f->ns.host_path = strdup("/home/ci/gocache/00/x");
	gt_layer_explain(f);
	assert_string_equal(f->ns.layer, "podman volume label");
	contains(f->fix, "-v /home/ci/gocache:/gocache:z");
	contains(f->fix, ":Z");
	gt_finding_free(f);
}

static void docker_tmpfs_default(void **state)
{
	/* docker run --tmpfs /tmp: noexec unless the options say exec */
	struct gt_finding *f = finding("docker", GC_NOEXEC, "/tmp/go-build1/b001/m.test", "/tmp",
				       "tmpfs", GD_TMPDIR, "/tmp");

	gt_layer_explain(f);
	assert_string_equal(f->ns.layer, "docker --tmpfs");
	contains(f->explanation, "docker mounted this tmpfs");
	contains(f->explanation, "--tmpfs's default unless its options say exec");
	contains(f->fix, "--tmpfs /tmp:rw,exec");
	gt_finding_free(f);
}

static void docker_no_home(void **state)
{
	struct gt_finding *f = finding("docker", GC_PERMISSION, "/.cache", "/", "overlay",
				       GD_GOCACHE, "/.cache/go-build");

	f->go_dir_default = true;
	f->home = strdup("/");
	f->creds.fsuid = 4242;
	gt_layer_explain(f);
	assert_string_equal(f->ns.layer, "docker --user");
	contains(f->explanation, "docker runs the container as uid 4242 (--user), a user the "
				 "image has no home for");
	contains(f->fix, "docker run --tmpfs /gocache:rw,exec -e GOCACHE=/gocache");
	gt_finding_free(f);
}

static void host_untouched(void **state)
{
	struct gt_finding *f = finding(NULL, GC_NOEXEC, "/tmp/go-build1/b001/m.test", "/tmp",
				       "tmpfs", GD_TMPDIR, "/tmp");

	gt_layer_explain(f);
	assert_null(f->ns.layer);
	assert_string_equal(f->fix, "the host's fix");
	assert_string_equal(f->explanation, "the host's words");
	gt_finding_free(f);
}

/* its namespace ended before its mounts were read, and no config said them: no layer guessed */
static void docker_read_only_mount_unknown(void **state)
{
	struct gt_finding *f = finding("docker", GC_READ_ONLY, "/root/.cache", NULL, NULL,
				       GD_GOCACHE, "/root/.cache/go-build");

	gt_layer_explain(f);
	assert_null(f->ns.layer);
	contains(f->explanation, "whether docker run --read-only or a :ro volume refused is not known");
	contains(f->fix, "docker run --tmpfs /gocache:rw,exec -e GOCACHE=/gocache");
	lacks(f->explanation, "the mount is mounted");
	gt_finding_free(f);
}

/* the same with docker's config read: the root, --read-only */
static void docker_read_only_from_config(void **state)
{
	struct gt_finding *f = finding("docker", GC_READ_ONLY, "/root/.cache", "/", "",
				       GD_GOCACHE, "/root/.cache/go-build");

	f->mount.from_config = true;
	gt_layer_explain(f);
	assert_string_equal(f->ns.layer, "docker --read-only");
	contains(f->fix, "docker run --tmpfs /gocache:rw,exec -e GOCACHE=/gocache");
	gt_finding_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kube_read_only_root), cmocka_unit_test(kube_read_only_volume),
		cmocka_unit_test(docker_read_only_tmp),
		cmocka_unit_test(kube_no_home),	       cmocka_unit_test(kube_volume_owner),
		cmocka_unit_test(kube_seccomp),	       cmocka_unit_test(kube_noexec),
		cmocka_unit_test(kube_selinux),	       cmocka_unit_test(podman_selinux_labels),
		cmocka_unit_test(docker_tmpfs_default), cmocka_unit_test(docker_no_home),
		cmocka_unit_test(host_untouched), cmocka_unit_test(docker_read_only_mount_unknown),
		cmocka_unit_test(docker_read_only_from_config),
	};

	return cmocka_run_group_tests_name("layers", tests, NULL, NULL);
}
