"""Forms, one module per area (documents, annotations, events, entities, imports, projects,
accounts; fields has what several share). Import what you need from its module."""
