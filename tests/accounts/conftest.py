import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Factories create many users; Argon2 would spend most of the run hashing test passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Cases that describe images upload one first: into this test's own folder.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def blog(make):
    return make.blog()


@pytest.fixture
def owner(make, blog):
    """The blog's owner (its one member)."""
    return make.owner_of(blog)
