from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("subscriptions/confirm/<str:token>/", views.confirm, name="confirm"),
    path("subscriptions/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("subscriptions/subscribe-again/<str:token>/", views.resubscribe, name="resubscribe"),
]
