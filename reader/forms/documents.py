"""Adding sources (pasted, uploaded, fetched, many at once) and new captures of them."""

from __future__ import annotations

from django import forms
from django.conf import settings

from reader import fetch
from reader.formats import sources
from reader.forms.fields import NamedChoiceField, model_choice
from reader.models import Outlet
from reader.services.documents import title_from_text
from reader.vocabularies import OutletKind

SOURCE_EXTENSIONS = sources.SUFFIXES
# Files whose text comes out of markup or a layout: shown before saving, metadata filled in.
PREVIEWED_KINDS = {"html", "pdf", "docx"}

ERROR_PASTE_OR_FILE = "Paste the text or upload a file: one of them."
ERROR_TEXT_OR_FILE = "Paste the text, upload a file or give an address: one of them."
ERROR_NO_TEXT = f"Paste the source's text or upload a file ({sources.KINDS_TEXT})."
ERROR_OUTLET = "Choose an outlet or type the name of a new one."
ERROR_NO_FILES = "Choose one or more files."
ERROR_TOO_MANY_FILES = "At most {limit} files at once; choose fewer."
MAX_FILES_AT_ONCE = 200


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
