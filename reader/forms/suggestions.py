"""Forms for suggestions (issue 13): edit a suggestion before
accepting it, and choose what "accept all" accepts."""

from __future__ import annotations

from django import forms

from reader.vocabularies import KINDS, Stance

ERROR_SPAN = "The span must start before it ends, inside the text ({length} characters)."


class SuggestionEditForm(forms.Form):
    """What the analyst may change before accepting: value, kind, stance, attribution and
    the span (code points of the text, half-open)."""

    value = forms.CharField(max_length=500, help_text="As the source states it.")
    kind = forms.ChoiceField(choices=[(k.value, k.label) for k in KINDS.values()])
    stance = forms.ChoiceField(choices=Stance.choices)
    attribution = forms.CharField(
        max_length=300, required=False, help_text="Who the source attributes it to."
    )
    start = forms.IntegerField(min_value=0, label="Starts at")
    end = forms.IntegerField(min_value=1, label="Ends at")

    def __init__(self, *args, text_length: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.text_length = text_length

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and not start < end <= self.text_length:
            raise forms.ValidationError(ERROR_SPAN.format(length=self.text_length))
        return data


class AcceptAllForm(forms.Form):
    """Which suggestions "accept all" takes: a facet's in a source (a matrix cell), or
    all of a source's (no facet)."""

    document = forms.IntegerField(min_value=1)
    facet = forms.IntegerField(min_value=1, required=False)
