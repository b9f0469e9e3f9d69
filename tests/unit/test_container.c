// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "container.h"
#include "layers.h"
#include "mounts.h"

#define ID "a59659c414b1c02a2c01fa5b941b36450e243a22296d0f390ffd67ba997530c9"
#define ID2 "b59659c414b1c02a2c01fa5b941b36450e243a22296d0f390ffd67ba997530c9"
#define POD "5f1e7a2b-1c2d-4e5f-8a9b-0c1d2e3f4a5b"

static void check(const char *cg, const char *runtime, const char *id, const char *pod)
{
	const struct gt_runtime *rt;
	char got_id[128], got_pod[64], path[512];
	bool found = gt_container_from_cgroup(cg, &rt, got_id, sizeof(got_id), got_pod,
					      sizeof(got_pod), path, sizeof(path));

	if (!runtime) {
		assert_false(found);
		return;
	}
	assert_true(found);
	assert_string_equal(rt->runtime, runtime);
	assert_string_equal(got_id, id);
	assert_string_equal(got_pod, pod);
}

static void cgroups(void **state)
{
	/* seen here: podman 4.3 + runc on a hybrid layout, cgroupfs manager */
	check("9:name=systemd:/libpod_parent/libpod-" ID "\n8:pids:/libpod_parent/libpod-" ID "\n"
	      "0::/libpod_parent/libpod-" ID "\n", "podman", ID, "");
	check("0::/machine.slice/libpod-" ID ".scope\n", "podman", ID, "");
	check("0::/system.slice/docker-" ID ".scope\n", "docker", ID, "");
	check("4:memory:/docker/" ID "\n", "docker", ID, "");
	check("0::/system.slice/crio-" ID ".scope\n", "cri-o", ID, "");
	/* anything in a pod is kubernetes', with the pod uid (systemd escapes its dashes) */
	check("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5f1e7a2b_1c2d_"
	      "4e5f_8a9b_0c1d2e3f4a5b.slice/cri-containerd-" ID ".scope\n", "kubernetes", ID, POD);
	check("4:memory:/kubepods/besteffort/pod" POD "/" ID "\n", "kubernetes", ID, POD);
	check("0::/machine.slice/machine-build\\x2d7.scope\n", "nspawn", "build-7", "");
	check("0::/lxc.payload.ci1\n", "lxc", "ci1", "");
	/* docker 20.10 (Debian) with the cgroupfs driver on this hybrid layout: every v1 line */
	check("12:pids:/docker/" ID "\n9:name=systemd:/docker/" ID "\n4:memory:/docker/" ID
	      "\n0::/\n", "docker", ID, "");
	/* docker with the systemd driver, cgroup v2 */
	check("0::/system.slice/docker-" ID ".scope\n", "docker", ID, "");
	/* podman with systemd, rootful (machine.slice) and rootless (the user's slice) */
	check("0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID
	      ".scope/container\n", "podman", ID, "");
	/* containerd's CRI plugin outside a pod slice, e.g. crictl runp on a bare node */
	check("0::/system.slice/cri-containerd-" ID ".scope\n", "containerd", ID, "");
	/* kubernetes: any CRI runtime below kubepods, every QoS class, both drivers */
	check("0::/kubepods.slice/kubepods-pod5f1e7a2b_1c2d_4e5f_8a9b_0c1d2e3f4a5b.slice/"
	      "cri-containerd-" ID ".scope\n", "kubernetes", ID, POD);		/* Guaranteed */
	check("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod5f1e7a2b_1c2d_"
	      "4e5f_8a9b_0c1d2e3f4a5b.slice/crio-" ID ".scope\n", "kubernetes", ID, POD);
	check("11:pids:/kubepods/pod" POD "/" ID "\n4:memory:/kubepods/pod" POD "/" ID "\n",
	      "kubernetes", ID, POD);
	check("0::/kubepods/burstable/pod" POD "/" ID "\n", "kubernetes", ID, POD);
	/* dockershim's pods: docker's scope below the pod slice is still the pod's */
	check("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5f1e7a2b_1c2d_"
	      "4e5f_8a9b_0c1d2e3f4a5b.slice/docker-" ID ".scope\n", "kubernetes", ID, POD);
	/* lxc 5 (cgroup v2) and lxc 3 (v1, lxc/<name>) */
	check("0::/lxc.payload.builder/init.scope\n", "lxc", "builder", "");
	check("4:memory:/lxc/ci2\n", "lxc", "ci2", "");
	/* the host, a user's session, and podman's own monitor are not containers */
	check("0::/system.slice/crio-conmon-" ID ".scope\n", NULL, NULL, NULL);
	check("0::/system.slice/docker.service\n", NULL, NULL, NULL);
	check("0::/system.slice/containerd.service\n", NULL, NULL, NULL);
	check("0::/user.slice/user-1000.slice/session-3.scope\n", NULL, NULL, NULL);
	check("0::/\n4:memory:/process_api/9a263a3f9d1a7023a3f46de7b026f122\n", NULL, NULL, NULL);
	check("0::/machine.slice/libpod-conmon-" ID ".scope\n", NULL, NULL, NULL);
	check("0::/system.slice/docker-abc.scope\n", NULL, NULL, NULL);
}

