"""Serving a fake outside service (Google, Twilio, ElevenLabs) on 127.0.0.1 for a test."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def serving(fake, handler: type[BaseHTTPRequestHandler], attribute: str,
            server_class: type[ThreadingHTTPServer] = ThreadingHTTPServer, stopping=None) -> Iterator:
    """Serves `fake` (handed to the handler as `attribute`) at a free port; sets `fake.base_url`.
    `stopping`, an Event, is set first on the way out so that held-back answers go out."""
    server = server_class(("127.0.0.1", 0), type("Handler", (handler,), {attribute: fake}))
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        if stopping is not None:
            stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()
