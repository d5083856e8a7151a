"""Forms of the sessions app: shifts, runs of shifts, attendance, records of help, campaigns."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory, inlineformset_factory
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _

from sessions.models import MAX_TALLY, Campaign, CampaignTarget, HelpRecord, HelpSession, PlaceKind, Service
from sessions.selectors import campaigns_for_commune, service_by_code, services_for_recording
from sessions.services import Slot
from volunteers.forms import WordedChoicesMixin
from volunteers.models import Hamlet, Team, Volunteer, in_vietnamese_order

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
TIME_WIDGET = forms.TimeInput(format="%H:%M", attrs={"placeholder": "hh:mm", "inputmode": "numeric"})


CLOCK_PATTERN = re.compile(r"^(\d{1,2})(?:\s*(?:[:hg.]|giờ)\s*(\d{2})?(?:\s*(?:ph(?:út)?|p|:\d{2}))?)?$")


def parse_clock(text: str, *, allow_midnight_end: bool = False) -> datetime.time | None:
    """A time of day as people type it: 7, 7h, 7h30, 7g30, 07:30, 07:30:00, "7 giờ 30". Returns None
    for text that is not one; 24 (or 24h) is 23:59 when `allow_midnight_end`."""
    text = " ".join(text.strip().lower().split())
    match = CLOCK_PATTERN.match(text)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if allow_midnight_end and hour == 24 and minute == 0:
        return datetime.time(23, 59)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


class ClockTimeField(forms.TimeField):
    """A time field that also accepts 7h, 7h30 and 14g (the shift form, the attendance sheet)."""

    def to_python(self, value):
        if isinstance(value, datetime.time):
            return value
        text = (value or "").strip()
        if not text:
            return None
        found = parse_clock(text)
        if found is None:
            raise ValidationError(_("“%(value)s” is not a time like 07:30 or 7h30."), params={"value": text})
        return found


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, service):
        return f"{service.category.name} · {service.name}"


def _limit_to_commune(form, commune):
    if "team" in form.fields:
        form.fields["team"].queryset = in_vietnamese_order(
            Team.objects.filter(commune=commune, is_active=True)
        )
    if "hamlet" in form.fields:
        form.fields["hamlet"].queryset = in_vietnamese_order(
            Hamlet.objects.filter(commune=commune, is_active=True)
        )
    if "campaign" in form.fields:
        form.fields["campaign"].queryset = campaigns_for_commune(commune)


class HelpSessionForm(WordedChoicesMixin, forms.ModelForm):
    starts_at = ClockTimeField(label=_("from"), widget=TIME_WIDGET)
    ends_at = ClockTimeField(label=_("to"), widget=TIME_WIDGET)

    class Meta:
        model = HelpSession
        fields = [
            "date",
            "starts_at",
            "ends_at",
            "place_kind",
            "hamlet",
            "address",
            "team",
            "campaign",
            "volunteers_needed",
            "notes",
        ]
        widgets = {
            "date": DATE_WIDGET,
            "starts_at": TIME_WIDGET,
            "ends_at": TIME_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.commune = commune
        _limit_to_commune(self, commune)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if not 2000 <= day.year <= 2100:
            raise ValidationError(_("Choose a date between 2000 and 2100."))
        if self.instance.pk and day != self.instance.date and self.instance.records.exists():
            raise ValidationError(
                _("Citizens were already recorded on this shift; its date can no longer change.")
            )
        return day


def parse_slots(text: str) -> list[Slot]:
    """ "07-11, 11:00-15:00, 19h-22h, 14h-17h30" → slots; raises ValidationError naming the bad part."""
    slots = []
    for part in re.split(r"[,;\n]+", text):
        if not part.strip():
            continue
        ends = re.split(r"\s*[-–]\s*", part.strip())
        times = [parse_clock(end, allow_midnight_end=index == 1) for index, end in enumerate(ends)]
        if len(times) != 2 or None in times:
            raise ValidationError(
                _("“%(part)s” is not a time range like 07:00-11:00."), params={"part": part.strip()}
            )
        start, end = times
        if end <= start:
            raise ValidationError(
                _("In “%(part)s” the shift must end after it starts."), params={"part": part.strip()}
            )
        slots.append(Slot(start, end))
    if not slots:
        raise ValidationError(_("Enter at least one shift, for example 07:00-11:00."))
    return slots


class SessionBatchForm(WordedChoicesMixin, forms.ModelForm):
    """A run of shifts: every chosen day in a range, at each of several times."""

    WEEKDAYS = [
        (0, _("Mon")),
        (1, _("Tue")),
        (2, _("Wed")),
        (3, _("Thu")),
        (4, _("Fri")),
        (5, _("Sat")),
        (6, _("Sun")),
    ]

    first_day = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    last_day = forms.DateField(label=_("To"), widget=DATE_WIDGET)
    slots = forms.CharField(
        label=_("Shifts each day"),
        initial="07:00-11:00, 11:00-15:00, 15:00-19:00, 19:00-22:00",
        help_text=_("Times separated by commas, e.g. 07:00-11:00, 11:00-15:00."),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Only on"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every day."),
    )

    class Meta:
        model = HelpSession
        fields = ["place_kind", "hamlet", "address", "team", "campaign", "volunteers_needed", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.commune = commune
        _limit_to_commune(self, commune)
        order = ["first_day", "last_day", "slots", "weekdays"]
        self.order_fields(order + [name for name in self.fields if name not in order])

    def clean_slots(self):
        return parse_slots(self.cleaned_data["slots"])

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        for name, day in (("first_day", first), ("last_day", last)):
            if day and not 2000 <= day.year <= 2100:
                self.add_error(name, _("Choose a date between 2000 and 2100."))
                return cleaned
        if first and last and last < first:
            self.add_error("last_day", _("The last day must not be before the first day."))
        campaign = cleaned.get("campaign")
        if campaign and first and last and (first < campaign.starts_on or last > campaign.ends_on):
            self.add_error(
                "campaign",
                _("The shifts must fall inside the campaign (%(start)s–%(end)s).")
                % {"start": f"{campaign.starts_on:%d/%m/%Y}", "end": f"{campaign.ends_on:%d/%m/%Y}"},
            )
        return cleaned

    def _post_clean(self):
        # The template shift has no date or times of its own, so copy the fields without model
        # validation; each created shift is validated in full by the service.
        self.instance = construct_instance(self, self.instance, self._meta.fields)


class SessionFilterForm(forms.Form):
    first_day = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    last_day = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, label=_("Team"))
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none(), required=False, label=_("Campaign"))
    place_kind = forms.ChoiceField(
        choices=[("", _("All places")), *PlaceKind.choices], required=False, label=_("Place")
    )
    status = forms.ChoiceField(
        choices=[("", _("All statuses")), *HelpSession.Status.choices], required=False, label=_("Status")
    )

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = in_vietnamese_order(Team.objects.filter(commune=commune), "-is_active")
        self.fields["campaign"].queryset = campaigns_for_commune(commune)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class ServiceCodeField(forms.CharField):
    """A service named by its code, looked up in the in-memory catalogue (no query per tap)."""

    default_error_messages = {"invalid_choice": _("Choose one of the listed services.")}

    def clean(self, value):
        code = super().clean(value)
        service = service_by_code(code)
        if service is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return service


class QuickRecordForm(forms.Form):
    """One tap: a service, and the id the page made for this entry."""

    client_id = forms.UUIDField(required=False)
    service = ServiceCodeField(max_length=40)
    citizen_count = forms.IntegerField(
        label=_("Number of citizens"),
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": MAX_TALLY}),
    )

    def clean_citizen_count(self):
        count = self.cleaned_data["citizen_count"]
        if count < 1:
            raise ValidationError(_("Enter at least 1 citizen."))
        if count > MAX_TALLY:
            raise ValidationError(
                _("%(count)s citizens in one entry is too many; the most is %(max)s.")
                % {"count": count, "max": "10.000"}
            )
        return count


class TallyForm(QuickRecordForm):
    """N citizens for one service, with how it went, how help was given and where."""

    service = ServiceChoiceField(queryset=Service.objects.none(), label=_("Service"))
    outcome = forms.ChoiceField(
        label=_("outcome"),
        choices=HelpRecord.Outcome.choices,
        initial=HelpRecord.Outcome.DONE,
        required=False,
    )
    form_of_help = forms.ChoiceField(
        label=_("form of help"),
        choices=HelpRecord.FormOfHelp.choices,
        initial=HelpRecord.FormOfHelp.ONE_TO_ONE,
        required=False,
    )
    hamlet = forms.ModelChoiceField(queryset=Hamlet.objects.none(), required=False, label=_("hamlet"))

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services_for_recording()
        self.fields["service"].to_field_name = "code"
        if session is not None:
            self.fields["hamlet"].queryset = Hamlet.objects.filter(
                commune_id=session.commune_id, is_active=True
            )
            self.fields["hamlet"].initial = session.hamlet_id

    def details(self) -> dict:
        """What record_create takes besides the service and the count; empty means its default."""
        data = self.cleaned_data
        details = {name: data[name] for name in ("outcome", "form_of_help") if data.get(name)}
        if data.get("hamlet") is not None:
            details["hamlet"] = data["hamlet"]
        return details


class RecordDetailForm(WordedChoicesMixin, forms.ModelForm):
    service = ServiceChoiceField(queryset=Service.objects.none(), label=_("Service"))

    class Meta:
        model = HelpRecord
        fields = HelpRecord.DETAILS
        widgets = {
            "outcome": forms.RadioSelect,
            "gender": forms.RadioSelect,
            "age_band": forms.RadioSelect,
            "procedure": forms.TextInput(attrs={"list": "procedure-suggestions"}),
        }

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.service_id
        self.fields["service"].queryset = (
            Service.objects.filter(pk=current) | services_for_recording()
            if current
            else services_for_recording()
        )
        self.fields["hamlet"].queryset = in_vietnamese_order(
            Hamlet.objects.filter(commune=commune, is_active=True)
        )
        self.fields["gender"].choices = [("", _("not asked")), *HelpRecord.Gender.choices]
        self.fields["age_band"].choices = [("", _("not asked")), *HelpRecord.AgeBand.choices]
        self.fields["citizen_count"].widget.attrs.update({"min": 1, "max": MAX_TALLY, "inputmode": "numeric"})

    def clean_citizen_count(self):
        count = self.cleaned_data["citizen_count"]
        if not 1 <= count <= MAX_TALLY:
            raise ValidationError(
                _("The number of citizens must be between 1 and %(max)s."), params={"max": "10.000"}
            )
        return count

    def clean_service(self):
        service = self.cleaned_data["service"]
        if not service.is_active and service.pk != self.instance.service_id:
            raise ValidationError(_("This service is no longer in use; choose another."))
        return service


class ContactForm(forms.Form):
    """A citizen's name and phone for a follow-up, only with their consent."""

    name = forms.CharField(label=_("Citizen's name"), max_length=100)
    phone = forms.CharField(label=_("Citizen's phone"), max_length=20, required=False)
    purpose = forms.CharField(label=_("What the citizen agreed to"), max_length=200)
    consent = forms.BooleanField(
        label=_("The citizen agreed that we keep this name and phone for that purpose")
    )

    def clean_phone(self):
        from volunteers.phones import normalize_phone

        return normalize_phone(self.cleaned_data["phone"])


