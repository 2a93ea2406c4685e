"""Write bodies are understood exactly or refused (SPEC §5.1): never a silent count of 0.

- An empty body, a body that is not a JSON object, or an object with no field the endpoint
  knows is a 400 naming the problem (``empty_body``, ``not_an_object``, ``no_known_field``),
  before anything is written.
- On VTEX's endpoints field names match whatever their case (``Quantity``,
  ``UnlimitedQuantity``: VTEX runs on .NET, whose serializers write PascalCase and whose
  model binding reads any case). The same field twice in different cases is a 400.
- Unknown fields beside known ones are ignored, as VTEX does: ERPs send extra fields (the
  SKU id, fields read from a GET), and refusing them would break integrations that work
  against VTEX. A body made only of unknown fields is refused (above).
"""

from collections.abc import Mapping

from rest_framework import serializers

from apps.core.errors import ApplicationError

EMPTY_BODY = "The request body is empty; send a JSON object with at least one of: {fields}."
NOT_AN_OBJECT = "The request body must be a JSON object, got {type}."
NO_KNOWN_FIELD = (
    "The body has no field this endpoint knows (got {got}); send at least one of: {fields}."
)
GIVEN_TWICE = "Given more than once, as {names}."


class EmptyBody(ApplicationError):
    code = "empty_body"


class NotAnObject(ApplicationError):
    code = "not_an_object"


class NoKnownField(ApplicationError):
    code = "no_known_field"


_JSON_TYPES = {list: "a list", str: "a string", bool: "a boolean", type(None): "null"}


def validated_body(request, serializer_class: type[serializers.Serializer], **kwargs):
    """The serializer for ``request``'s body, validated; raises the errors above (or the
    serializer's) when the body is not one the endpoint can apply exactly."""
    fields = list(serializer_class().fields)
    names = ", ".join(fields)
    if request.stream is None:  # no body at all (Content-Length 0 or none)
        raise EmptyBody(EMPTY_BODY.format(fields=names), extra={"fields": fields})
    data = request.data
    if not isinstance(data, Mapping):
        kind = _JSON_TYPES.get(type(data), "a number")
        raise NotAnObject(NOT_AN_OBJECT.format(type=kind), extra={"fields": fields})
    known = {name.lower() for name in fields}
    if not any(str(key).lower() in known for key in data):
        got = ", ".join(map(str, data)) or "an empty object"
        raise NoKnownField(
            NO_KNOWN_FIELD.format(got=got, fields=names),
            extra={"fields": fields, "got": list(map(str, data))},
        )
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer


class CaseInsensitiveFields:
    """Serializer mixin: the body's field names match the declared ones whatever their case
    (nested serializers using it too)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            data = _by_declared_names(data, self.fields)
        return super().to_internal_value(data)


def _by_declared_names(data: Mapping, fields) -> dict:
    declared = {name.lower(): name for name in fields}
    renamed: dict = {}
    sent_as: dict[str, list[str]] = {}
    for key, value in data.items():
        name = declared.get(str(key).lower(), key)
        renamed[name] = value
        sent_as.setdefault(name, []).append(str(key))
    twice = {name: keys for name, keys in sent_as.items() if len(keys) > 1}
    if twice:
        raise serializers.ValidationError(
            {name: [GIVEN_TWICE.format(names=" and ".join(keys))] for name, keys in twice.items()}
        )
    return renamed
