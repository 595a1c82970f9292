"""gunicorn settings shared by every server under test (see servers.py).

Only a hook: the command line sets bind, workers and timeouts. After a worker has imported the
WSGI application it leaves a marker file named after its pid in ``$BENCH_READY_DIR``, which is
how servers.py knows that all workers are ready to serve.
"""

import os
from pathlib import Path


def post_worker_init(worker):
    ready_dir = os.environ.get("BENCH_READY_DIR")
    if ready_dir:
        Path(ready_dir, str(worker.pid)).touch()
