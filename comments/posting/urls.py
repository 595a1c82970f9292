from django.urls import path

from . import commenters, feeds, follows, own_edits, views, votes_view

app_name = "comments"

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.comment_post, name="post"),
    path("comments/<int:pk>/", views.comment_permalink, name="permalink"),
    path("comments/<int:pk>/report/", views.comment_report, name="report"),
    # "Notify me of new comments on this article" without a comment (follows.py).
    path("articles/<slug:slug>/follow/", follows.article_follow, name="follow"),
    # The commenter's own edit and delete, from the posting browser, for a while (editing.py).
    path("comments/<int:pk>/edit/", own_edits.comment_edit, name="edit"),
    path("comments/<int:pk>/delete/", own_edits.comment_delete, name="delete"),
    path("comments/<int:pk>/helpful/", votes_view.comment_helpful, name="helpful"),
    # "Confirm it's you" (signed_links.COMMENTER): the token is in the query string or the form.
    path("comments/confirm-its-you/", commenters.commenter_confirm, name="commenter-confirm"),
    path("articles/<slug:slug>/comments/feed/", feeds.ArticleCommentsFeed(), name="feed"),
    path(
        "articles/<slug:slug>/comments/feed/atom/",
        feeds.ArticleCommentsAtomFeed(),
        name="feed-atom",
    ),
]
