"""A chat webhook on 127.0.0.1 for tests: records every POST, answers as scripted."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: What WeCom and DingTalk answer when a message was accepted.
OK = (200, '{"errcode":0,"errmsg":"ok"}')


@dataclass
class Webhook:
    """The URL to post to, the requests received (path, headers, JSON body) and the answers
    still to give (then ``OK`` for every further request)."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    answers: list[tuple[int, str]] = field(default_factory=list)

    def bodies(self) -> list[Any]:
        return [r["json"] for r in self.received]


@contextmanager
def webhook_server() -> Iterator[Webhook]:
    hook = Webhook()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                hook.received.append(
                    {
                        "path": self.path,
                        "content_type": self.headers.get("Content-Type"),
                        "raw": raw,
                        "json": json.loads(raw.decode("utf-8")),
                    }
                )
                status, body = hook.answers.pop(0) if hook.answers else OK
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key=secret-key"
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
