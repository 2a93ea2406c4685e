"""The error shape, for the schema (apps.api.errors builds it)."""

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, e.g. unknown_sku, validation_error.")
    message = serializers.CharField(help_text="For people; names the field or record.")
    details = serializers.DictField(
        help_text='Per-field messages ({"quantity": ["…"]}) or the error\'s values.'
    )
