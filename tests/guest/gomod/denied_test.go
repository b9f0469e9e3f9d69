// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)

// Package gtguest is the Go side of the guest tests: a test binary built on
// the host (CGO_ENABLED=0, so it needs no libraries) whose open(2) the
// guest's SELinux policy refuses.
package gtguest

import (
	"errors"
	"io/fs"
	"os"
	"testing"
)

// TestOpenDenied opens $GT_DENIED_FILE, which the payload labelled
// gt_denied_t: the open must fail with a permission error, as Go reports
// any LSM denial.
func TestOpenDenied(t *testing.T) {
	path := os.Getenv("GT_DENIED_FILE")
	if path == "" {
		t.Skip("GT_DENIED_FILE not set (run inside the guest)")
	}
	f, err := os.Open(path)
	if err == nil {
		f.Close()
		t.Fatalf("open %s succeeded; SELinux should refuse it", path)
	}
	if !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("open %s: %v, want permission denied", path, err)
	}
	t.Logf("refused as expected: %v", err)
}
