"""VTEX warehouse bodies. Loading docks and pickup points are not modelled here: docks sent
are checked to be objects and otherwise ignored; both lists come back empty."""

from django.core.validators import RegexValidator
from rest_framework import serializers

from apps.api.bodies import CaseInsensitiveFields
from apps.api.serializers.fields import StrictBooleanField, StrictCharField, StrictIntegerField

WAREHOUSE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._~:@-]*$"
INVALID_WAREHOUSE_ID = (
    "Use letters, digits and . _ ~ : @ - (starting with a letter or digit), so the id can "
    "appear in URLs."
)
NAME_PATTERN = r"^[^\x00]*[^\s\x00][^\x00]*$"
BLANK_NAME = "Give a name with at least one visible character (and no NUL)."
INT32 = {"min_value": -(2**31), "max_value": 2**31 - 1}


class VtexWarehouseWriteSerializer(CaseInsensitiveFields, serializers.Serializer):
    id = StrictCharField(
        max_length=64, validators=[RegexValidator(WAREHOUSE_ID_PATTERN, INVALID_WAREHOUSE_ID)]
    )
    name = StrictCharField(
        max_length=255,
        trim_whitespace=False,
        validators=[RegexValidator(NAME_PATTERN, BLANK_NAME)],
    )
    warehouseDocks = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="Accepted and ignored."
    )
    priority = StrictIntegerField(required=False, **INT32)
    isActive = StrictBooleanField(required=False)


class VtexWarehouseSerializer(serializers.Serializer):
    id = serializers.CharField(source="warehouse_id")
    name = serializers.CharField()
    warehouseDocks = serializers.SerializerMethodField()
    pickupPointIds = serializers.SerializerMethodField()
    priority = serializers.IntegerField()
    isActive = serializers.BooleanField(source="is_active")

    def get_warehouseDocks(self, warehouse) -> list[dict]:
        return []

    def get_pickupPointIds(self, warehouse) -> list[str]:
        return []
