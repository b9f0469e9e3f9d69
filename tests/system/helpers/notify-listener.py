#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Plays systemd's side of NOTIFY_SOCKET: receives datagrams on SOCK and logs
# each as one line. On READY=1 it also logs how many BPF links and programs
# the sender holds at that moment, read from its /proc/PID/fd: READY must
# come after every program is attached.
import os, socket, sys

path, log = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
with open(log, "a", buffering=1) as out:
    out.write("listening\n")
    while True:
        msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
        pid = 0
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = int.from_bytes(data[0:4], "little")
        text = msg.decode(errors="replace")
        for line in text.split("\n"):
            out.write("msg %s\n" % line)
        if "READY=1" in text.split("\n"):
            links = progs = 0
            ids = []
            d = "/proc/%d/fd" % pid
            for fd in os.listdir(d):
                try:
                    t = os.readlink(os.path.join(d, fd))
                except OSError:
                    continue
                links += t == "anon_inode:bpf_link"
                progs += t == "anon_inode:bpf-prog"
                if t == "anon_inode:bpf-prog":
                    with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                        ids += [l.split()[1] for l in f if l.startswith("prog_id:")]
            out.write("at-ready links=%d progs=%d pid=%d\n" % (links, progs, pid))
            out.write("prog-ids %s\n" % " ".join(ids))
        if "STOPPING=1" in text.split("\n"):
            out.write("stopping\n")
