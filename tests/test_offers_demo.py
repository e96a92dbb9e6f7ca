"""Demo offers: the board page and the Tuesday walk on the example site."""

from tests.browser.section import build_section
from tests.offers_support import make_organisation
from wagtail_bippop.demo.offers import populate_offers
from wagtail_bippop.models import (
    HelpRequest,
    IntakeChannel,
    Offer,
    OfferParticipation,
    OffersBoardPage,
    OfferStatus,
)


def test_demo_offers_on_the_board(client, home_page, territory, make_volunteer, make_request):
    section = build_section(home_page, territory)
    make_volunteer(first_name="Odile")
    make_volunteer(first_name="Marc")
    make_organisation(territory, name="Les Voix de l'Aronde")
    make_request(channel=IntakeChannel.WEB)

    offers = populate_offers(territory)
    again = populate_offers(territory)
    assert [offer.pk for offer in offers] == [offer.pk for offer in again]
    assert len(offers) == 4
    board = OffersBoardPage.objects.get()
    assert board.get_parent().pk == section.index.pk

    walk = Offer.objects.get(title="Balade le mardi après-midi")
    assert (walk.capacity, walk.status, walk.weekday) == (3, OfferStatus.APPROVED, 1)
    assert walk.volunteer is not None
    assert Offer.objects.filter(status=OfferStatus.PENDING).count() == 1
    assert Offer.objects.filter(organisation__isnull=False).count() == 1
    participation = OfferParticipation.objects.get()
    assert participation.offer == walk
    assert participation.request == HelpRequest.objects.get()

    html = client.get(board.url).content.decode()
    assert "Balade le mardi après-midi" in html
    assert "Lecture du journal" not in html  # waiting for approval
    assert "Complet" in html  # the full computer workshop (French is the default language)
