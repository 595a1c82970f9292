"""The moderation area's one public page: the appeal form behind the mailed link."""

from django.urls import path

from . import appeal_views

app_name = "appeals"

urlpatterns = [
    # The token (signed_links.APPEAL) is in the query string or the form, never in the path.
    path("comments/appeal/", appeal_views.appeal, name="appeal"),
]
