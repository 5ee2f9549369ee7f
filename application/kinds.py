"""The artefact kinds as the entry points read them: their home is ``models/kinds.py``, which
the entry points may not import (it names tables); the web forms and pages read them here."""

from __future__ import annotations

from models.inputs import MULTI_LINE
from models.kinds import KINDS, ArtefactKind, kind_of

__all__ = ["KINDS", "MULTI_LINE", "ArtefactKind", "kind_of"]
