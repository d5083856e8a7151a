"""The administrative units come from vietnam-provinces, once, keyed by their official codes."""

import pytest
from django.core.management import call_command

from volunteers.models import Commune, Province


@pytest.mark.django_db
def test_it_loads_34_provinces_and_3321_units_and_a_second_run_changes_nothing():
    call_command("load_divisions", verbosity=0)
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    assert Commune.objects.filter(kind=Commune.Kind.COMMUNE).count() == 2621
    assert Commune.objects.filter(kind=Commune.Kind.WARD).count() == 687
    assert Commune.objects.filter(kind=Commune.Kind.SPECIAL_ZONE).count() == 13
    snapshot = list(Commune.objects.order_by("code").values_list("code", "name", "kind", "province_id"))

    call_command("load_divisions", verbosity=0)
    assert Province.objects.count() == 34
    assert (
        list(Commune.objects.order_by("code").values_list("code", "name", "kind", "province_id")) == snapshot
    )


@pytest.mark.django_db
def test_the_demo_communes_carry_their_official_codes():
    call_command("load_divisions", verbosity=0)
    assert Commune.objects.get(pk=8716).name == "Phường Vĩnh Phúc"
    assert Commune.objects.get(pk=8782).name == "Xã Hải Lựu"
    assert Province.objects.get(pk=25).communes.count() == 148
