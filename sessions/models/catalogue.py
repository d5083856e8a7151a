"""What help is given: categories and services, and the kinds of place where help happens."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Bilingual(models.Model):
    """A name in Vietnamese and English; `name` follows the active language."""

    name_vi = models.CharField(_("name (Vietnamese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class ServiceCategory(Bilingual):
    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")


class Service(Bilingual):
    """A kind of help. Retire (is_active=False) rather than delete: records keep pointing at it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="services")
    asks_procedure = models.BooleanField(
        _("asks which procedure"),
        default=False,
        help_text=_("Records of this service name the procedure filed."),
    )

    class Meta:
        ordering = ["category__order", "order", "id"]
        verbose_name = _("service")
        verbose_name_plural = _("services")


class PlaceKind(models.TextChoices):
    SERVICE_CENTRE = "service_centre", _("Public administration service centre")
    ONE_STOP_DESK = "one_stop_desk", _("One-stop desk")
    POLICE_STATION = "police_station", _("Commune/ward police station")
    COMMUNE_HALL = "commune_hall", _("Commune hall")
    CULTURAL_HOUSE = "cultural_house", _("Village cultural house")
    DOOR_TO_DOOR = "door_to_door", _("Door to door")
    SCHOOL = "school", _("School")
    MARKET = "market", _("Market")
    ONLINE = "online", _("Online")
