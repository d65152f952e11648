"""The librarian's pages: new partner, new initiative, edit and end, history, merge, proposals.

Forms are plain HTML posted to these views; the fields become the same dicts the API takes and
go through the one validation module (``model.validation``, via ``services.editing``), so an
error names the field it belongs to and is shown next to it, in the user's language, with the
input kept — every error of a submission at once. Whether a submission is saved or proposed
for review is decided by ``services.editing``, not here. ``web/static/forms.js`` adds help
on top (suggestions, new partners without leaving the page, a draft kept when the session
expires); every form also works without it.
"""

from graphsvc.web.forms import history, initiatives, partners, proposals
from graphsvc.web.forms.common import bp

__all__ = ["bp", "history", "initiatives", "partners", "proposals"]
