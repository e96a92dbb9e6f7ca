"""Page types in the tree, the town's base template around them, and per-site branding."""

import pytest
from town.models import HomePage
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from wagtail_bippop.models import (
    DirectoryPage,
    HelpRequestPage,
    SolidarityIndexPage,
    SolidaritySettings,
    Territory,
    VolunteerSignupPage,
)


class PageTreeRules(WagtailPageTestCase):
    def test_section_pages_live_under_the_solidarity_home(self):
        allowed = set(SolidarityIndexPage.allowed_subpage_models())
        self.assertTrue({HelpRequestPage, VolunteerSignupPage, DirectoryPage} <= allowed)
        self.assertNotIn(SolidarityIndexPage, allowed)
        for page_type in (HelpRequestPage, VolunteerSignupPage, DirectoryPage):
            self.assertAllowedParentPageTypes(page_type, {SolidarityIndexPage})
            self.assertCanNotCreateAt(HomePage, page_type)
        self.assertCanCreateAt(HomePage, SolidarityIndexPage)

    def test_each_page_type_created_in_the_tree(self):
        from wagtail.models import Site

        site = Site.objects.get(is_default_site=True)
        territory = Territory.objects.create(name="Bellerive", slug="bellerive", site=site)
        home = site.root_page
        index = SolidarityIndexPage(
            title="Bellerive Solidaire", slug="solidarite", territory=territory
        )
        home.add_child(instance=index)
        for page_type, title in [
            (HelpRequestPage, "Demander de l'aide"),
            (VolunteerSignupPage, "Devenir bénévole"),
            (DirectoryPage, "Annuaire"),
        ]:
            child = page_type(title=title)
            index.add_child(instance=child)
            self.assertPageIsRenderable(child)
            self.assertEqual(child.get_territory(), territory)
        self.assertPageIsRenderable(index)
        self.assertEqual(Page.objects.type(SolidarityIndexPage).count(), 1)


@pytest.fixture
def section(site, territory):
    index = SolidarityIndexPage(title="Bellerive Solidaire", slug="solidarite", territory=territory)
    site.root_page.add_child(instance=index)
    return index


@pytest.mark.django_db
def test_section_sits_inside_the_town_base_template(client, section):
    response = client.get(section.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ville de <strong>Bellerive-sur-Aronde</strong>" in html  # the town's header
    assert "Mairie de Bellerive-sur-Aronde" in html  # the town's footer
    assert "Bellerive Solidaire" in html
    assert f'href="{section.url}theme/"' in html


@pytest.mark.django_db
def test_theme_exposes_brand_colours_as_custom_properties(client, site, section):
    settings = SolidaritySettings.for_site(site)
    settings.primary_colour = "#0b3d2e"
    settings.save()
    response = client.get(section.url + "theme/")
    assert response["Content-Type"].startswith("text/css")
    assert "--bippop-primary: #0b3d2e;" in response.content.decode()


@pytest.mark.django_db
def test_base_template_is_configurable(client, section, settings):
    settings.BIPPOP_BASE_TEMPLATE = "wagtail_bippop/tests/bare_base.html"
    html = client.get(section.url).content.decode()
    assert "BARE BASE" in html
    assert "Mairie de Bellerive-sur-Aronde" not in html
