"""Making and changing annotations, and moving one to a passage of the latest version."""

from __future__ import annotations

from django import forms

from reader import anchoring
from reader.forms.fields import NamedChoiceField, model_choice
from reader.models import Document, Facet
from reader.services.documents import NOTE_MAX_LENGTH
from reader.vocabularies import Kind, Stance

ERROR_OFFSETS = "The selection could not be placed in the text: {reason}"


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
