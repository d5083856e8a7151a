"""Forms of the secretary's screens: volunteers, teams, hamlets, memberships and the roster import."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from volunteers.models import Hamlet, Team, TeamMembership, Volunteer, in_vietnamese_order
from volunteers.phones import display_phone, normalize_phone
from volunteers.text import normalize_name

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


def _name_unique_in_commune(form, message) -> str:
    """A tidied name that no other object of the same kind in the commune has (ignoring case)."""
    name = " ".join(form.cleaned_data["name"].split())
    others = type(form.instance).objects.filter(commune=form.instance.commune, name__iexact=name)
    if others.exclude(pk=form.instance.pk).exists():
        raise ValidationError(message)
    return name


def word_empty_choices(form) -> None:
    """Replace Django's "---------" empty choice with words (blank fields, optional relations)."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and not isinstance(
            field, forms.ModelMultipleChoiceField
        ):
            if field.empty_label is not None and field.empty_label.startswith("---"):
                field.empty_label = _("— Not chosen —") if not field.required else _("— Choose —")
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            field.choices = [
                (value, (_("— Not chosen —") if not field.required else _("— Choose —")))
                if value == "" and str(label).startswith("---")
                else (value, label)
                for value, label in field.choices
            ]


class WordedChoicesMixin:
    """Forms whose empty choices read "— Not chosen —" rather than "---------"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        word_empty_choices(self)


class VolunteerForm(WordedChoicesMixin, forms.ModelForm):
    class Meta:
        model = Volunteer
        fields = ["full_name", "gender", "date_of_birth", "phone", "email", "hamlet", "is_union_member"]
        widgets = {"date_of_birth": DATE_WIDGET, "phone": forms.TextInput(attrs={"inputmode": "tel"})}

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = commune
        self.instance.commune = commune
        self.fields["hamlet"].queryset = in_vietnamese_order(
            Hamlet.objects.filter(commune=commune, is_active=True)
        )
        if self.instance.phone and not self.is_bound:
            self.initial["phone"] = display_phone(self.instance.phone)

    def clean_full_name(self):
        name = normalize_name(self.cleaned_data["full_name"])
        if len(name.split()) < 2:
            raise ValidationError(_("Enter the full name: family name, (middle name) and given name."))
        return name

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data.get("phone", ""))
        if phone:
            clash = (
                Volunteer.objects.filter(commune=self.commune, phone=phone)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if clash:
                raise ValidationError(
                    _("This number already belongs to %(name)s in this commune."),
                    params={"name": clash.full_name},
                )
        return phone


class TeamForm(WordedChoicesMixin, forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "kind", "hamlet"]

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.commune = commune
        self.fields["hamlet"].queryset = in_vietnamese_order(
            Hamlet.objects.filter(commune=commune, is_active=True)
        )

    def clean_name(self):
        return _name_unique_in_commune(self, _("This commune already has a team with this name."))


class HamletForm(WordedChoicesMixin, forms.ModelForm):
    class Meta:
        model = Hamlet
        fields = ["name", "kind"]

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.commune = commune

    def clean_name(self):
        return _name_unique_in_commune(self, _("This commune already has a hamlet with this name."))


class MembershipForm(WordedChoicesMixin, forms.Form):
    volunteer = forms.ModelChoiceField(queryset=Volunteer.objects.none(), label=_("Volunteer"))
    position = forms.ChoiceField(choices=TeamMembership.Position.choices, label=_("Position"))
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = Volunteer.objects.filter(commune=team.commune, is_active=True)


def _narrow_to(model, label, empty_label) -> forms.ModelChoiceField:
    """A roster filter's drop-down of the commune's teams or hamlets (set by the form); empty: all."""
    return forms.ModelChoiceField(
        queryset=model.objects.none(),
        required=False,
        label=label,
        empty_label=empty_label,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class RosterFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    team = _narrow_to(Team, _("Team"), _("All teams"))
    hamlet = _narrow_to(Hamlet, _("Hamlet"), _("All hamlets"))
    status = forms.ChoiceField(
        choices=[("active", _("Active")), ("retired", _("Retired")), ("all", _("All"))],
        required=False,
        label=_("Status"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = in_vietnamese_order(Team.objects.filter(commune=commune), "-is_active")
        self.fields["hamlet"].queryset = in_vietnamese_order(Hamlet.objects.filter(commune=commune))


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".xlsx") or name.endswith(".csv")):
            raise ValidationError(_("Upload an .xlsx or .csv file made from the template."))
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 5 MB; split it into several files."))
        return upload
