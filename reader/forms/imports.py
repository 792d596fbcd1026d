"""Importing annotations or a bundle: the upload and the preview's choices."""

from __future__ import annotations

from django import forms

from reader.forms.fields import NamedChoiceField, model_choice
from reader.models import Document
from reader.vocabularies import ForeignAuthors, ImportKind


class ImportForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportKind.choices, widget=forms.RadioSelect)
    document = NamedChoiceField(
        queryset=Document.objects.none(),
        required=False,
        help_text="For W3C annotations: the document they annotate. Left empty, the one their "
        "target names (its address here, or the URL it came from).",
    )
    file = forms.FileField(help_text="A .json or .jsonld file, up to 20 MB.")

    def __init__(self, *args, project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "document").queryset = Document.objects.filter(project=project).defer(
            "text"
        )


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
