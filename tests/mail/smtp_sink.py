#!/usr/bin/python3
"""smtp_sink.py - a real SMTP server on loopback for advisord's mail tests (aiosmtpd).

Every accepted message is saved as <dir>/<seq>.eml and described on one line of
<dir>/received.jsonl (envelope, Message-ID, decoded subject and body, as Python's email parser
reads them: an independent check of advisord's MIME). Refusals are logged to
<dir>/events.jsonl. Faults on demand:
  --fail-first N       answer 451 after DATA to the first N messages
  --reject-file FILE   answer 550 to RCPT TO of any address listed in FILE (read at each
                       RCPT, so a test "fixes" an address by rewriting the file)
  --delay-data S       wait S seconds after the message's data before answering (a slow
                       server: lets a test stop advisord in the middle of a delivery)
  --delay-ack S        save each accepted message first, then wait S seconds before answering
                       250 (a client killed meanwhile has delivered it without knowing it)
  --starttls           offer STARTTLS and refuse mail without it; --implicit-tls: TLS from
                       the first byte (smtps://). Either makes a self-signed certificate for
                       127.0.0.1 as <dir>/cert.pem (the CA file a client must trust)
  --auth USER:PASSWORD require login with these credentials (after TLS, if any)
  --close-after-message  close the connection right after answering 250 to a message (a
                       server that takes one message per connection)
  --drop-at-second-mail  close the connection, unanswered, at a MAIL FROM after a message
                       taken on it that came in a later read of the socket than the MAIL before
                       it (a server that timed the idle connection out just as the next message
                       began; not in the middle of messages the client sent together)
  --cut-at-second-mail  close the connection, unanswered, at its second MAIL FROM, whatever
                       came with it (a connection cut in the middle of pipelined messages)
  --cut-after-data     save each message, then close the connection without answering it
  --close-at-big-bdat  on the first connection, at a BDAT of more than 1,000,000 bytes: answer
                       421 without reading its data and close (the client's write of a large
                       message cut short, the 421 the answer to a command not all written)
  --refuse-at-big-bdat  the same with 552 (a server that refuses a chunk on its BDAT line
                       alone, against RFC 3030 2, and closes before reading its data)
  --stall-at-big-bdat  on the first connection, at a BDAT of more than 1,000,000 bytes: wait
                       3 s before reading its data (the client's write blocks meanwhile)
  --close-at-rset      on the first connection, answer its first RSET with 421 and close (a
                       server closing between the messages of a batch)
  --no-pipelining, --no-chunking  do not advertise PIPELINING (RFC 2920) or CHUNKING (RFC 3030:
                       BDAT); both are advertised by default (plain aiosmtpd has neither)
  --ext-first-only     advertise PIPELINING and CHUNKING on the first connection only (a
                       server that no longer offers them when the client connects again)
  --cut-connection N   close the N-th connection (counted from 1 since the start),
                       unanswered, at its first MAIL FROM
  --size N             advertise SIZE N and refuse larger messages (aiosmtpd: 33554432)
Each received.jsonl line also names its connection (the client's port), the message's number
on that connection (so that a test sees several messages share one), how it came (DATA or
BDAT) and in how many segments (reads of the socket, from the one that carried MAIL FROM to the
message's end: 1 when the client sent it all in one write), and the number of the read that
carried its MAIL FROM (mail_read: messages the client sent in one write share it). Each QUIT adds a line to
<dir>/quit.jsonl.
The listening port is written to <dir>/port once the server listens. SIGTERM stops it.
Run with Debian's /usr/bin/python3 (python3-aiosmtpd).
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import signal
import ssl
import subprocess

from aiosmtpd.smtp import MISSING, SMTP


class SinkSMTP(SMTP):
    """aiosmtpd's server with BDAT (RFC 3030) and a count of the reads of its socket."""

    def __init__(self, handler, chunking, **options):
        super().__init__(handler, **options)
        self.segments = 0
        handler.connections += 1
        self.number = handler.connections  # this connection's, from 1
        if not chunking:
            self._smtp_methods.pop("BDAT", None)

    def data_received(self, data):
        self.segments += 1
        super().data_received(data)

    async def smtp_BDAT(self, arg):
        parts = (arg or "").split()
        if not parts or not parts[0].isdigit() or len(parts) > 2 or \
                (len(parts) == 2 and parts[1].upper() != "LAST"):
            await self.push("501 Syntax: BDAT size [LAST]")
            self.transport.close()  # the chunk's length is unknown: nothing can follow
            return
        code = self.event_handler.big_bdat_code
        if code and self.number == 1 and int(parts[0]) > 1000000:
            append_json(os.path.join(self.event_handler.folder, "events.jsonl"),
                        {"event": "closed_at_bdat", "code": code,
                         "connection": self.session.peer[1]})
            await self.push("421 4.3.2 closing: the message is not read" if code == 421 else
                            "552 5.3.4 the message is too big: not read")
            self.transport.close()
            return
        if self.event_handler.stall_at_big_bdat and self.number == 1 and \
                int(parts[0]) > 1000000:
            await asyncio.sleep(3)
        chunk = await self._reader.readexactly(int(parts[0]))  # read even when refused
        if await self.check_helo_needed() or await self.check_auth_needed("BDAT"):
            return
        if not self.envelope.rcpt_tos:
            await self.push("503 5.5.1 Error: need RCPT command")
            return
        self.envelope.chunks = getattr(self.envelope, "chunks", b"") + chunk
        if len(parts) == 1:
            await self.push("250 2.0.0 %d octets received" % len(chunk))
            return
        self.envelope.content = self.envelope.original_content = self.envelope.chunks
        self.envelope.how = "BDAT"
        status = await self._call_handler_hook("DATA")
        self._set_post_data_state()
        await self.push("250 OK" if status is MISSING else status)
        if self.event_handler.extra_reply and not getattr(self, "extra_sent", False):
            self.extra_sent = True  # a server out of step: one answer more than asked
            await self.push("250 2.0.0 an answer nobody asked for")


