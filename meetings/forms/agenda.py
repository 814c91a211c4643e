"""Forms of the agenda's routine. They parse and label; the services decide and save."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Body


class StandardItemsForm(forms.Form):
    """The body's standard items, one title a line, in the order a new agenda takes them."""

    standard_items = forms.CharField(
        label=_("Standardpunkter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
        help_text=_(
            "Ét punkt pr. linje, i den rækkefølge de skal stå på en ny dagsorden, f.eks. "
            "“Godkendelse af dagsorden”, “Meddelelser” og “Eventuelt”. Tomt: ingen standardpunkter."
        ),
    )

    attachment_placement = forms.ChoiceField(
        label=_("Bilag i dagsordenspakken"),
        choices=Body.AttachmentPlacement.choices,
        required=False,
        initial=Body.AttachmentPlacement.AFTER_ITEM,
        widget=forms.RadioSelect,
        help_text=_(
            "Hvor bilagenes sider står i dagsordenen med bilag (PDF): lige efter det punkt, "
            "de hører til, eller samlet efter sidste punkt."
        ),
    )

    def titles(self) -> list[str]:
        return self.cleaned_data["standard_items"].splitlines()
