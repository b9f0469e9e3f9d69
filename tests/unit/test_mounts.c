// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "mounts.h"

static const char mountinfo[] =
	"22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard\n"
	"30 22 0:26 / /tmp/nx rw,nosuid,nodev,noexec,relatime shared:2 - tmpfs tmpfs rw,size=1024k\n"
	"31 22 254:0 /srv/c /srv/ro ro,relatime shared:1 - ext4 /dev/vda rw\n"
	"32 30 0:27 / /tmp/nx/inner rw,relatime - tmpfs tmpfs rw\n";

static char *write_tmp(void)
{
	static char path[] = "/tmp/gt-mountinfo.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, mountinfo, sizeof(mountinfo) - 1), sizeof(mountinfo) - 1);
	close(fd);
	return path;
}

static void lookups(void **state)
{
	char *f = write_tmp();
	struct gt_mount_facts m;

	assert_int_equal(gt_mounts_lookup_file(f, "/tmp/nx/go-build1/b001/m.test", &m), 0);
	assert_string_equal(m.target, "/tmp/nx");
	assert_string_equal(m.fstype, "tmpfs");
	assert_true(m.noexec);
	assert_false(m.read_only);
	/* "noexec" must not match a mount that merely lacks "exec" */
	assert_int_equal(gt_mounts_lookup_file(f, "/tmp/other", &m), 0);
	assert_string_equal(m.target, "/");
	assert_false(m.noexec);
	assert_int_equal(gt_mounts_lookup_file(f, "/srv/ro/x", &m), 0);
	assert_true(m.read_only);
	/* the deepest mount wins; a prefix that is not a path component does not */
	assert_int_equal(gt_mounts_lookup_file(f, "/tmp/nx/inner/a", &m), 0);
	assert_string_equal(m.target, "/tmp/nx/inner");
	assert_false(m.noexec);
	assert_int_equal(gt_mounts_lookup_file(f, "/tmp/nxy", &m), 0);
	assert_string_equal(m.target, "/");
	unlink(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(lookups) };

	return cmocka_run_group_tests_name("mounts", tests, NULL, NULL);
}
