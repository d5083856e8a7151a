"""Filters of the record list behind each figure, and the certificate request."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sessions.models import HelpRecord, PlaceKind, Service, ServiceCategory
from volunteers.models import Hamlet, Team, Volunteer
from volunteers.text import refuse_control_characters

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class RecordFilterForm(forms.Form):
    """Every filter a figure's link can carry. Unknown values are ignored, never a 500."""

    service = forms.ModelChoiceField(queryset=Service.objects.all(), to_field_name="code", required=False)
    category = forms.ModelChoiceField(
        queryset=ServiceCategory.objects.all(), to_field_name="code", required=False
    )
    outcome = forms.ChoiceField(choices=[("", "")] + HelpRecord.Outcome.choices, required=False)
    age_band = forms.ChoiceField(choices=[("", "")] + HelpRecord.AgeBand.choices, required=False)
    place = forms.ChoiceField(choices=[("", "")] + PlaceKind.choices, required=False)
    team = forms.CharField(required=False)
    hamlet = forms.CharField(required=False)
    volunteer = forms.ModelChoiceField(queryset=Volunteer.objects.none(), required=False)

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = commune
        # Records are already limited to the commune; a volunteer who has since moved still counts.
        self.fields["volunteer"].queryset = Volunteer.objects.all()

    def _object_or_none(self, name, model):
        value = self.cleaned_data.get(name) or ""
        if value in ("", "none"):
            return value
        if (
            not (value.isascii() and value.isdigit())
            or not model.objects.filter(pk=value, commune=self.commune).exists()
        ):
            raise ValidationError(_("Unknown value."))
        return int(value)

    def clean_team(self):
        return self._object_or_none("team", Team)

    def clean_hamlet(self):
        return self._object_or_none("hamlet", Hamlet)

    def filters(self) -> dict:
        """Queryset filters of the valid fields (invalid ones are dropped)."""
        # Each field on its own: one bad value must not widen the others into "everything".
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        if self.errors:
            return {"pk__in": []}
        result = {}
        if data.get("service"):
            result["service__code"] = data["service"].code
        if data.get("category"):
            result["service__category__code"] = data["category"].code
        for name, lookup in (
            ("outcome", "outcome"),
            ("age_band", "age_band"),
            ("place", "session__place_kind"),
        ):
            if data.get(name):
                result[lookup] = data[name]
        for name, lookup in (("team", "session__team_id"), ("hamlet", "hamlet_id")):
            if data.get(name) == "none":
                result[f"{lookup}__isnull"] = True
            elif data.get(name):
                result[lookup] = data[name]
        if data.get("volunteer"):
            result["volunteer_id"] = data["volunteer"].pk
        return result

    LABELS = {
        "service": _("Service"),
        "category": _("Category"),
        "outcome": _("Outcome"),
        "age_band": _("Age"),
        "place": _("Place"),
        "team": _("Team"),
        "hamlet": _("Hamlet"),
        "volunteer": _("Volunteer"),
    }

    def described(self) -> list[tuple[str, str, str]]:
        """The filters in force, in words: (field name, label, value), for the page to state them
        and offer to remove each."""
        if not self.is_bound or not self.is_valid():
            return []
        data, found = self.cleaned_data, []
        names = {
            "team": lambda pk: Team.objects.filter(pk=pk).values_list("name", flat=True).first(),
            "hamlet": lambda pk: Hamlet.objects.filter(pk=pk).values_list("name", flat=True).first(),
        }
        for name, label in self.LABELS.items():
            value = data.get(name)
            if value in (None, ""):
                continue
            if name in names:
                text = _("none") if value == "none" else names[name](value)
            elif name == "volunteer":
                text = value.full_name
            elif isinstance(self.fields[name], forms.ChoiceField) and not hasattr(value, "pk"):
                text = dict(self.fields[name].choices).get(value, value)
            else:
                text = getattr(value, "name", str(value))
            found.append((name, str(label), str(text)))
        return found


class CertificateForm(forms.Form):
    first_day = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    last_day = forms.DateField(label=_("To"), widget=DATE_WIDGET)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last:
            if first.year < 2000:
                raise ValidationError(_("Choose a date between 2000 and 2100."))
            if last < first:
                raise ValidationError(_("The last day must not be before the first day."))
            if last > timezone.localdate():
                raise ValidationError(_("A certificate can cover only days that have passed."))
            if (last - first) > datetime.timedelta(days=366 * 5):
                raise ValidationError(_("A certificate covers at most five years."))
        return cleaned


class ReportDocumentForm(forms.Form):
    """What the secretary adds to the monthly report before generating the .docx."""

    number = forms.CharField(
        label=_("Document number"),
        max_length=20,
        required=False,
        help_text=_("The number before “-BC/ĐTN”, e.g. 12."),
    )
    highlights = forms.CharField(
        label=_("Highlights"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    difficulties = forms.CharField(
        label=_("Difficulties"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    plans = forms.CharField(
        label=_("Next month's plan"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    signer = forms.CharField(label=_("Signed by (secretary's full name)"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.validators.append(refuse_control_characters)
