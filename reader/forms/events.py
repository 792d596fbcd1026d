"""Events, their facets, and links from annotations to facets."""

from __future__ import annotations

from django import forms

from reader import sanitize
from reader.forms.fields import NamedChoiceField, model_choice
from reader.models import Event, Facet
from reader.vocabularies import COMPARE_LEVELS, Stance, ValueType


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