static void pod_names(void **state)
{
	char dir[] = "/tmp/gt-ctr-pods.XXXXXX", path[512], out[256];

	assert_non_null(mkdtemp(dir));
	/* kubelet: /var/log/pods/<namespace>_<pod>_<uid>/<container>/0.log and the links
	 * /var/log/containers/<pod>_<namespace>_<container>-<id>.log */
	snprintf(path, sizeof(path), "%s/ci-runners_build-go-7f9c4-xk2lp_" POD, dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/other_pod_11111111-2222-3333-4444-555555555555", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/build-go-7f9c4-xk2lp_ci-runners_golang-" ID ".log", dir);
	assert_int_equal(symlink("/var/log/pods/x/golang/0.log", path), 0);

	assert_true(gt_pod_name_in(dir, POD, out, sizeof(out)));
	assert_string_equal(out, "ci-runners/build-go-7f9c4-xk2lp");
	assert_false(gt_pod_name_in(dir, "99999999-2222-3333-4444-555555555555", out,
				    sizeof(out)));
	assert_string_equal(out, "");
	assert_true(gt_k8s_container_name_in(dir, ID, out, sizeof(out)));
	assert_string_equal(out, "golang");
	assert_false(gt_k8s_container_name_in(dir, ID2, out, sizeof(out)));

	snprintf(path, sizeof(path), "%s/build-go-7f9c4-xk2lp_ci-runners_golang-" ID ".log", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ci-runners_build-go-7f9c4-xk2lp_" POD, dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/other_pod_11111111-2222-3333-4444-555555555555", dir);
	rmdir(path);
	rmdir(dir);
}

static void idmaps(void **state)
{
	struct gt_idmap m;
	__u32 in;

	gt_idmap_parse(&m, "         0          0 4294967295\n");
	assert_int_equal(m.n, 0);	/* the host's own namespace */
	assert_true(gt_idmap_inside(&m, 1234, &in));
	assert_int_equal(in, 1234);
	/* rootless podman: the user is root inside, its subordinate range the rest */
	gt_idmap_parse(&m, "0 1001 1\n1 100000 65536\n");
	assert_int_equal(m.n, 2);
	assert_true(gt_idmap_inside(&m, 1001, &in));
	assert_int_equal(in, 0);
	assert_true(gt_idmap_inside(&m, 100999, &in));
	assert_int_equal(in, 1000);
	assert_false(gt_idmap_inside(&m, 0, &in));
	assert_int_equal(in, GT_OVERFLOW_ID);
	assert_false(gt_idmap_inside(&m, 165536, &in));
}

static void id_words(void **state)
{
	struct gt_nsfacts ns = { .userns = true };
	char buf[200];

	gt_idmap_parse(&ns.uid, "0 100000 65536\n");
	gt_ns_id_words(&ns, false, 101000, buf, sizeof(buf));
	assert_string_equal(buf, "uid 1000 (host uid 101000)");
	gt_ns_id_words(&ns, false, 0, buf, sizeof(buf));
	assert_string_equal(buf, "host uid 0, which is not mapped into its user namespace "
			    "(seen inside as 65534)");
	ns.userns = false;
	gt_ns_id_words(&ns, true, 0, buf, sizeof(buf));
	assert_string_equal(buf, "gid 0");
}

static void state_names(void **state)
{
	char name[64];

	assert_true(gt_state_name("[{\"id\":\"x1\",\"names\":[\"one\"]},{\"id\":\"" ID "\","
				  "\"names\":[\"ci-job-42\"],\"image\":\"i\"}]", "\"names\":[", ID,
				  name, sizeof(name)));
	assert_string_equal(name, "ci-job-42");
	assert_true(gt_state_name("{\"ID\":\"" ID "\",\"Name\":\"/builder\"}", "\"Name\":", ID,
				  name, sizeof(name)));
	assert_string_equal(name, "builder");
	assert_false(gt_state_name("[]", "\"names\":[", ID, name, sizeof(name)));
}

static void own_view(void **state)
{
	char *p = strdup("/srv/root/usr/lib/go/bin/go");

	gt_ns_own_view(&p, "/srv/root");
	assert_string_equal(p, "/usr/lib/go/bin/go");
	gt_ns_own_view(&p, "/srv/root");	/* already in its view: unchanged */
	assert_string_equal(p, "/usr/lib/go/bin/go");
	free(p);
	p = strdup("/srv/rootfs/x");		/* a prefix that is not a component */
	gt_ns_own_view(&p, "/srv/root");
	assert_string_equal(p, "/srv/rootfs/x");
	free(p);
}

