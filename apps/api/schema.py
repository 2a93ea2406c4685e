"""drf-spectacular extensions: how the API key authentication appears in the schema (the
same names as VTEX's: ``appKey`` + ``appToken`` headers, or a bearer token), and a hook
marking one-of request bodies as required."""

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


def require_one_of_bodies(result, generator, request, public):
    """A body that must be one of several shapes is required (spectacular cannot tell)."""
    schemas = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            schema = (body or {}).get("content", {}).get("application/json", {}).get("schema", {})
            name = schema.get("$ref", "").rsplit("/", 1)[-1]
            if name and "oneOf" in schemas.get(name, {}):
                body["required"] = True
    return result
