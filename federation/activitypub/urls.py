from django.urls import path

from . import views

app_name = "activitypub"

urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path(".well-known/nodeinfo", views.nodeinfo_links, name="nodeinfo-links"),
    path("nodeinfo/2.1", views.nodeinfo, name="nodeinfo"),
    path("ap/actor", views.actor, name="actor"),
    path("ap/inbox", views.inbox, name="inbox"),
    path("ap/outbox", views.outbox, name="outbox"),
    path("ap/followers", views.followers, name="followers"),
]
