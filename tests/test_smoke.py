from wagtail_bippop.models import ServiceType


def test_new_territory_gets_default_catalogue(territory):
    assert ServiceType.objects.filter(territory=territory).count() == 9
