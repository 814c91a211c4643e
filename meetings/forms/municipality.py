"""The municipality's settings form. It parses and labels; the service decides and saves."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MunicipalityForm(forms.Form):
    name = forms.CharField(label=_("Kommunens navn"), max_length=200, required=False)
    address = forms.CharField(label=_("Adresse"), max_length=300, required=False)
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG eller JPEG, højst 512 kB. Vises på forsiden af alle PDF'er."),
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Fjern logoet"), required=False)
