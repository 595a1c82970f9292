"""Work a page does after its answer has gone, so the answer's timing cannot depend on it.

``/privacy/my-data/`` must not tell whether anything is stored under an address, by its words
or by how long it takes. Looking the address up and mailing the link take longer when there is
something to find, and with the immediate task backend (local development, small sites) the
task runs wherever it is queued. So the page queues nothing while it answers: its response
carries the work and runs it from ``close()``.

Why ``close()``: every WSGI and ASGI server calls it once the last byte of the body has been
written (PEP 3333 requires it; Django's ASGI handler does it after the final body message),
and the response carries a ``Content-Length``, so the visitor's browser has the whole answer
before the work starts. The other candidates do not help: ``transaction.on_commit`` runs
inside the request when there is no transaction; a fixed minimum latency only hides a
difference while it stays under the floor; a thread of our own is one the server neither
waits for at shutdown nor counts as busy. The work is bound to the response object, not to
a global signal, so a threaded server's other requests never run it.

What this costs: the work runs in the worker that served the page, before it takes the next
request (a few milliseconds); and a worker killed between sending and closing forgets it
(the visitor asks again). Django's test client also calls ``close()``, so tests see the
work done when ``client.post`` returns.
"""

import logging
from collections.abc import Callable

from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class ThenResponse(HttpResponse):
    """An HTML response that calls ``then()`` when the server closes it, after sending it.

    An error in ``then`` is logged (logger ``comments.privacy.after_response``) and never
    reaches the visitor, who has the answer already. ``then`` runs once, before Django's
    ``request_finished`` (so before the request's database connection may be closed).
    """

    def __init__(self, content: str, *, then: Callable[[], object], **kwargs):
        super().__init__(content, **kwargs)
        self._then = then

    def close(self) -> None:
        then, self._then = self._then, None
        try:
            if then is not None:
                then()
        except Exception:
            logger.exception("Work queued to run after a response failed.")
        finally:
            super().close()


def render_then(
    request, template_name: str, context: dict, *, then: Callable[[], object] | None
) -> HttpResponse:
    """``render()``; with ``then``, a response that runs it once it has been sent."""
    content = render_to_string(template_name, context, request)
    if then is None:
        return HttpResponse(content)
    return ThenResponse(content, then=then)
