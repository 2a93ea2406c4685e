"""drf-spectacular extensions: how the API key authentication appears in the schema (the
same names as VTEX's: ``appKey`` + ``appToken`` headers, or a bearer token), and a hook
marking write bodies as required, with at least one known field."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "apps.api.authentication.ApiKeyAuthentication"
    name = ["appKey", "appToken", "bearerToken"]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-VTEX-API-AppKey",
                "description": "Public identifier of the API key.",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-VTEX-API-AppToken",
                "description": "Secret token of the API key (shown once when created).",
            },
            {
                "type": "http",
                "scheme": "bearer",
                "description": "The API key's token as a bearer token.",
            },
        ]

    def get_security_requirement(self, auto_schema):
        return [{"appKey": [], "appToken": []}, {"bearerToken": []}]


def require_a_known_field(result, generator, request, public):
    """Write bodies are required, and one whose fields are all optional must still carry
    at least one of them (``apps.api.bodies``: an empty body or ``{}`` is refused)."""
    schemas = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if not body:
                continue
            body["required"] = True
            schema = body.get("content", {}).get("application/json", {}).get("schema", {})
            component = schemas.get(schema.get("$ref", "").rsplit("/", 1)[-1], {})
            properties = component.get("properties")
            if properties and not component.get("required") and "anyOf" not in component:
                component["anyOf"] = [{"required": [name]} for name in properties]
    return result
