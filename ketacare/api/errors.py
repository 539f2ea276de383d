"""One JSON error shape for every API failure:

{"error": {"code": "validation_error", "message": "...", "fields": {"name": ["..."]}}}
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger("ketacare.api")


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _ninja_fields(exc: NinjaValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for problem in exc.errors:
        location = [
            str(part)
            for part in problem.get("loc", ())
            if part not in ("body", "payload", "query", "path")
        ]
        name = ".".join(location) or "__all__"
        fields.setdefault(name, []).append(str(problem.get("msg", "invalid")))
    return fields


def install(api: NinjaAPI) -> None:
    def reply(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(NinjaValidationError)
    def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return reply(
            request,
            422,
            error_body("validation_error", "The request is not valid.", _ninja_fields(exc)),
        )

    @api.exception_handler(DjangoValidationError)
    def invalid_data(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return reply(request, 422, error_body("validation_error", "The data is not valid.", fields))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return reply(request, 404, error_body("not_found", "Not found."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return reply(request, 403, error_body("forbidden", str(exc) or "Not allowed."))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return reply(
            request,
            401,
            error_body("unauthenticated", "Sign in or send 'Authorization: Bearer <token>'."),
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return reply(request, exc.status_code, error_body("http_error", str(exc)))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Log the type and where, never the payload: request bodies may hold patient data.
        logger.error("unhandled API error %s at %s", type(exc).__name__, request.path)
        return reply(request, 500, error_body("server_error", "Something went wrong."))