def append_json(path, record):
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())


class Sink:
    def __init__(self, folder, fail_first, reject_file, delay_data, implicit_tls=False,
                 delay_ack=0, close_after_message=False, drop_at_second_mail=False,
                 extensions=(), cut_after_data=False, cut_at_second_mail=False,
                 extra_reply=False, ext_first_only=False, cut_connection=0,
                 big_bdat_code=0, close_at_rset=False, stall_at_big_bdat=False):
        self.folder = folder
        self.big_bdat_code = big_bdat_code  # 421 or 552: --close-at-big-bdat's, --refuse-...
        self.close_at_rset = close_at_rset
        self.stall_at_big_bdat = stall_at_big_bdat
        self.connections = 0
        self.ext_first_only = ext_first_only
        self.cut_connection = cut_connection
        self.cut_at_second_mail = cut_at_second_mail
        self.extra_reply = extra_reply
        self.extensions = extensions
        self.cut_after_data = cut_after_data
        self.close_after_message = close_after_message
        self.drop_at_second_mail = drop_at_second_mail
        self.delay_ack = delay_ack
        self.implicit_tls = implicit_tls
        self.delay_data = delay_data
        self.fail_left = fail_first
        self.reject_file = reject_file
        existing = [n for n in os.listdir(folder) if n.endswith(".eml")]
        self.seq = len(existing)

    def rejected(self, address):
        if not self.reject_file or not os.path.exists(self.reject_file):
            return False
        with open(self.reject_file, encoding="utf-8") as f:
            return address.lower() in {line.strip().lower() for line in f if line.strip()}

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        offered = [] if self.ext_first_only and server.number > 1 else self.extensions
        return responses[:-1] + ["250-" + e for e in offered] + responses[-1:]

    async def handle_RSET(self, server, session, envelope):
        if self.close_at_rset and server.number == 1:
            append_json(os.path.join(self.folder, "events.jsonl"),
                        {"event": "closed_at_rset", "connection": session.peer[1]})
            session.closing = True  # commands sent with it are not taken (handle_MAIL)
            asyncio.get_running_loop().call_soon(server.transport.close)  # after the 421
            return "421 4.3.2 closing"
        return MISSING

    async def handle_QUIT(self, server, session, envelope):
        append_json(os.path.join(self.folder, "quit.jsonl"), {"connection": session.peer[1]})
        return MISSING

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        envelope.segment_at_mail = server.segments
        read_before = getattr(session, "mail_read", 0)
        session.mail_read = server.segments
        session.mails = getattr(session, "mails", 0) + 1
        if getattr(session, "closing", False):  # closed after a message: nothing more
            server.transport.close()
            return "421 never arrives: the connection is closed"
        idle = getattr(session, "messages", 0) >= 1 and server.segments != read_before
        if (self.drop_at_second_mail and idle) or \
                (self.cut_at_second_mail and session.mails >= 2) or \
                (self.cut_connection == server.number and session.mails == 1):
            append_json(os.path.join(self.folder, "events.jsonl"),
                        {"event": "dropped", "connection": session.peer[1]})
            server.transport.close()
            return "421 4.4.2 idle too long"  # never arrives: the connection is closed
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rejected(address):
            append_json(os.path.join(self.folder, "events.jsonl"),
                        {"event": "rejected", "code": 550, "rcpt": address})
            return "550 5.1.1 <%s>: Recipient address rejected: no such mailbox" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.content if isinstance(envelope.content, bytes) else \
            envelope.content.encode("utf-8")
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        if self.delay_data > 0:
            append_json(os.path.join(self.folder, "events.jsonl"),
                        {"event": "delaying", "message_id": str(msg.get("Message-ID", ""))})
            await asyncio.sleep(self.delay_data)
        if self.fail_left > 0:
            self.fail_left -= 1
            append_json(os.path.join(self.folder, "events.jsonl"),
                        {"event": "deferred", "code": 451,
                         "message_id": str(msg.get("Message-ID", ""))})
            return "451 4.3.0 Temporary failure, try again later"
        self.seq += 1
        session.messages = getattr(session, "messages", 0) + 1
        name = "%04d.eml" % self.seq
        with open(os.path.join(self.folder, name), "wb") as f:
            f.write(raw)
        body = msg.get_body(preferencelist=("plain",))
        record = {
            "seq": self.seq,
            "connection": session.peer[1],
            "on_connection": session.messages,
            "tls": session.ssl is not None or self.implicit_tls,
            "login": session.auth_data.login.decode()
            if session.authenticated and hasattr(session.auth_data, "login") else "",
            "file": name,
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "message_id": str(msg.get("Message-ID", "")),
            "to": str(msg.get("To", "")),
            "from": str(msg.get("From", "")),
            "subject": str(msg.get("Subject", "")),
            "date": str(msg.get("Date", "")),
            "mime_version": str(msg.get("MIME-Version", "")),
            "content_type": msg.get_content_type(),
            "charset": msg.get_content_charset() or "",
            "transfer_encoding": str(msg.get("Content-Transfer-Encoding", "")),
            "language": str(msg.get("Content-Language", "")),
            "body": body.get_content().replace("\r\n", "\n") if body is not None else "",
            "defects": [type(d).__name__ for d in msg.defects],
            "how": getattr(envelope, "how", "DATA"),
            "segments": server.segments - getattr(envelope, "segment_at_mail", 0) + 1,
            "mail_read": getattr(envelope, "segment_at_mail", 0),
        }
        append_json(os.path.join(self.folder, "received.jsonl"), record)
        if self.cut_after_data:
            server.transport.close()
            return "421 never arrives: the connection is closed"
        if self.delay_ack > 0:
            await asyncio.sleep(self.delay_ack)
        if self.close_after_message:  # runs once the 250 below is written
            session.closing = True  # commands sent with it are not taken
            asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 OK: queued as %s" % name


