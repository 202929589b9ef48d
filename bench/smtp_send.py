#!/usr/bin/python3
"""smtp_send.py - the mail baseline for bench/run.sh: how many messages per second the local SMTP
sink (tests/mail/smtp_sink.py) accepts from a minimal client, sending M messages of about the size
of advisord's invitation e-mail, each on a connection of its own (as advisord's mailer does),
one after another. Prints "M messages in S s: R messages/s". Usage: smtp_send.py PORT M"""
import smtplib
import sys
import time

port, m = int(sys.argv[1]), int(sys.argv[2])
body = ("Hej Anna Admin,\r\n\r\n" + "Byrå A bjuder in ert företag till ett samarbete i Visma eEkonomi Smart.\r\n" * 30 +
        "\r\n").encode("utf-8")
start = time.monotonic()
for i in range(m):
    msg = (b"From: advisord <no-reply@advisord.local>\r\nTo: anna%d@kund.test\r\n"
           b"Subject: Inbjudan\r\nMessage-ID: <base-%d@bench>\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
           % (i, i)) + body
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
        s.sendmail("no-reply@advisord.local", ["anna%d@kund.test" % i], msg)
elapsed = time.monotonic() - start
print("%d messages in %.3f s: %.0f messages/s" % (m, elapsed, m / elapsed))
