"""One central instance in a process of its own, for tests of several instances on one database:
`python -m tests.central.instance` with CENTRAL_TEST_DB set; prints the ready line and serves
until SIGTERM. The database is prepared (tables, kiosks, data) by the test beforehand."""

from __future__ import annotations

import os

from central.app import create_app
from central.server import bind_socket, make_server, print_ready, socket_url
from tests.central.conftest import OPS_TOKEN


def main() -> None:
    app = create_app(os.environ["CENTRAL_TEST_DB"], OPS_TOKEN, {}, seed=False)
    sock = bind_socket("127.0.0.1", 0)
    url = socket_url(sock)
    server = make_server(app, log_level="warning", on_ready=lambda: print_ready(url))
    server.run(sockets=[sock])
    app.state.storage.close()


if __name__ == "__main__":
    main()
