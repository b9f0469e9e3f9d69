// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)

// Package gtguest is the Go side of the guest tests: a test binary built on
// the host (CGO_ENABLED=0, so it needs no libraries) whose open(2) the
// guest's SELinux policy refuses.
package gtguest

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
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

// TestPermissiveThenDAC runs with SELinux permissive: it opens
// $GT_DENIED_FILE (allowed, though audited as a denial), then, as nobody,
// $GT_DAC_FILE (root's, mode 0600), which the file mode alone refuses.
func TestPermissiveThenDAC(t *testing.T) {
	denied, dac := os.Getenv("GT_DENIED_FILE"), os.Getenv("GT_DAC_FILE")
	if denied == "" || dac == "" {
		t.Skip("GT_DENIED_FILE or GT_DAC_FILE not set (run inside the guest)")
	}
	f, err := os.Open(denied)
	if err != nil {
		t.Fatalf("open %s in permissive mode: %v", denied, err)
	}
	f.Close()
	if err := syscall.Setuid(65534); err != nil {
		t.Fatalf("setuid 65534: %v", err)
	}
	if _, err := os.Open(dac); !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("open %s as nobody: %v, want permission denied", dac, err)
	}
}
