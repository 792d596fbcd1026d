from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from reader import anchoring, fetch, ratelimit, sanitize
from reader.formats import sources
from reader.models import Document, Entity, EntityAlias, Event, Facet, Outlet
from reader.services.documents import NOTE_MAX_LENGTH, title_from_text
from reader.validators import validate_username
from reader.vocabularies import (
    COMPARE_LEVELS,
    ForeignAuthors,
    ImportKind,
    Kind,
    OutletKind,
    Role,
    Stance,
    ValueType,
)

SOURCE_EXTENSIONS = sources.SUFFIXES
# Files whose text comes out of markup or a layout: shown before saving, metadata filled in.
PREVIEWED_KINDS = {"html", "pdf", "docx"}

ERROR_PASTE_OR_FILE = "Paste the text or upload a file: one of them."
ERROR_TEXT_OR_FILE = "Paste the text, upload a file or give an address: one of them."
ERROR_NO_TEXT = f"Paste the source's text or upload a file ({sources.KINDS_TEXT})."
ERROR_OUTLET = "Choose an outlet or type the name of a new one."
ERROR_OFFSETS = "The selection could not be placed in the text: {reason}"
ERROR_NO_FILES = "Choose one or more files."
ERROR_TOO_MANY_FILES = "At most {limit} files at once; choose fewer."
MAX_FILES_AT_ONCE = 200


def model_choice(form: forms.Form, name: str) -> forms.ModelChoiceField:
    """A form's model choice field, to narrow its queryset to the project."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class NamedChoiceField(forms.ModelChoiceField):
    """A choice of rows shown by their names, which users wrote: an <option> cannot hold an
    isolating element, so there the names lose their directional controls."""

    def label_from_instance(self, obj) -> str:
        return sanitize.without_bidi_controls(str(obj))


class DocumentForm(forms.Form):
    title = forms.CharField(
        max_length=500, required=False, help_text="Leave empty to use the text's first line."
    )
    outlet = NamedChoiceField(queryset=Outlet.objects.none(), required=False)
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
        required=False,
        help_text=(
            f"A {sources.KINDS_TEXT} file. A saved web page is reduced to its main text, "
            "and you see it before saving."
        ),
    )
    url = forms.CharField(
        max_length=2000,
        required=False,
        label="…or fetch from an address",
        help_text="An http(s) address of a page, a text or a PDF; you see it before saving.",
    )
    # On the preview of a web page: all of its text, to use instead of the main text.
    page_text = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)

    def __init__(self, *args, project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        model_choice(self, "outlet").queryset = Outlet.objects.filter(project=project)
        if not settings.READER_FETCH_URLS:
            del self.fields["url"]

    def _extract(self, name: str, data: bytes, *, origin: str) -> None:
        """Read the file (or fetched page); a web page also in full, for the fallback."""
        limit = settings.READER_MAX_SOURCE_BYTES
        try:
            extracted = sources.read_source(name, data, limit=limit)
            page_text = ""
            if extracted.kind == "html":
                page_text = sources.read_source(name, data, limit=limit, all_text=True).text
        except sources.SourceRefused as refused:
            self.add_error("url" if origin != name else "file", str(refused))
            return
        self.cleaned_data["extracted"] = extracted
        self.cleaned_data["page_text"] = page_text
        if not self.cleaned_data.get("origin"):
            self.cleaned_data["origin"] = (extracted.url or origin)[:1000]

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        pasted, uploaded, url = data.get("text", ""), data.get("file"), data.get("url", "")
        given = [bool(pasted.strip()), bool(uploaded), bool(url.strip())]
        if sum(given) > 1:
            raise forms.ValidationError(ERROR_TEXT_OR_FILE)
        data["extracted"] = None
        if self.data.get("use_all_text") and data.get("page_text"):
            # The preview's fallback: the page's whole text instead of its main text.
            data["extracted"] = sources.Extracted(text=data["page_text"], kind="html")
        elif uploaded:
            name = sources.base_name(uploaded.name)
            self._extract(name, uploaded.read(), origin=name)
        elif url.strip():
            try:
                fetched = fetch.fetch(url.strip())
            except fetch.FetchRefused as refused:
                self.add_error("url", str(refused))
            else:
                self._extract(f"page{fetched.suffix}", fetched.data, origin=fetched.url)
        elif not pasted.strip() and not self.errors:
            self.add_error("text", ERROR_NO_TEXT)
        extracted = data.get("extracted")
        data["source_text"] = extracted.text if extracted else pasted
        data["preview"] = bool(extracted and (url.strip() or extracted.kind in PREVIEWED_KINDS))
        data["all_text_used"] = bool(self.data.get("use_all_text"))
        no_outlet = not data.get("outlet") and not data.get("new_outlet", "").strip()
        if no_outlet and not data["preview"]:
            self.add_error("outlet", ERROR_OUTLET)
        data["new_outlet_kind"] = data.get("new_outlet_kind") or OutletKind.NEWS
        if not data.get("title", "").strip() and data["source_text"].strip():
            data["title"] = (extracted and extracted.title) or title_from_text(data["source_text"])
        return data

    def preview_initial(self) -> dict:
        """What the form shows after reading a file or page, before saving: the extracted
        text in the text box, and the metadata where the user left a field empty."""
        data, extracted = self.cleaned_data, self.cleaned_data["extracted"]
        initial = {
            "title": data.get("title") or extracted.title,
            "published": data.get("published") or extracted.published,
            "origin": data.get("origin"),
            "language": data.get("language") or "en",
            "text": extracted.text,
            "page_text": data.get("page_text", ""),
            "new_outlet_kind": data.get("new_outlet_kind"),
        }
        outlet = data.get("outlet")
        if outlet is None and not data.get("new_outlet") and extracted.site:
            outlet = Outlet.objects.filter(project=self.project, name=extracted.site).first()
            initial["new_outlet"] = "" if outlet else extracted.site[:200]
        else:
            initial["new_outlet"] = data.get("new_outlet", "")
        initial["outlet"] = outlet.pk if outlet else None
        return initial


class DocumentUploadForm(forms.Form):
    """Many files at once (or a zip of them), all to one outlet; each file is read and
    checked alone by the service."""

    outlet = NamedChoiceField(queryset=Outlet.objects.none(), required=False)
    new_outlet = forms.CharField(
        max_length=200, required=False, label="…or a new outlet", help_text="Its name."
    )
    new_outlet_kind = forms.ChoiceField(
        choices=OutletKind.choices,
        initial=OutletKind.NEWS,
        required=False,
        label="New outlet's kind",
    )
    all_text = forms.BooleanField(
        required=False,
        label="Keep all the text of web pages",
        help_text="Menus, footers and share buttons too; by default only the main text.",
    )

    def __init__(self, *args, project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "outlet").queryset = Outlet.objects.filter(project=project)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        files = self.files.getlist("files") if self.files else []
        if not files:
            raise forms.ValidationError(ERROR_NO_FILES)
        if len(files) > MAX_FILES_AT_ONCE:
            raise forms.ValidationError(ERROR_TOO_MANY_FILES.format(limit=MAX_FILES_AT_ONCE))
        data["files"] = files
        if not data.get("outlet") and not data.get("new_outlet", "").strip():
            self.add_error("outlet", ERROR_OUTLET)
        data["new_outlet_kind"] = data.get("new_outlet_kind") or OutletKind.NEWS
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
    facet = NamedChoiceField(queryset=Facet.objects.none(), required=False)
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

    target = NamedChoiceField(queryset=Entity.objects.none(), required=False)
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


class FacetChoiceField(NamedChoiceField):
    def label_from_instance(self, facet: Facet) -> str:
        return sanitize.without_bidi_controls(f"{facet.event.name} › {facet.name}")


class FacetLinkForm(forms.Form):
    """Link an annotation to a facet, or name a new facet (and event) to create."""

    facet = FacetChoiceField(queryset=Facet.objects.none(), required=False)
    event = NamedChoiceField(
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
        facets = Facet.objects.filter(event__project=project).select_related("event")
        field = model_choice(self, "facet")
        field.queryset = facets
        # Shown grouped by event (one <optgroup> each): two events' "Death toll" apart.
        groups: dict[Event, list[tuple[int, str]]] = {}
        for facet in facets.order_by("event__starts", "event__name", "order", "pk"):
            name = sanitize.without_bidi_controls(facet.name)
            groups.setdefault(facet.event, []).append((facet.pk, name))
        field.choices = [
            ("", "---------"),
            *[(sanitize.without_bidi_controls(e.name), items) for e, items in groups.items()],
        ]
        model_choice(self, "event").queryset = Event.objects.filter(project=project)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        data["new_facet_type"] = data.get("new_facet_type") or ValueType.TEXT
        return data


class ImportForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportKind.choices, widget=forms.RadioSelect)
    document = NamedChoiceField(
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


class ImportConfirmForm(forms.Form):
    """The preview's choice: the work of people who are not members of the project."""

    foreign_authors = forms.ChoiceField(
        choices=ForeignAuthors.choices,
        initial=ForeignAuthors.IMPORTER,
        required=False,
        widget=forms.RadioSelect,
        label="Work by people who are not members of this project",
    )

    # The explicit second choice when some annotations cannot be anchored (the button
    # "Import the N that anchor, skip the M listed"); without it the import is refused whole.
    skip_unanchored = forms.BooleanField(required=False)

    def clean_foreign_authors(self) -> str:
        return self.cleaned_data["foreign_authors"] or ForeignAuthors.IMPORTER


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


