"""A minimal SMTP server on loopback that keeps what it receives, for tests of real delivery."""

import email
import email.policy
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 sink.test ESMTP")
        sender, recipients, lines, in_data = None, [], [], False
        for raw in self.rfile:
            if in_data:
                if raw.rstrip(b"\r\n") == b".":
                    message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                    self.server.received.append((sender, recipients, message))
                    sender, recipients, lines, in_data = None, [], [], False
                    self.reply("250 2.0.0 queued")
                else:
                    lines.append(raw[1:] if raw.startswith(b"..") else raw)
                continue
            command = raw.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-sink.test")
                self.reply("250 8BITMIME")
            elif verb in ("HELO", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "MAIL":
                sender = command.split(":", 1)[1].strip().split()[0].strip("<>")
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                in_data = True
                self.reply("354 go ahead")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class SMTPSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
