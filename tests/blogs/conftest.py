import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Factories create many users; Argon2 would spend most of the run hashing test passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
