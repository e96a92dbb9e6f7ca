from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class TestimonialBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"), max_length=600)
    author = blocks.CharBlock(
        label=_("who says it"), max_length=100, help_text=_("e.g. “Michèle, volunteer”")
    )

    class Meta:
        icon = "openquote"
        label = _("Testimonial")
        template = "wagtail_bippop/blocks/testimonial.html"


class IntroBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120, form_classname="title")
    paragraph = blocks.RichTextBlock(
        label=_("paragraph"), features=["bold", "italic", "link", "ol", "ul"]
    )
    image = ImageChooserBlock(label=_("image"))
    testimonial = TestimonialBlock()

    class Meta:
        template = "wagtail_bippop/blocks/intro.html"
