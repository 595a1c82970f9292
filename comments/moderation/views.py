"""The moderators' workspace at /moderation/: queues, actions, bans and the log.

Views stay thin: they read with ``queues`` and the QuerySet methods, act through the registry
in ``actions.py`` or the services in ``services.py``; every act lands in the moderation log.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ..models import Ban, Comment, ModerationLog, RemovalReason
from . import actions, queues, services, undo
from .forms import BanForm, EditForm, ModeratorReplyForm, parse_id, removal_choice

PAGE_SIZE = 50


def moderator_required(view):
    """Anonymous users go to the login page; signed-in users without the permission get 403."""

    @wraps(view)
    @login_required
    @permission_required("comments.can_moderate", raise_exception=True)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapper


@moderator_required
def queue(request):
    filters = queues.QueueFilters.from_query(request.GET)
    counts = queues.tab_counts(filters)
    paginator = queues.CappedPaginator(
        queues.queue(filters),
        PAGE_SIZE,
        cap=queues.count_cap(filters),
        count=counts[filters.status],
    )
    page = paginator.get_page(request.GET.get("page"))
    counts[filters.status] = paginator.count  # a search past the cap counts this tab alone
    rows = queues.rows(list(page.object_list))
    return render(
        request,
        "moderation/queue.html",
        {
            "filters": filters,
            "tabs": queues.tabs(filters, counts),
            # A search past the cap counts the current tab alone: the page says so.
            "uncounted_past": f"{queues.count_cap(filters):,}" if None in counts.values() else "",
            "page_obj": page,
            "rows": rows,
            "article": queues.chosen_article(filters),
            "query_string": filters.query_string(),
            "clear_article_query": filters.query_string(article=""),
            "bulk_actions": actions.for_any(row.actions for row in rows),
            "keyboard_actions": actions.with_keys(),
            "removal_reasons": RemovalReason.objects.active(),
        },
    )


def _safe_next(request, fallback="moderation:queue") -> str:
    """The form's ``next`` if it is a URL on this site, else the ``fallback`` route's URL."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(fallback)


def _back(request, fallback="moderation:queue"):
    return redirect(_safe_next(request, fallback))


@require_POST
@moderator_required
def act(request):
    """Run a registry action on one comment (a row's button) or many (the checkboxes)."""
    row_action = request.POST.get("row_action", "")
    if row_action:
        code, _sep, pk = row_action.partition(":")
        ids = [parse_id(pk)]
    else:
        code = request.POST.get("bulk_action", "")
        ids = [parse_id(pk) for pk in request.POST.getlist("selected")]
    ids = [pk for pk in ids if pk is not None]
    action = actions.get(code)
    if action is None or not action.on_rows:
        messages.error(request, _("Choose an action."))
    elif not ids:
        messages.error(request, _("Select at least one comment."))
    else:
        row = ids[0] if row_action else None
        extra = removal_choice(request.POST, row) if action.asks_reason else {}
        with undo.recording() as logged:
            changed = action.service(comments=ids, moderator=request.user, **extra)
        undo.offer(request, action.done_message(changed), logged, next_url=_safe_next(request))
    return _back(request)


@require_POST
@moderator_required
def undo_decision(request):
    """The "Undo" button of a status change: put the comments back (``undo.comments_undo``)."""
    result = undo.comments_undo(
        log_ids=undo.parse_ids(request.POST.get(undo.LOGS_FIELD, "")), moderator=request.user
    )
    level, text = undo.result_message(result)
    messages.add_message(request, level, text)
    return _back(request)


@moderator_required
def comment_detail(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("article", "parent"), pk=pk)
    row = queues.rows([comment])[0]
    return render(
        request,
        "moderation/comment_detail.html",
        {
            "comment": comment,
            "row": row,
            "log": comment.log.select_related("moderator")[:50],
            "edit_form": EditForm(initial={"body": comment.body}),
            "reply_form": ModeratorReplyForm(),
            "ban_form": BanForm.for_comment(comment),
            "removal_reasons": RemovalReason.objects.active(),
            "appeals": comment.appeals.select_related("decided_by"),
        },
    )


@require_POST
@moderator_required
def comment_edit(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    form = EditForm(request.POST)
    if form.is_valid():
        services.comment_edit(
            comment=comment, moderator=request.user, body=form.cleaned_data["body"]
        )
        messages.success(request, _("The comment was changed."))
    else:
        messages.error(
            request,
            _("The text could not be saved: %(errors)s")
            % {"errors": " ".join(form.errors.get("body", []))},
        )
    return redirect("moderation:comment", pk=pk)


@require_POST
@moderator_required
def comment_reply(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    form = ModeratorReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a reply first."))
        return redirect("moderation:comment", pk=pk)
    try:
        reply = services.comment_reply_as_moderator(
            parent=comment, moderator=request.user, body=form.cleaned_data["body"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your reply is published."))
        return redirect("moderation:comment", pk=reply.pk)
    return redirect("moderation:comment", pk=pk)


def _ban_from_form(request, *, comment=None) -> Ban | None:
    """Make the ban the form describes, telling the moderator how it went."""
    form = BanForm(request.POST, comment=comment)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return None
    data = form.cleaned_data
    try:
        ban = services.commenter_ban(
            kind=data["kind"],
            value=data["value"],
            reason=data["reason"],
            expires_at=data["expires_at"],
            moderator=request.user,
            comment=comment,
            remove_comments=data["remove_comments"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    messages.success(request, _("Banned %(ban)s.") % {"ban": ban})
    if data["remove_comments"] and ban.kind == Ban.Kind.EMAIL:
        removed = ban.removed
        messages.success(
            request,
            ngettext("%(count)d comment removed.", "%(count)d comments removed.", removed)
            % {"count": removed},
        )
    return ban


@require_POST
@moderator_required
def comment_ban(request, pk):
    _ban_from_form(request, comment=get_object_or_404(Comment, pk=pk))
    return redirect("moderation:comment", pk=pk)


@require_POST
@moderator_required
def remove_all_by_author(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    removed = services.comments_remove_all_by_author(
        email=comment.author_email, moderator=request.user
    )
    messages.success(
        request,
        ngettext(
            "%(count)d comment by this author removed.",
            "%(count)d comments by this author removed.",
            removed,
        )
        % {"count": removed},
    )
    return _back(request)


@moderator_required
def bans(request):
    page = Paginator(Ban.objects.select_related("created_by"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "moderation/bans.html", {"page_obj": page, "ban_form": BanForm()})


@require_POST
@moderator_required
def ban_create(request):
    _ban_from_form(request)
    return redirect("moderation:bans")


@require_POST
@moderator_required
def ban_lift(request, pk):
    ban = get_object_or_404(Ban, pk=pk)
    services.ban_lift(ban=ban, moderator=request.user)
    messages.success(request, _("The ban on %(ban)s is lifted.") % {"ban": ban})
    return redirect("moderation:bans")


@moderator_required
def log(request):
    entries = ModerationLog.objects.select_related("moderator", "comment", "comment__article")
    action = request.GET.get("action", "")
    if action in ModerationLog.Action.values:
        entries = entries.filter(action=action)
    # Millions of rows in a year: counted no further than the queue counts.
    page = queues.CappedPaginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/log.html",
        {"page_obj": page, "actions": ModerationLog.Action.choices, "current_action": action},
    )
