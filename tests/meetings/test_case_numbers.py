"""Case numbers as the municipalities' systems write them, and a case page for each."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import override_settings

from meetings.validators import normalise_case_number
from referat.settings.env import env_patterns
from tests.conftest import People
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory

FORMS = ["17/22360", "EMN-2025-003383", "2012-28504", "00.30.10-Ø00-4-16", "123456"]


class TestNormalise:
    @pytest.mark.parametrize("number", FORMS)
    def test_each_form_of_the_defaults_is_kept_as_printed(self, number: str) -> None:
        assert normalise_case_number(number) == number

    def test_a_yy_serial_number_loses_its_leading_zeros_and_takes_a_dash(self) -> None:
        assert normalise_case_number("17/022360") == "17/22360"
        assert normalise_case_number("17-22360") == "17/22360"

    def test_zeros_of_other_forms_are_part_of_the_number(self) -> None:
        assert normalise_case_number(" emn-2025-003383 ") == "EMN-2025-003383"

    @pytest.mark.parametrize("raw", ["abc", "17/0", "2012-28504-1", "1234567", "Dok.nr. 12"])
    def test_other_text_is_refused_in_danish(self, raw: str) -> None:
        with pytest.raises(ValidationError) as info:
            normalise_case_number(raw)
        assert "Sagsnummeret" in info.value.messages[0]

    def test_a_municipality_with_one_form_refuses_the_others(self) -> None:
        with override_settings(REFERAT_CASE_NUMBER_PATTERNS=[r"\d{2}/\d{1,6}"]):
            assert normalise_case_number("17/22360") == "17/22360"
            with pytest.raises(ValidationError):
                normalise_case_number("2012-28504")

    def test_a_pattern_of_its_own_is_configured_from_the_environment(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("CASE_FORMS", r"SAG-\d{1,5}; \d{4}/\d{1,6}")
        patterns = env_patterns("CASE_FORMS", [])
        assert patterns == [r"SAG-\d{1,5}", r"\d{4}/\d{1,6}"]
        with override_settings(REFERAT_CASE_NUMBER_PATTERNS=patterns):
            assert normalise_case_number("sag-42") == "SAG-42"
            assert normalise_case_number("2012/123") == "2012/123"

    def test_a_broken_pattern_stops_the_start(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("CASE_FORMS", r"\d{2}/(\d")
        with pytest.raises(ImproperlyConfigured):
            env_patterns("CASE_FORMS", [])


@pytest.mark.django_db
class TestCasePage:
    @pytest.mark.parametrize("number", FORMS)
    def test_the_case_page_of_each_form_shows_its_items(self, people: People, number: str) -> None:
        case = CaseFactory(number=number, title="")
        AgendaItemFactory(
            meeting=MeetingFactory(body=people.body), title="Bygningsvedligeholdelse", case=case
        )
        response = people.client_for("staff").get(case.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert number in html
        assert "Bygningsvedligeholdelse" in html

    def test_a_pattern_with_a_slash_has_a_case_page(self, people: People) -> None:
        with override_settings(REFERAT_CASE_NUMBER_PATTERNS=[r"\d{4}/\d{1,6}"]):
            case = CaseFactory(number="2012/123", title="")
            AgendaItemFactory(meeting=MeetingFactory(body=people.body), title="Tilsyn", case=case)
            response = people.client_for("staff").get(case.get_absolute_url())
        assert response.status_code == 200
        assert "Tilsyn" in response.content.decode()

    def test_the_old_links_of_yy_serial_cases_still_work(self, people: People) -> None:
        case = CaseFactory(number="17/7870", title="")
        AgendaItemFactory(meeting=MeetingFactory(body=people.body), title="Omsorg", case=case)
        assert case.get_absolute_url() == "/cases/17-7870/"
        assert people.client_for("staff").get("/cases/17/7870/").status_code == 200
