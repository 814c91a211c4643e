import re

import pytest

from tests.conftest import People


@pytest.mark.django_db
class TestApiSchema:
    def test_the_openapi_schema_is_served(self, people: People) -> None:
        response = people.client_for("staff").get("/api/schema/")
        assert response.status_code == 200
        assert b"openapi" in response.content

    def test_the_docs_page_uses_our_own_static_files(self, people: People) -> None:
        page = people.client_for("staff").get("/api/docs/").content.decode()
        assert "swagger" in page.lower()
        # Every script and stylesheet comes from our own /static/, never from another host.
        assert not re.search(r'(?:src|href)="(?:https?:)?//', page)
        assert "/static/drf_spectacular_sidecar/" in page

    def test_the_api_refuses_anonymous_users(self, client) -> None:
        assert client.get("/api/schema/").status_code in {401, 403}
