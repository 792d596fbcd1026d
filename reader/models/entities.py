"""Who or what values name: entities and their aliases."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from reader.models.projects import Project
from reader.vocabularies import EntityKind


class Entity(models.Model):
    """Who or what values name across a project's sources (an actor, a place, an
    organisation...): a canonical name, the aliases every written form is known by, and the
    entity it is part of (Syrian Air Force is part of Syria)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="entities")
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=EntityKind.choices, default=EntityKind.OTHER)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    # ISO 3166-1 alpha-3 when the entity is a country of the shipped country table.
    country = models.CharField(max_length=3, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="entity_unique_name"),
            models.CheckConstraint(
                condition=Q(kind__in=EntityKind.values), name="entity_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="entity_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class EntityAlias(models.Model):
    """One written form of an entity, by its comparison key (entities.name_key): every
    link's value and attribution resolve through these, so a key names one entity only."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=300)
    key = models.CharField(max_length=300)

    class Meta:
        ordering = ["key"]
        verbose_name_plural = "entity aliases"
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="alias_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.entity})"
