"""Curating entities: merge, rename and re-parent, aliases, split."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from reader.forms.fields import NamedChoiceField, model_choice
from reader.models import Entity, EntityAlias

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

    def __init__(self, *args, entity: Entity, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.entity = entity


class EntitySplitForm(forms.Form):
    aliases = forms.ModelMultipleChoiceField(queryset=EntityAlias.objects.none())
    name = forms.CharField(max_length=300, required=False, label="New entity's name")

    def __init__(self, *args, entity: Entity, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["aliases"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = EntityAlias.objects.filter(entity=entity)
