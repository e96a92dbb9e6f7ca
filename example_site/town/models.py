from django.db import models
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page


class HomePage(Page):
    """The town's home page: news teasers and quick links, as a real commune site has."""

    tagline = models.CharField("accroche", max_length=200, blank=True)
    body = StreamField(
        [
            ("heading", blocks.CharBlock(label="titre")),
            ("paragraph", blocks.RichTextBlock(label="paragraphe")),
        ],
        blank=True,
        verbose_name="contenu",
    )
    content_panels = Page.content_panels + [FieldPanel("tagline"), FieldPanel("body")]

    class Meta:
        verbose_name = "page d'accueil"


class StandardPage(Page):
    body = RichTextField("contenu", blank=True)
    content_panels = Page.content_panels + [FieldPanel("body")]

    class Meta:
        verbose_name = "page simple"
