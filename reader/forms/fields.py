"""What several forms share: narrowing a choice to the project, names without bidi controls."""

from __future__ import annotations

from django import forms

from reader import sanitize


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