def make_cert(folder):
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    if not os.path.exists(cert):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                        "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx


def authenticator_for(expected):
    from aiosmtpd.smtp import AuthResult, LoginPassword
    user, _, password = expected.partition(":")

    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and \
            auth_data.login.decode() == user and auth_data.password.decode() == password
        if not ok:
            append_json(os.path.join(session_folder[0], "events.jsonl"),
                        {"event": "auth_failed", "code": 535, "mechanism": mechanism})
        if ok:
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)  # aiosmtpd then answers 535
    return check


session_folder = [""]


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--reject-file", default="")
    ap.add_argument("--delay-data", type=float, default=0)
    ap.add_argument("--delay-ack", type=float, default=0)
    ap.add_argument("--starttls", action="store_true")
    ap.add_argument("--implicit-tls", action="store_true")
    ap.add_argument("--auth", default="")
    ap.add_argument("--close-after-message", action="store_true")
    ap.add_argument("--drop-at-second-mail", action="store_true")
    ap.add_argument("--cut-after-data", action="store_true")
    ap.add_argument("--cut-at-second-mail", action="store_true")
    ap.add_argument("--extra-reply", action="store_true")
    ap.add_argument("--close-at-big-bdat", action="store_true")
    ap.add_argument("--refuse-at-big-bdat", action="store_true")
    ap.add_argument("--close-at-rset", action="store_true")
    ap.add_argument("--stall-at-big-bdat", action="store_true")
    ap.add_argument("--no-pipelining", action="store_true")
    ap.add_argument("--no-chunking", action="store_true")
    ap.add_argument("--ext-first-only", action="store_true")
    ap.add_argument("--cut-connection", type=int, default=0)
    ap.add_argument("--size", type=int, default=33554432)
    args = ap.parse_args()
    session_folder[0] = args.dir
    sink = Sink(args.dir, args.fail_first, args.reject_file, args.delay_data, args.implicit_tls,
                args.delay_ack, args.close_after_message, args.drop_at_second_mail,
                ([] if args.no_pipelining else ["PIPELINING"]) +
                ([] if args.no_chunking else ["CHUNKING"]), args.cut_after_data,
                args.cut_at_second_mail, args.extra_reply, args.ext_first_only,
                args.cut_connection,
                421 if args.close_at_big_bdat else 552 if args.refuse_at_big_bdat else 0,
                args.close_at_rset, args.stall_at_big_bdat)
    tls = make_cert(args.dir) if args.starttls or args.implicit_tls else None
    options = {"hostname": "sink.test", "ident": "advisord-test-sink",
               "data_size_limit": args.size}
    if args.starttls:
        options.update(tls_context=tls, require_starttls=True)
    if args.auth:
        options.update(authenticator=authenticator_for(args.auth), auth_required=True,
                       auth_require_tls=args.starttls)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SinkSMTP(sink, not args.no_chunking, **options), host="127.0.0.1",
        port=args.port, reuse_address=True,
        ssl=tls if args.implicit_tls else None)
    port = server.sockets[0].getsockname()[1]
    tmp = os.path.join(args.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, os.path.join(args.dir, "port"))
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
