"""A real HTTP server on loopback that drops the first N connections without answering.

Used to prove the client survives a dropped connection over a real socket, not a simulated one.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def dropping_server(drops: int, body: dict[str, Any], status: str = "200 OK") -> Iterator[tuple[str, list[str]]]:
    """Yields (base URL, list of request lines seen). Answers `body` once `drops` connections were cut."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    seen: list[str] = []
    stop = threading.Event()
    payload = json.dumps(body).encode()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    request += chunk
                seen.append(request.split(b"\r\n", 1)[0].decode())
                if len(seen) <= drops:
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    continue  # closed with RST, no answer: what a crashed gateway looks like
                head = (
                    f"HTTP/1.1 {status}\r\nContent-Type: application/json; charset=utf-8\r\n"
                    f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
                )
                conn.sendall(head.encode() + payload)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        stop.set()
        thread.join(5)
        listener.close()
