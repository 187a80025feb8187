from tests.web.conftest import family, practitioner, signed_in, with_reason  # noqa: F401