class CampaignForm(WordedChoicesMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "starts_on", "ends_on", "description"]
        widgets = {
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("starts_on") and cleaned.get("ends_on"):
            outside = self.instance.help_sessions.exclude(
                date__gte=cleaned["starts_on"], date__lte=cleaned["ends_on"]
            ).count()
            if outside:
                raise ValidationError(
                    _("%(count)s shifts of this campaign would fall outside the new dates; move them first."),
                    params={"count": outside},
                )
        return cleaned


class TargetForm(WordedChoicesMixin, forms.ModelForm):
    service = ServiceChoiceField(
        queryset=Service.objects.none(), required=False, label=_("Only this service")
    )

    class Meta:
        model = CampaignTarget
        fields = ["label", "metric", "service", "done_only", "value"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.select_related("category")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("metric") != CampaignTarget.Metric.CITIZEN_TURNS and (
            cleaned.get("service") or cleaned.get("done_only")
        ):
            self.add_error("service", _("A service or “done only” applies to citizen-turns only."))
        if cleaned.get("value") == 0:
            self.add_error("value", _("A target must be at least 1."))
        return cleaned


TargetFormSet = inlineformset_factory(
    Campaign, CampaignTarget, form=TargetForm, extra=2, can_delete=True, max_num=20, validate_max=True
)


# Attendance ---------------------------------------------------------------------------------------


class ClockField(ClockTimeField):
    """A time of day on the attendance sheet; empty means the shift's own start or end."""


class AttendanceRowForm(forms.Form):
    """One volunteer's line on the attendance sheet. A line left without an answer to "present?"
    changes nothing."""

    volunteer = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"invalid": _("Choose a volunteer of this commune.")},
    )
    present = forms.TypedChoiceField(
        choices=[("yes", _("present")), ("no", _("absent"))],
        coerce=lambda answer: answer == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    arrived_at = ClockField(required=False)
    left_at = ClockField(required=False)


AttendanceFormSet = formset_factory(AttendanceRowForm, extra=0, max_num=1000, validate_max=True)


class AddVolunteerForm(forms.Form):
    """Volunteers of the commune who came without signing up (several at once), marked present."""

    add_volunteer = forms.ModelMultipleChoiceField(
        queryset=Volunteer.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _("Choose a volunteer of this commune."),
            "invalid_pk_value": _("Choose a volunteer of this commune."),
        },
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["add_volunteer"].queryset = candidates
