"""smtp_rogue.py - a raw SMTP server on loopback for the transport tests (test_mail_settle.c)
that misbehaves in ways aiosmtpd (smtp_sink.py) will not: offers PIPELINING and CHUNKING and,
with --mode extra, answers a RCPT with one 250 more than asked, then at BDAT reads 4 KB of the
data and closes the connection unanswered (the client's write of a large message is cut short
with the unasked 250 in its socket: the review of mail16's scenario); on its first connection
only, later ones take each message (250). Writes its port to
<dir>/port and one line per event to <dir>/log.

  smtp_rogue.py --dir DIR --mode extra
"""
import argparse
import os
import socket
import threading


def handle(c, n, mode, log):
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    f = c.makefile("rb")
    rogue = mode == "extra" and n == 1  # later connections behave
    c.sendall(b"220 rogue ESMTP\r\n")
    while True:
        line = f.readline()
        if not line:
            break
        u = line.upper()
        log("conn%d %s" % (n, line[:40].decode("ascii", "replace").strip()))
        if u.startswith(b"EHLO"):
            c.sendall(b"250-rogue\r\n250-PIPELINING\r\n250 CHUNKING\r\n")
        elif u.startswith(b"RCPT"):
            c.sendall(b"250 2.1.5 ok\r\n" + (b"250 2.0.0 unasked\r\n" if rogue else b""))
        elif u.startswith(b"BDAT") and not rogue:
            size = int(line.split()[1])
            got = f.read(size)
            log("conn%d took a message of %d bytes" % (n, len(got)))
            c.sendall(b"250 2.0.0 taken\r\n")
        elif u.startswith(b"BDAT"):
            size = int(line.split()[1])
            got = f.read(min(size, 4096))
            log("conn%d read %d of %d data bytes, closed unanswered" % (n, len(got), size))
            break
        elif u.startswith(b"QUIT"):
            c.sendall(b"221 bye\r\n")
            break
        else:
            c.sendall(b"250 ok\r\n")
    try:
        f.close()
        c.close()
    except OSError:
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--mode", default="extra")
    args = ap.parse_args()
    lock = threading.Lock()

    def log(text):
        with lock, open(os.path.join(args.dir, "log"), "a") as out:
            out.write(text + "\n")

    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    with open(os.path.join(args.dir, "port.tmp"), "w") as out:
        out.write("%d\n" % s.getsockname()[1])
    os.rename(os.path.join(args.dir, "port.tmp"), os.path.join(args.dir, "port"))
    n = 0
    while True:
        c, _ = s.accept()
        n += 1
        threading.Thread(target=handle, args=(c, n, args.mode, log), daemon=True).start()


if __name__ == "__main__":
    main()
