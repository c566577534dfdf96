"""The post form of the admin: the Publish box and the labels field.

The model keeps ``status`` and ``published_at``; the writer picks one of three choices
(Draft, Publish now, Schedule for ...) and ``publishing()`` turns that into the two fields.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import Truncator

from posts.editor import EditorWidget, LabelWidget
from posts.models import Label, Post

DRAFT, NOW, SCHEDULE = "draft", "now", "schedule"
SCHEDULE_IN_THE_PAST = "This time has passed: pick a later one, or choose “Publish now”."
SCHEDULE_WITHOUT_TIME = "Give the date and time at which the post should appear."


def publishing(choice, when, post, now=None):
    """``(status, published_at)`` for the Publish box's ``choice`` on ``post``.

    Draft keeps the post's time (a post taken back keeps its URL); Publish now keeps the time
    of a post already public and is "now" for any other; Schedule takes ``when``, which must
    be in the future. Raises ValidationError for a schedule with no time or a past one."""
    now = now or timezone.now()
    if choice == DRAFT:
        return Post.Status.DRAFT, post.published_at
    if choice == NOW:
        return Post.Status.PUBLISHED, post.published_at if post.is_public else now
    if when is None:
        raise ValidationError(SCHEDULE_WITHOUT_TIME, code="required")
    if when <= now:
        raise ValidationError(SCHEDULE_IN_THE_PAST, code="past")
    return Post.Status.PUBLISHED, when


def publish_choice(post):
    """The Publish box's choice that describes ``post`` as it is."""
    if post.pk is None or post.status == Post.Status.DRAFT:
        return DRAFT
    return SCHEDULE if post.is_scheduled else NOW


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's own date and time picker; the value is in the blog's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class PostForm(forms.ModelForm):
    publish = forms.ChoiceField(
        label="Status",
        widget=forms.RadioSelect(attrs={"class": "publish-choices"}),
        initial=DRAFT,
    )
    publish_at = forms.DateTimeField(
        label="Schedule for",
        required=False,
        widget=LocalDateTimeInput(),
    )

    class Meta:
        model = Post
        fields = (
            "title",
            "slug",
            "body",
            "tags",
            "allow_comments",
            "author",
            "summary",
            "body_format",
        )
        widgets = {"body": EditorWidget(), "tags": LabelWidget()}
        labels = {"tags": "Labels"}
        help_texts = {
            "tags": "Start typing to pick an existing label; commas separate labels.",
            "body": "",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        post = self.instance
        public = post.pk is not None and post.is_public
        self.fields["publish"].choices = [
            (DRAFT, "Draft: only staff can see it"),
            (NOW, f"Published on {_local(post.published_at)}" if public else "Publish now"),
            (SCHEDULE, "Schedule for a later time"),
        ]
        zone = time_zone()
        now = timezone.localtime().strftime("%H:%M")
        self.fields[
            "publish"
        ].help_text = f"Times are in the blog's time zone, {zone}, where it is now {now}."
        self.fields["publish_at"].help_text = f"Date and time in {zone}."
        if not self.is_bound:
            self.initial["publish"] = publish_choice(post)
            if post.is_scheduled:
                self.initial["publish_at"] = timezone.localtime(post.published_at)

    def clean_tags(self):
        """Labels the tag table can hold, and no input silently read as no labels."""
        labels = self.cleaned_data["tags"]
        limit = Label._meta.get_field("name").max_length
        for label in labels:
            if len(label) > limit:
                raise ValidationError(
                    f"A label can have at most {limit} characters; "
                    f"“{Truncator(label).chars(40)}” has {len(label)}."
                )
        if not labels and (self["tags"].value() or "").strip():
            raise ValidationError(
                "Commas separate labels. For a label with a comma in it, put it in double "
                'quotes: ",".'
            )
        return labels

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("publish")
        if choice is None or "publish_at" in self.errors:
            return cleaned
        try:
            status, published_at = publishing(choice, cleaned.get("publish_at"), self.instance)
        except ValidationError as error:
            self.add_error("publish_at", error)
            return cleaned
        self.instance.status, self.instance.published_at = status, published_at
        return cleaned


def time_zone():
    return settings.TIME_ZONE


def _local(moment):
    return timezone.localtime(moment).strftime("%-d %B %Y, %H:%M")
