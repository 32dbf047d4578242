#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host side of maia_link_qmp.sh: run QMP commands a guest test asks for.

A guest cannot reach QEMU's monitor, but it shares the project tree with
the host. The guest test writes DIR/req-ID.json (one QMP command); this
relay, connected to QEMU's QMP socket, executes it and writes the reply to
DIR/resp-ID.json. The relay ends when QEMU closes the socket.

Usage: maia_link_qmp_relay.py QMP_SOCKET DIR
"""
import json
import os
import select
import socket
import sys
import time


def connect(path, timeout=600):
    deadline = time.time() + timeout
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.time() > deadline:
                sys.exit(f"qmp-relay: no QMP socket at {path}")
            time.sleep(0.2)


class Qmp:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def lines(self, block):
        """Complete JSON lines available; None when QEMU went away."""
        out = []
        while True:
            ready, _, _ = select.select([self.sock], [], [], 0.05 if block else 0)
            if ready:
                data = self.sock.recv(65536)
                if not data:
                    return None
                self.buf += data
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                if line.strip():
                    out.append(json.loads(line))
            if out or not block:
                return out

    def command(self, cmd):
        self.sock.sendall(json.dumps(cmd).encode() + b"\n")
        while True:
            msgs = self.lines(True)
            if msgs is None:
                return None
            for m in msgs:
                if "return" in m or "error" in m:
                    return m


def main():
    sock_path, qdir = sys.argv[1], sys.argv[2]
    qmp = Qmp(connect(sock_path))
    if qmp.lines(True) is None:
        return
    qmp.command({"execute": "qmp_capabilities"})
    while True:
        if qmp.lines(False) is None:        # events are dropped
            return
        for name in sorted(os.listdir(qdir)):
            if not (name.startswith("req-") and name.endswith(".json")):
                continue
            path = os.path.join(qdir, name)
            try:
                with open(path) as f:
                    cmd = json.load(f)
            except (OSError, ValueError) as e:
                reply = {"error": {"class": "RelayError", "desc": str(e)}}
            else:
                reply = qmp.command(cmd)
                if reply is None:
                    return
            resp = os.path.join(qdir, "resp-" + name[4:])
            with open(resp + ".tmp", "w") as f:
                json.dump(reply, f)
            os.rename(resp + ".tmp", resp)
            os.unlink(path)
        time.sleep(0.05)


if __name__ == "__main__":
    main()
