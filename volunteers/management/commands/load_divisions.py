"""Load the 34 provinces and 3,321 commune-level units from vietnam-provinces. Idempotent."""

from django.core.management.base import BaseCommand
from django.db import transaction
from vietnam_provinces import Province as SourceProvince
from vietnam_provinces import VietNamDivisionType
from vietnam_provinces import Ward as SourceWard

from volunteers.models import Commune, Province

_KINDS = {
    VietNamDivisionType.XA: Commune.Kind.COMMUNE,
    VietNamDivisionType.PHUONG: Commune.Kind.WARD,
    VietNamDivisionType.DAC_KHU: Commune.Kind.SPECIAL_ZONE,
}


class Command(BaseCommand):
    help = "Load or refresh Vietnam's provinces and commune-level units (vietnam-provinces)."

    @transaction.atomic
    def handle(self, *args, **options):
        provinces = [
            Province(code=int(p.code), name=p.name, division_type=p.division_type.value)
            for p in SourceProvince.iter_all()
        ]
        communes = [
            Commune(
                code=int(w.code), name=w.name, kind=_KINDS[w.division_type], province_id=int(w.province_code)
            )
            for w in SourceWard.iter_all()
        ]
        before = (Province.objects.count(), Commune.objects.count())
        Province.objects.bulk_create(
            provinces, update_conflicts=True, unique_fields=["code"], update_fields=["name", "division_type"]
        )
        Commune.objects.bulk_create(
            communes,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "kind", "province"],
        )
        after = (Province.objects.count(), Commune.objects.count())
        self.stdout.write(
            f"Administrative units: {after[0]} provinces, {after[1]} communes/wards "
            f"({after[0] - before[0]} and {after[1] - before[1]} new)."
        )
