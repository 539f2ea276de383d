"""Request shapes every app's API shares."""

from ninja import Schema
from pydantic import ConfigDict


class InputSchema(Schema):
    """A request body: a field it does not know (a misspelt vital sign, say) is refused by
    name with a 422, never silently dropped."""

    model_config = ConfigDict(extra="forbid")
