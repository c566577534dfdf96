"""The comment form: every check that needs only the submitted data (the submission token and
the captcha are checked by the middleware, the rate limit by the view, the verdict by the
moderator)."""

from django import forms
from django.core import signing
from django.core.validators import URLValidator
from django.utils.functional import cached_property

from comments import text, tokens
from comments.models import Comment, form_key, on

MAX_BODY = 10_000
REPLACEMENT = "\ufffd"  # what undecodable bytes became


class HttpURLField(forms.URLField):
    """Only http and https: no ``javascript:``, ``data:`` or ``ftp:`` links under a name."""

    default_validators = [URLValidator(schemes=["http", "https"])]

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


def _valid_text(value):
    if REPLACEMENT in value:
        raise forms.ValidationError("This text is not valid UTF-8.", code="encoding")
    return value


def _max_length(field):
    return Comment._meta.get_field(field).max_length


class BodyMixin:
    def clean_body(self):
        body = _valid_text(self.cleaned_data["body"])
        if not text.has_visible(body):
            raise forms.ValidationError("Please write a comment.", code="required")
        return body


class CommentForm(BodyMixin, forms.Form):
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    # lengths are the model's, so a valid-looking value that does not fit gets a field error
    # rather than a database error (PostgreSQL refuses what SQLite would store)
    name = forms.CharField(
        max_length=_max_length("name"), error_messages={"required": "Please give your name."}
    )
    email = forms.EmailField(
        max_length=_max_length("email"),
        help_text="Never shown publicly.",
        error_messages={"required": "Please give your email address: it is never shown."},
    )
    url = HttpURLField(required=False, max_length=_max_length("url"), label="Website")
    body = forms.CharField(
        max_length=MAX_BODY,
        strip=False,  # leading indentation is Markdown (a code block); blank is refused below
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Comment",
        error_messages={"required": "Please write a comment."},
        help_text="Markdown: *emphasis*, **strong**, [link](https://example.com), `code`.",
    )
    notify = forms.BooleanField(
        required=False,
        label="Email me replies",
        help_text="The first time, we email you a link to confirm your address.",
    )
    remember = forms.BooleanField(required=False, label="Remember my name, email and website")
    # bots fill every field; people never see this one
    homepage = forms.CharField(required=False, label="Leave this empty")
    timestamp = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, post, user=None, gate_error=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.post = post
        self.user = user if user is not None and user.is_authenticated else None
        self.gate_error = gate_error  # the middleware's: the submission token or the captcha
        if self.user is not None:
            self.fields["name"].required = self.fields["email"].required = False

    @cached_property
    def fresh_stamp(self):
        """A form sent back with errors gets a fresh stamp, so the visitor can send it again
        (made only then: the post page's form has none, comments.js fetches it)."""
        return tokens.form_stamp(form_key(self.post))

    def clean_name(self):
        name = text.strip_invisible(" ".join(_valid_text(self.cleaned_data["name"]).split()))
        if not text.has_visible(name):
            if self.user is None:
                raise forms.ValidationError("Please give your name.", code="required")
            name = (self.user.get_full_name() or self.user.get_username())[: _max_length("name")]
        return name

    def clean_email(self):
        email = self.cleaned_data["email"]
        if not email and self.user is not None:
            email = self.user.email
        return email

    def clean_homepage(self):
        if self.cleaned_data["homepage"]:
            raise forms.ValidationError("This field must be left empty.", code="honeypot")
        return ""

    def clean_timestamp(self):
        try:
            tokens.check_form_stamp(self.cleaned_data["timestamp"], form_key(self.post))
        except tokens.TooFast:
            raise forms.ValidationError(
                "That was very quick. Please check your comment and send it again.", code="too_fast"
            ) from None
        except (signing.BadSignature, ValueError, KeyError, TypeError):
            raise forms.ValidationError(
                "This form has expired. Please send your comment again.", code="expired"
            ) from None
        return ""

    def clean_parent(self):
        """A reply's parent must be an approved comment of the same post (or page)."""
        parent_id = self.cleaned_data["parent"]
        if parent_id is None:
            return None
        parent = Comment.objects.filter(
            pk=parent_id, **on(self.post), status=Comment.Status.APPROVED
        ).first()
        if parent is None:
            raise forms.ValidationError(
                "The comment you are replying to is not available.", code="bad_parent"
            )
        return parent

    def clean(self):
        data = super().clean()
        if self.gate_error:
            self.add_error(None, forms.ValidationError(self.gate_error, code="gate"))
        data["post"] = self.post
        data["user"] = self.user
        return data


class EditForm(BodyMixin, forms.Form):
    body = forms.CharField(
        max_length=MAX_BODY,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        label="Comment",
    )


class PreviewForm(BodyMixin, forms.Form):
    """Only the text, for the preview: the other fields are checked when the comment is sent."""

    body = forms.CharField(max_length=MAX_BODY, strip=False)
