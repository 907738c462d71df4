"""moto's DynamoDB server on a free port, for tests and the records benchmark."""

from __future__ import annotations

import logging
import threading

from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from tests.support import free_port


class MotoServer:
    """moto's server app on a free port, in a thread; stop and start it again to cut the
    store off. Its data lives in this process, so it survives a restart, as a real outage's
    would.

    It serves one request at a time: moto undoes a cancelled transaction by restoring a copy
    of the tables taken when that transaction began, which would erase writes that other
    requests made meanwhile (real DynamoDB isolates transactions; moto does not).
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.server: BaseWSGIServer | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
        app = DomainDispatcherApplication(create_backend_app)
        self.server = make_server("127.0.0.1", self.port, app, threaded=False)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join()
            self.server = None
