"""The municipality's name, address and logo: set by a superuser on its page, the logo
checked from its bytes and served by the app, the name on every page's context."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pytest_django.fixtures import Settings

from meetings.errors import NotAllowed
from meetings.models import Municipality
from meetings.services.municipality import municipality_update
from tests.conftest import People

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: object) -> None:
    settings.MEDIA_ROOT = tmp_path


def png() -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", (60, 20), (0, 90, 160)).save(data, format="PNG")
    return SimpleUploadedFile("logo.png", data.getvalue(), content_type="image/png")


class TestMunicipalityUpdate:
    def test_a_superuser_sets_the_name_and_a_png_logo(self, people: People) -> None:
        municipality_update(actor=people.superuser, name=" Høje-Taastrup  Kommune ",
                            address="Bygaden 2", logo=png())  # fmt: skip
        current = Municipality.current()
        assert current.name == "Høje-Taastrup Kommune"
        assert current.logo_content_type == "image/png"

    def test_an_svg_is_refused(self, people: People) -> None:
        svg = SimpleUploadedFile("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>'
                                 b"alert(1)</script></svg>", content_type="image/png")  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            municipality_update(actor=people.superuser, name="X", address="", logo=svg)
        assert "PNG- eller JPEG-fil" in refused.value.message_dict["logo"][0]
        assert not Municipality.objects.exists()

    def test_only_a_superuser_may(self, people: People) -> None:
        with pytest.raises(NotAllowed):
            municipality_update(actor=people.secretary, name="X", address="")


class TestPages:
    def test_the_settings_page_saves_and_the_logo_is_served(self, people: People) -> None:
        client = people.client_for("superuser")
        form = {"name": "Høje-Taastrup Kommune", "address": "", "logo": png()}
        answer = client.post("/municipality/settings/", form)
        assert answer.status_code == 302
        logo = people.client_for("anonymous").get("/municipality/logo/")
        assert logo.status_code == 200
        assert logo["Content-Type"] == "image/png"
        assert logo["X-Content-Type-Options"] == "nosniff"
        assert b"".join(logo.streaming_content).startswith(b"\x89PNG")

    def test_others_are_refused_the_settings_page(self, people: People) -> None:
        assert people.client_for("secretary").get("/municipality/settings/").status_code == 403

    def test_every_page_knows_the_name(self, people: People) -> None:
        Municipality.objects.create(pk=1, name="Høje-Taastrup Kommune")
        page = people.client_for("secretary").get("/")
        assert page.context["municipality_name"] == "Høje-Taastrup Kommune"
