from django.urls import path

from . import commenters, feeds, views

app_name = "comments"

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.comment_post, name="post"),
    path("comments/<int:pk>/", views.comment_permalink, name="permalink"),
    path("comments/<int:pk>/report/", views.comment_report, name="report"),
    # "Confirm it's you" (signed_links.COMMENTER): the token is in the query string or the form.
    path("comments/confirm-its-you/", commenters.commenter_confirm, name="commenter-confirm"),
    path("articles/<slug:slug>/comments/feed/", feeds.ArticleCommentsFeed(), name="feed"),
    path(
        "articles/<slug:slug>/comments/feed/atom/",
        feeds.ArticleCommentsAtomFeed(),
        name="feed-atom",
    ),
]
