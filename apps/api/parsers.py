"""The API's JSON reader: what .NET, Java and spreadsheet-fed ERPs actually send.

- A UTF-8 byte order mark before the JSON is skipped (.NET's ``Encoding.UTF8`` writes one).
- Numbers with a fraction or an exponent are read exactly (as ``Decimal``), so ``5.0`` and
  ``1e3`` can be accepted where a whole number is expected and ``5.5`` refused by name,
  never rounded (see ``serializers.fields.StrictIntegerField``).
- ``NaN`` and ``Infinity`` are not JSON and are refused.
- Nesting deeper than ``MAX_DEPTH`` is refused (400) instead of exhausting the stack (500).
"""

import codecs
import json
from decimal import Decimal

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 64
TOO_DEEP = "JSON nested more than {depth} levels deep; no endpoint takes that."
NOT_UTF8 = "The body is not UTF-8 text: {error}."
MALFORMED = "JSON parse error: {error}."
NOT_JSON_CONSTANT = "{name} is not a JSON number."


def _refuse_constant(name: str):
    raise ValueError(NOT_JSON_CONSTANT.format(name=name))


class JsonParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read()
        if raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ParseError(NOT_UTF8.format(error=error)) from None
        try:
            data = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
        except RecursionError:
            raise ParseError(TOO_DEEP.format(depth=MAX_DEPTH)) from None
        except ValueError as error:
            raise ParseError(MALFORMED.format(error=error)) from None
        if _deeper_than(data, MAX_DEPTH):
            raise ParseError(TOO_DEEP.format(depth=MAX_DEPTH))
        return data


def _deeper_than(data, limit: int) -> bool:
    """Whether lists and objects nest more than ``limit`` levels (walked without recursion)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        pending.extend((item, depth + 1) for item in value)
    return False
