"""Property-based fuzzing of API v1 from its own OpenAPI document: it never answers 500.

Schemathesis sends valid and invalid requests to every operation through the Django WSGI
app in this process, as a staff owner of a live blog whose slug fills every ``{slug}``.
Each example acts on a fresh entry whose status comes from the generated ``entry_id``, so
the workflow routes meet entries they can act on as well as ones they must refuse.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from bulletin.accounts.models import User
from bulletin.blogs.models import LiveBlog
from tests.factories import Factory

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

STATUSES = ["published", "draft", "submitted"]


class Newsroom:
    """The blog every generated request names, and the bearer token of its owner."""

    def __init__(self) -> None:
        self.make = Factory()
        self.owner: User = self.make.staff()
        self.blog: LiveBlog = self.make.blog(self.owner)
        self.token = self.make.token(self.owner)

    def entry_for(self, generated: Any) -> Any:
        """A fresh entry whose status the generated id picks; other values are sent as they are.

        Ids of 2**31 and above are kept too, to reach the handling of huge ids.
        """
        text = str(generated)
        if isinstance(generated, bool) or not text.isdigit() or not 0 < int(text) < 2**31:
            return generated
        return self.make.entry(self.blog, status=STATUSES[int(text) % len(STATUSES)]).pk


@pytest.fixture
def newsroom(transactional_db: None, settings: Any) -> Newsroom:
    # The WSGI app commits for real (it is not Django's test client, which would keep the
    # test's transaction open across requests), so these tests need a transactional database.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return Newsroom()


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    # No example database in the working tree: every run explores afresh.
    database=None,
)
def test_no_generated_request_gets_a_server_error(case, newsroom):
    if "slug" in case.path_parameters:
        case.path_parameters["slug"] = newsroom.blog.slug
    if "entry_id" in case.path_parameters:
        case.path_parameters["entry_id"] = newsroom.entry_for(case.path_parameters["entry_id"])
    headers = {"Authorization": f"Bearer {newsroom.token}", "If-Match": '"1"'}

    case.call_and_validate(
        headers=headers, checks=[not_a_server_error, response_schema_conformance]
    )
