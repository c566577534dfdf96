from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("post/", views.post_comment, name="post"),
    path("reply/<int:post_id>/", views.reply, name="reply"),
    path("start/<int:post_id>/", views.start, name="start"),
    path("reply/page/<int:post_id>/", views.reply, {"kind": "page"}, name="page-reply"),
    path("start/page/<int:post_id>/", views.start, {"kind": "page"}, name="page-start"),
    path("<int:pk>/", views.permalink, name="permalink"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
