from django.urls import path

from . import views

app_name = "privacy"

# The link carries its token in the query string (signed_links). The fixed paths come before
# the old links' <token> (mailed before tokens left the path): a signed token always holds a
# ":", so it can never be mistaken for one of them.
urlpatterns = [
    path("privacy/", views.policy, name="policy"),
    path("privacy/my-data/", views.data_request, name="request"),
    path("privacy/my-data/comments/", views.my_data, name="mine"),
    path("privacy/my-data/export/", views.export, name="export"),
    path("privacy/my-data/erase/", views.erase, name="erase"),
    path("privacy/my-data/done/", views.done, name="done"),
    path("privacy/my-data/link/", views.data_link, name="link"),
    path("privacy/my-data/<str:token>/", views.data_link_moved, name="link-moved"),
]
