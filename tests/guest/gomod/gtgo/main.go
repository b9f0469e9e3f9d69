// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)

// Command gtgo stands in for the go command in the kernel-matrix guests,
// which have no Go toolchain: installed there as "go", it starts a Go tree
// for gotraced and makes the refused calls the go command makes, with Go's
// own error messages. Built on the host (CGO_ENABLED=0: static).
//
//	go exec FILE [ARGS]   run FILE as go test runs a test binary
//	go mkdir DIR          create DIR as the build cache does (as $GT_UID if set)
//	go getpriority        one getpriority(2), for a seccomp filter to refuse
//	go alloc MIB          allocate and touch MIB MiB, for a memory cgroup to kill
package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", a...)
	os.Exit(1)
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: go exec|mkdir|getpriority|alloc ...")
	}
	if s := os.Getenv("GT_UID"); s != "" {
		uid, err := strconv.Atoi(s)
		if err != nil {
			fail("GT_UID=%s: %v", s, err)
		}
		// all threads (Go 1.16+): the calls below are made as uid
		if err := syscall.Setgid(uid); err != nil {
			fail("setgid: %v", err)
		}
		if err := syscall.Setuid(uid); err != nil {
			fail("setuid: %v", err)
		}
	}
	switch os.Args[1] {
	case "exec":
		if len(os.Args) < 3 {
			fail("usage: go exec FILE [ARGS]")
		}
		cmd := exec.Command(os.Args[2], os.Args[3:]...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			fail("%v", err)
		}
	case "mkdir":
		if len(os.Args) != 3 {
			fail("usage: go mkdir DIR")
		}
		if err := os.Mkdir(os.Args[2], 0o777); err != nil {
			fail("failed to initialize build cache at %s: %v", os.Getenv("GOCACHE"), err)
		}
	case "getpriority":
		prio, err := syscall.Getpriority(syscall.PRIO_PROCESS, 0)
		if err != nil {
			fail("getpriority: %v", err)
		}
		fmt.Println("priority", prio)
	case "alloc":
		mib := 1024
		if len(os.Args) > 2 {
			mib, _ = strconv.Atoi(os.Args[2])
		}
		var keep [][]byte
		for i := 0; i < mib; i++ {
			b := make([]byte, 1<<20)
			for j := 0; j < len(b); j += 4096 {
				b[j] = 1
			}
			keep = append(keep, b)
		}
		fmt.Println("allocated", len(keep), "MiB")
	default:
		fail("go %s: unknown command", os.Args[1])
	}
}
