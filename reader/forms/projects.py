"""Projects and their team: a new project, invitations, roles."""

from __future__ import annotations

from django import forms
from django.utils.text import slugify

from reader.vocabularies import Role


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
