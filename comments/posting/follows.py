"""Follow an article without commenting: the small form under the thread (email only).

Asking stores a follow waiting for confirmation and queues the confirmation mail
(``tasks.send_subscription_confirmation``: double opt-in, at most one mail a day to an
address); the digest of new comments starts once the link in it is confirmed. The answer has
the same words whether or not the address was known, confirmed or following already, so the
form tells nobody who follows what. Readers post it from the shared page without a token: it
is checked by origin like the comment form (``views.csrf_by_account``).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from articles.models import Article

from .. import ratelimit, tasks
from ..identity import client_ip, normalize_email
from ..models import ArticleFollow, Subscriber
from ..ratelimit import RateLimited
from .checks import ensure_open
from .forms import FollowForm
from .section import TEMPLATE, page_context
from .views import FOLLOW_NOTICE, csrf_by_account


@transaction.atomic
def article_follow_request(*, article: Article, email: str, ip_address: str | None) -> None:
    """Ask for a daily digest of new comments on ``article`` for ``email``.

    Stores the follow (waiting for confirmation, unless confirmed already) and queues the
    confirmation mail once the transaction commits. Raises ValidationError when the article
    takes no comments, and ``ratelimit.RateLimited`` when this IP address asks too often
    (``ratelimit.FOLLOW_REQUESTS``); neither stores anything.
    """
    ensure_open(article)
    ratelimit.check(ratelimit.FOLLOW_REQUESTS, ip_address=ip_address)
    subscriber, _created = Subscriber.objects.get_or_create(email=normalize_email(email))
    ArticleFollow.objects.get_or_create(subscriber=subscriber, article=article)
    pk = subscriber.pk
    transaction.on_commit(lambda: tasks.send_subscription_confirmation.enqueue(pk))


@csrf_by_account
@require_POST
def article_follow(request, slug):
    """Follow an article by email; on an error, the article page with the address kept."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    form = FollowForm(request.POST)
    if form.is_valid():
        try:
            article_follow_request(
                article=article, email=form.cleaned_data["email"], ip_address=client_ip(request)
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        except RateLimited as limited:
            minutes = -(-limited.retry_after // 60)
            response = render(
                request,
                "comments/follow_slow_down.html",
                {"article": article, "retry_minutes": minutes},
                status=429,
            )
            response["Retry-After"] = str(limited.retry_after)
            return response
        else:
            messages.info(request, FOLLOW_NOTICE)
            return redirect(f"{article.get_absolute_url()}#follow")
    context = {**page_context(request, article), "follow_form": form}
    return render(request, TEMPLATE, context, status=400)
