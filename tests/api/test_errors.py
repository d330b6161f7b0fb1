"""api/errors.py: what the API answers for errors a view did not turn into a response itself."""

from govserve.accounts.models import Organisation
from govserve.api.errors import exception_handler


def test_a_record_a_view_looked_up_unguarded_is_404_not_500():
    response = exception_handler(Organisation.DoesNotExist("no such organisation"), {})
    assert response is not None
    assert (response.status_code, response.data) == (404, {"detail": "记录不存在"})
