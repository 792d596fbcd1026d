from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from reader import anchoring, ratelimit, sanitize
from reader.models import Document, Entity, EntityAlias, Event, Facet, Outlet
from reader.services.documents import NOTE_MAX_LENGTH, title_from_text
from reader.validators import validate_username
from reader.vocabularies import (
    COMPARE_LEVELS,
    ImportKind,
    Kind,
    OutletKind,
    Role,
    Stance,
    ValueType,
)

SOURCE_EXTENSIONS = {".txt", ".md", ".html", ".htm"}

ERROR_TEXT_OR_FILE = "Paste the text or upload a file, not both."
ERROR_NO_TEXT = "Paste the source's text or upload a .txt, .md or .html file."
ERROR_FILE_TYPE = "Upload a .txt, .md or .html file; “{name}” is none of these."
ERROR_FILE_TOO_BIG = "The file is {size:,} bytes; the limit is {limit:,} bytes."
ERROR_FILE_ENCODING = "The file is not UTF-8 text. Save it as UTF-8 and upload it again."
ERROR_OUTLET = "Choose an outlet or type the name of a new one."
ERROR_OFFSETS = "The selection could not be placed in the text: {reason}"


def model_choice(form: forms.Form, name: str) -> forms.ModelChoiceField:
    """A form's model choice field, to narrow its queryset to the project."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class DocumentForm(forms.Form):
    title = forms.CharField(
        max_length=500, required=False, help_text="Leave empty to use the text's first line."
    )
    outlet = forms.ModelChoiceField(queryset=Outlet.objects.none(), required=False)
    new_outlet = forms.CharField(
        max_length=200, required=False, label="…or a new outlet", help_text="Its name."
    )
    new_outlet_kind = forms.ChoiceField(
        choices=OutletKind.choices,
        initial=OutletKind.NEWS,
        required=False,
        label="New outlet's kind",
    )
    published = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Published on"
    )
    origin = forms.CharField(
        max_length=1000, required=False, help_text="The URL or file name it came from."
    )
    language = forms.CharField(max_length=35, initial="en")
    text = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 14}))
    file = forms.FileField(
        required=False, help_text="A .txt, .md or .html file (HTML is reduced to its text)."
    )

    def __init__(self, *args, project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "outlet").queryset = Outlet.objects.filter(project=project)

    def clean_file(self) -> str | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        extension = Path(upload.name).suffix.lower()
        if extension not in SOURCE_EXTENSIONS:
            raise forms.ValidationError(ERROR_FILE_TYPE.format(name=upload.name))
        limit = settings.READER_MAX_SOURCE_BYTES
        if upload.size > limit:
            raise forms.ValidationError(ERROR_FILE_TOO_BIG.format(size=upload.size, limit=limit))
        try:
            content = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(ERROR_FILE_ENCODING) from error
        if extension in {".html", ".htm"}:
            content = sanitize.html_to_text(content)
        if not self.cleaned_data.get("origin"):
            self.cleaned_data["origin"] = upload.name
        return content

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        pasted, uploaded = data.get("text", ""), data.get("file")
        if pasted.strip() and uploaded:
            raise forms.ValidationError(ERROR_TEXT_OR_FILE)
        if not pasted.strip() and not uploaded and "file" not in self.errors:
            self.add_error("text", ERROR_NO_TEXT)
        data["source_text"] = uploaded or pasted
        if not data.get("outlet") and not data.get("new_outlet", "").strip():
            self.add_error("outlet", ERROR_OUTLET)
        data["new_outlet_kind"] = data.get("new_outlet_kind") or OutletKind.NEWS
        if not data.get("title", "").strip() and data["source_text"].strip():
            data["title"] = title_from_text(data["source_text"])
        return data


class AnnotationCreateForm(forms.Form):
    """What the selection toolbar sends: UTF-16 offsets (what the DOM counts) and the quote
    the browser saw. `clean` converts the offsets to code points of the stored text."""

    kind = forms.ChoiceField(choices=Kind.choices)
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=0)
    quote = forms.CharField(strip=False)
    note = forms.CharField(required=False, max_length=NOTE_MAX_LENGTH, strip=False)
    # Optionally, link the new annotation to a facet in the same step.
    facet = forms.ModelChoiceField(queryset=Facet.objects.none(), required=False)
    value = forms.CharField(max_length=500, required=False)
    attribution = forms.CharField(max_length=300, required=False)
    stance = forms.ChoiceField(choices=Stance.choices, initial=Stance.ASSERTS, required=False)

    def __init__(self, *args, document: Document, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.document = document
        model_choice(self, "facet").queryset = Facet.objects.filter(
            event__project=document.project_id
        ).select_related("event")

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if "start" in data and "end" in data:
            index = anchoring.Utf16Index(self.document.text)
            try:
                data["start"] = index.to_codepoint(data["start"])
                data["end"] = index.to_codepoint(data["end"])
                anchoring.check_span(index.length, data["start"], data["end"])
            except anchoring.OffsetError as error:
                raise forms.ValidationError(ERROR_OFFSETS.format(reason=error)) from error
        return data


class AnnotationUpdateForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class EventForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    starts = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for a single day.",
    )
    place = forms.CharField(max_length=200, required=False)


class FacetForm(forms.Form):
    name = forms.CharField(max_length=200)
    value_type = forms.ChoiceField(choices=ValueType.choices, initial=ValueType.TEXT)


class CompareLevelForm(forms.Form):
    compare_level = forms.TypedChoiceField(
        choices=COMPARE_LEVELS, coerce=int, empty_value=None, required=False, label="Compare"
    )


SUPERSEDED_CHOICES = {"earlier": True, "current": False, "auto": None}


class SupersededForm(forms.Form):
    state = forms.ChoiceField(
        choices=[("earlier", "Earlier value"), ("current", "Current value"), ("auto", "Automatic")]
    )

    def clean(self) -> dict:
        super().clean()
        if "state" in self.cleaned_data:
            self.cleaned_data["superseded"] = SUPERSEDED_CHOICES[self.cleaned_data["state"]]
        return self.cleaned_data


ERROR_NO_SUCH_ENTITY = "No entity is called “{name}” in this project."
ERROR_MERGE_TARGET = "Choose the entity to merge into."


def _entity_named(project_id: int, name: str) -> Entity:
    entity = Entity.objects.filter(project_id=project_id, name=" ".join(name.split())).first()
    if entity is None:
        raise ValidationError(ERROR_NO_SUCH_ENTITY.format(name=name))
    return entity


class EntityMergeForm(forms.Form):
    """The entity to merge into: by id (the matrix's one-click merge) or by name."""

    target = forms.ModelChoiceField(queryset=Entity.objects.none(), required=False)
    target_name = forms.CharField(max_length=300, required=False, label="Merge into")

    def __init__(self, *args, entity: Entity, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.entity = entity
        model_choice(self, "target").queryset = Entity.objects.filter(
            project_id=entity.project_id
        ).exclude(pk=entity.pk)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if not data.get("target") and data.get("target_name"):
            data["target"] = _entity_named(self.entity.project_id, data["target_name"])
        if not data.get("target") and not self.errors:
            raise ValidationError(ERROR_MERGE_TARGET)
        return data


class EntityUpdateForm(forms.Form):
    name = forms.CharField(max_length=300)
    parent_name = forms.CharField(
        max_length=300, required=False, label="Part of", help_text="Empty: top-level."
    )

    def __init__(self, *args, entity: Entity, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.entity = entity

    def clean_parent_name(self) -> Entity | None:
        name = self.cleaned_data["parent_name"].strip()
        return _entity_named(self.entity.project_id, name) if name else None


class EntityAliasForm(forms.Form):
    name = forms.CharField(max_length=300, label="Alias")


class EntitySplitForm(forms.Form):
    aliases = forms.ModelMultipleChoiceField(queryset=EntityAlias.objects.none())
    name = forms.CharField(max_length=300, required=False, label="New entity's name")

    def __init__(self, *args, entity: Entity, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["aliases"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = EntityAlias.objects.filter(entity=entity)


class FacetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, facet: Facet) -> str:
        return f"{facet.event.name} › {facet.name}"


class FacetLinkForm(forms.Form):
    """Link an annotation to a facet, or name a new facet (and event) to create."""

    facet = FacetChoiceField(queryset=Facet.objects.none(), required=False)
    event = forms.ModelChoiceField(
        queryset=Event.objects.none(), required=False, label="New facet's event"
    )
    new_event = forms.CharField(max_length=200, required=False, label="…or a new event")
    new_facet = forms.CharField(max_length=200, required=False, label="New facet")
    new_facet_type = forms.ChoiceField(
        choices=ValueType.choices,
        initial=ValueType.TEXT,
        required=False,
        label="New facet's value type",
    )
    value = forms.CharField(
        max_length=500, required=False, help_text="As the source states it, e.g. “at least 36”."
    )
    attribution = forms.CharField(
        max_length=300, required=False, help_text="Who the source attributes it to."
    )
    stance = forms.ChoiceField(choices=Stance.choices, initial=Stance.ASSERTS)
    claimed_at = forms.DateTimeField(
        required=False,
        label="Claimed at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="For live pages: when the claim was made.",
    )

    def __init__(self, *args, project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "facet").queryset = Facet.objects.filter(
            event__project=project
        ).select_related("event")
        model_choice(self, "event").queryset = Event.objects.filter(project=project)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        data["new_facet_type"] = data.get("new_facet_type") or ValueType.TEXT
        return data


class ImportForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportKind.choices, widget=forms.RadioSelect)
    document = forms.ModelChoiceField(
        queryset=Document.objects.none(),
        required=False,
        help_text="For W3C annotations: the document they annotate.",
    )
    file = forms.FileField(help_text="A .json or .jsonld file, up to 20 MB.")

    def __init__(self, *args, project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "document").queryset = Document.objects.filter(project=project).defer(
            "text"
        )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") == ImportKind.W3C and not data.get("document"):
            self.add_error("document", "Choose the document the annotations are on.")
        return data


class ProjectForm(forms.Form):
    name = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=80, required=False, help_text="For its address; left empty, made from the name."
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("name") and not data.get("slug"):
            data["slug"] = slugify(data["name"])[:80]
            if not data["slug"]:
                self.add_error("slug", "Give a slug: letters a–z, digits and hyphens.")
        return data


class InvitationForm(forms.Form):
    invitee = forms.CharField(max_length=254, label="Username or email")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ANNOTATOR)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        required=False, help_text="Lets you accept invitations sent to this address."
    )

    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]  # django-stubs#1099
        fields = ["username", "email"]

    def clean_username(self) -> str:
        # Django's own check records "already exists" and returns None: nothing to add then.
        username = super().clean_username()
        if username is not None:
            validate_username(username)
        return username or ""


class SignInForm(AuthenticationForm):
    """Django's sign-in form, limited: each attempt takes a slot for the account and the
    address before the password is checked; a refused one never reaches the password."""

    refused: ratelimit.Refused | None = None

    def clean(self) -> dict:
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            return super().clean()  # a field is missing: no password is tried
        assert self.request is not None, "the sign-in views always pass the request"
        try:
            attempt = ratelimit.attempt(
                username=username, address=ratelimit.client_address(self.request)
            )
        except ratelimit.Refused as refused:
            self.refused = refused
            raise ValidationError(str(refused), code="rate_limited") from refused
        cleaned = super().clean()  # a wrong password raises: its slots stay taken
        attempt.succeeded()
        return cleaned


class AdminSignInForm(SignInForm, AdminAuthenticationForm):
    """The admin's sign-in form under the same limits: `admin.site.login_form`."""
