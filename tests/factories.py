"""factory_boy factories for the test suite."""

import datetime

import factory
from django.contrib.auth import get_user_model

from volunteers.models import Commune, Hamlet, Province, RoleAssignment, Team, TeamMembership, Volunteer

PASSWORD = "a-Strong-pass-2025"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: 90 + n)
    name = factory.Sequence(lambda n: f"Tỉnh Thử {n}")
    division_type = "tỉnh"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: 90000 + n)
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    kind = Commune.Kind.COMMUNE
    province = factory.SubFactory(ProvinceFactory)


class HamletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hamlet

    commune = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"Thôn {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    commune = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"Đội hình {n}")
    kind = Team.Kind.SERVICE_SQUAD


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    commune = factory.SubFactory(CommuneFactory)
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    phone = factory.Sequence(lambda n: f"+8491{n:07d}")
    date_of_birth = datetime.date(2000, 1, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    team = factory.SubFactory(TeamFactory)
    volunteer = factory.SubFactory(VolunteerFactory, commune=factory.SelfAttribute("..team.commune"))
    joined_on = datetime.date(2025, 1, 1)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
