from django.urls import path

from . import views

app_name = "subscriptions"

# Tokens travel in the query string or the form body, never in the path (signed_links).
urlpatterns = [
    path("subscriptions/confirm/", views.confirm, name="confirm"),
    path("subscriptions/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("subscriptions/subscribe-again/", views.resubscribe, name="resubscribe"),
    # Links mailed before, with the token in the path: they keep working (see views.moved).
    path(
        "subscriptions/confirm/<str:token>/",
        views.moved,
        {"url_name": "subscriptions:confirm"},
        name="confirm-moved",
    ),
    path(
        "subscriptions/unsubscribe/<str:token>/",
        views.moved_unsubscribe,
        name="unsubscribe-moved",
    ),
    path(
        "subscriptions/subscribe-again/<str:token>/",
        views.moved,
        {"url_name": "subscriptions:resubscribe"},
        name="resubscribe-moved",
    ),
]
