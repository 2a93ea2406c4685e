from django.apps import AppConfig


class ReservationsConfig(AppConfig):
    name = "apps.reservations"
    verbose_name = "Reservations"

    def ready(self) -> None:
        from apps.inventory import clearing
        from apps.reservations.clearing import ReservationItemHolds

        clearing.register(ReservationItemHolds())
