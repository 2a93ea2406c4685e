import pytest
from django.contrib.auth.models import Permission, User


@pytest.fixture
def staff(client):
    """Log ``client`` in as a staff user holding the given inventory permissions."""

    def login(*codenames, username="clerk"):
        user = User.objects.create_user(username, password="pw", is_staff=True)
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="inventory", codename__in=codenames)
        )
        client.force_login(user)
        return client

    return login


@pytest.fixture
def clerk(staff):
    """Staff who may view inventories and update counts."""
    return staff("view_inventory", "update_count")


@pytest.fixture
def superuser(client):
    client.force_login(User.objects.create_superuser("boss", password="pw"))
    return client
