#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A stuck `gotraced tail` client: connects, asks for the JSON stream, reads
# nothing until the file GO_ON exists, then reads until the stream has been
# idle for 2 s and writes what it got to OUT.
import os, socket, sys, time

path, go_on, out = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
s.sendall(b"tail json\n")
print("connected", flush=True)
while not os.path.exists(go_on):
    time.sleep(0.05)
s.settimeout(2)
data = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
except socket.timeout:
    pass
with open(out, "wb") as f:
    f.write(data)
