"""The municipality's name, address and logo: set by a superuser, printed on every PDF's
front page and shown on the web pages."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from meetings.errors import NotAllowed
from meetings.models import Municipality
from meetings.services._common import Actor

LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_SIDE = 4000
_LOGO_TYPES = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg")}


def _logo_type(upload: UploadedFile) -> tuple[str, str]:
    """(content type, extension) of a PNG or JPEG read from its bytes; ValidationError for
    anything else. An SVG is refused: it can carry scripts and references to other files,
    and a logo needs neither."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"logo": [_("Filen er tom.")]})
    if size > LOGO_MAX_BYTES:
        raise ValidationError(
            {
                "logo": [
                    _("Logoet fylder %(size)s; det må højst fylde %(limit)s.")
                    % {"size": filesizeformat(size), "limit": filesizeformat(LOGO_MAX_BYTES)}
                ]
            }
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    refused = ValidationError(
        {"logo": [_("Logoet skal være en PNG- eller JPEG-fil. SVG og andre typer tages ikke.")]}
    )
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise refused from None
    if kind not in _LOGO_TYPES:
        raise refused
    if max(width, height) > LOGO_MAX_SIDE:
        raise ValidationError(
            {
                "logo": [
                    _("Logoet må højst være %(max)s punkter på den længste led.")
                    % {"max": LOGO_MAX_SIDE}
                ]
            }
        )
    return _LOGO_TYPES[kind]


@transaction.atomic
def municipality_update(
    *,
    actor: Actor,
    name: str,
    address: str,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
) -> Municipality:
    """Set the municipality's name and address, and replace or remove its logo. Only a
    superuser (NotAllowed otherwise); ValidationError({"logo": …}) for a logo that is not a
    PNG or JPEG within the limits, and then nothing is saved. The old logo file is removed
    after commit."""
    if actor is None or not actor.is_superuser:
        raise NotAllowed(_("Kun en administrator kan ændre kommunens oplysninger."))
    Municipality.objects.get_or_create(pk=Municipality.SINGLETON_PK)
    municipality = Municipality.objects.select_for_update().get(pk=Municipality.SINGLETON_PK)
    municipality.name = " ".join(name.split())[:200]
    municipality.address = " ".join(address.split())[:300]
    old = municipality.logo.name if municipality.logo else ""
    storage = municipality.logo.storage
    if logo is not None:
        content_type, extension = _logo_type(logo)
        municipality.logo.save(f"logo.{extension}", logo, save=False)
        municipality.logo_content_type = content_type
    elif remove_logo:
        municipality.logo = ""
        municipality.logo_content_type = ""
    municipality.save()
    if old and old != (municipality.logo.name if municipality.logo else ""):
        transaction.on_commit(lambda: storage.delete(old))
    return municipality