static void profile(void **state)
{
	static const char prof[] =
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, \"syscalls\": [\n"
		"{\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
		"{\"names\": [\"kcmp\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": "
		"[\"CAP_SYS_PTRACE\"]}, \"excludes\": {}},\n"
		"{\"names\": [\"kcmp\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {}, "
		"\"excludes\": {\"caps\": [\"CAP_SYS_PTRACE\"]}, \"errnoRet\": 1},\n"
		"{\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 22}]}";
	bool cond;

	assert_int_equal(gt_profile_errno(prof, "kcmp", &cond), 1);
	assert_true(cond);
	assert_int_equal(gt_profile_errno(prof, "socket", &cond), 22);
	assert_false(cond);
	assert_int_equal(gt_profile_errno(prof, "bpf", &cond), 38);	/* named nowhere */
}

static char *tmp_with(const char *text)
{
	char *path = strdup("/tmp/gt-ctr-mi.XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void host_paths(void **state)
{
	/* the container's namespace: its overlay root, a volume, a runtime tmpfs */
	char *ns = tmp_with(
		"600 500 0:41 / / rw - overlay overlay rw\n"
		"601 600 254:0 /work/mod /src rw - ext4 /dev/vda rw\n"
		"602 600 0:50 / /tmp rw,noexec - tmpfs tmpfs rw\n");
	char *host = tmp_with(
		"26 1 254:0 / / rw - ext4 /dev/vda rw\n"
		"70 26 254:0 /var/lib/containers/storage/overlay /var/lib/containers/storage/overlay "
		"rw - ext4 /dev/vda rw\n"
		"74 70 0:41 / /var/lib/containers/storage/overlay/L1/merged rw - overlay overlay rw\n");
	char *p;

	p = gt_mounts_host_path_file(ns, host, "/root/.cache/go-build");
	assert_string_equal(p, "/var/lib/containers/storage/overlay/L1/merged/root/.cache/go-build");
	free(p);
	p = gt_mounts_host_path_file(ns, host, "/src/main.go");
	assert_string_equal(p, "/work/mod/main.go");
	free(p);
	p = gt_mounts_host_path_file(ns, host, "/tmp/go-build1/b001/m.test");
	assert_null(p);	/* only the container has that tmpfs */
	unlink(ns);
	unlink(host);
	free(ns);
	free(host);
}

/* docker's state files as docker 20.10 writes them (trimmed): --read-only, --tmpfs, -v, -v :ro */
static void docker_config_mounts(void **state)
{
	const char *hc = "{\"Binds\":[\"/tmp:/src\",\"/usr/lib:/golib:ro\"],\"ReadonlyRootfs\":true,"
			 "\"Tmpfs\":{\"/gotmp\":\"rw,exec\",\"/run\":\"rw\"},\"UTSMode\":\"\"}";
	const char *cf = "{\"MountPoints\":{\"/golib\":{\"Source\":\"/usr/lib\",\"Destination\":"
			 "\"/golib\",\"RW\":false,\"Type\":\"bind\"},\"/src\":{\"Source\":\"/tmp\","
			 "\"Destination\":\"/src\",\"RW\":true,\"Type\":\"bind\"}},\"Driver\":\"overlay2\"}";
	struct gt_cfg_mounts c;
	struct gt_mount_facts m;

	gt_cfg_mounts_parse_docker(&c, hc, cf);
	assert_true(c.known);
	assert_true(c.ro_root);
	assert_int_equal(c.n, 4);
	assert_true(gt_cfg_mount_of(&c, "/root/.cache", &m));
	assert_string_equal(m.target, "/");
	assert_true(m.read_only && m.from_config && !m.noexec);
	assert_string_equal(m.fstype, "");
	assert_true(gt_cfg_mount_of(&c, "/gotmp/go-build1", &m));
	assert_string_equal(m.target, "/gotmp");
	assert_string_equal(m.fstype, "tmpfs");
	assert_true(!m.read_only && !m.noexec);
	assert_true(gt_cfg_mount_of(&c, "/run/x", &m));
	assert_true(m.noexec);	/* docker's --tmpfs default */
	assert_true(gt_cfg_mount_of(&c, "/golib/go/bin", &m));
	assert_true(m.read_only);
	assert_true(gt_cfg_mount_of(&c, "/src/main.go", &m));
	assert_string_equal(m.target, "/src");
	assert_false(m.read_only);
	/* no --read-only, no tmpfs, no volume: a writable root */
	gt_cfg_mounts_parse_docker(&c, "{\"ReadonlyRootfs\":false,\"Tmpfs\":null}", NULL);
	assert_int_equal(c.n, 0);
	assert_true(gt_cfg_mount_of(&c, "/root/.cache", &m));
	assert_false(m.read_only);
	/* no state files: nothing known */
	gt_cfg_mounts_parse_docker(&c, NULL, NULL);
	assert_false(gt_cfg_mount_of(&c, "/root/.cache", &m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cgroups),  cmocka_unit_test(idmaps),   cmocka_unit_test(id_words),
		cmocka_unit_test(state_names), cmocka_unit_test(own_view), cmocka_unit_test(profile),
		cmocka_unit_test(host_paths), cmocka_unit_test(pod_names),
		cmocka_unit_test(docker_config_mounts),
	};

	return cmocka_run_group_tests_name("container", tests, NULL, NULL);
}
