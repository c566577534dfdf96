"""Moderation's public URLs (the queue lives in the admin: ``views.urls``)."""

from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("digest/unsubscribe/<str:token>/", views.digest_unsubscribe, name="digest_unsubscribe"),
]
