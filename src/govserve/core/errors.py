"""The one refusal every app raises (拒绝办理): a field, a message, an HTTP status."""


class Refused(Exception):
    """A refused action: `field` names what is wrong, `message` says it in words (translated),
    `status` is the HTTP answer (400 bad input, 403 not allowed, 404, 409 state, 503 service).

    Every app's own errors derive from it, so pages and `api.errors` answer any of them the
    same way: a field-level 4xx, never a 500, nothing written.
    """

    def __init__(self, field: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status

    def as_dict(self) -> dict[str, list[str]]:
        return {self.field: [str(self.message)]}