class VersionForm(forms.Form):
    """A new capture of a source: pasted, or a file read like any source's."""

    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        label="Paste the new capture",
    )
    file = forms.FileField(
        required=False,
        label="…or upload it",
        help_text=f"A {sources.KINDS_TEXT} file; a saved web page is reduced to its main text.",
    )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        pasted, uploaded = data.get("text", ""), data.get("file")
        if pasted.strip() and uploaded:
            raise forms.ValidationError(ERROR_PASTE_OR_FILE)
        if uploaded:
            name = sources.base_name(uploaded.name)
            try:
                data["source_text"] = sources.read_source(
                    name, uploaded.read(), limit=settings.READER_MAX_SOURCE_BYTES
                ).text
            except sources.SourceRefused as refused:
                self.add_error("file", str(refused))
        else:
            data["source_text"] = pasted
        return data


class AnchorMoveForm(forms.Form):
    """A passage of the latest version for an annotation to review: typed, or selected in
    the text (then `start` is its UTF-16 offset, converted to a code point by `clean`)."""

    passage = forms.CharField(strip=False, max_length=100_000, label="New passage")
    start = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, text: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.text = text

    def clean(self) -> dict:
        super().clean()
        start = self.cleaned_data.get("start")
        if start is not None:
            try:
                self.cleaned_data["start"] = anchoring.Utf16Index(self.text).to_codepoint(start)
            except anchoring.OffsetError as error:
                raise forms.ValidationError(ERROR_OFFSETS.format(reason=error)) from error
        return self.cleaned_data
