"""Vietnamese name order and search without diacritics."""

import pytest

from tests.factories import CommuneFactory, VolunteerFactory
from volunteers.selectors import roster_list
from volunteers.text import name_sort_key, strip_diacritics


def test_names_sort_by_given_name_the_vietnamese_way():
    names = ["Nguyễn Thị Đào", "Trần Văn Bình", "Lê Thị Ánh"]
    assert sorted(names, key=name_sort_key) == ["Lê Thị Ánh", "Trần Văn Bình", "Nguyễn Thị Đào"]


def test_letters_come_before_tones_and_đ_after_d():
    names = ["Bùi Văn Dũng", "Đỗ Văn Dung", "Lê Văn Đức", "Lê Thị Anh", "Lê Thị Ánh", "Lê Thị Ảnh", "Hồ Ăn"]
    assert sorted(names, key=name_sort_key) == [
        "Lê Thị Anh",
        "Lê Thị Ảnh",
        "Lê Thị Ánh",
        "Hồ Ăn",
        "Đỗ Văn Dung",
        "Bùi Văn Dũng",
        "Lê Văn Đức",
    ]


def test_same_given_name_then_family_then_middle():
    names = ["Trần Văn An", "Nguyễn Thị An", "Nguyễn Minh An"]
    assert sorted(names, key=name_sort_key) == ["Nguyễn Minh An", "Nguyễn Thị An", "Trần Văn An"]


def test_search_key_drops_diacritics():
    assert strip_diacritics("Nguyễn Văn Đức") == "nguyen van duc"


@pytest.mark.django_db
def test_the_roster_is_ordered_by_the_database_the_same_way():
    commune = CommuneFactory()
    for name in ["Nguyễn Thị Đào", "Trần Văn Bình", "Lê Thị Ánh"]:
        VolunteerFactory(commune=commune, full_name=name)
    assert [v.full_name for v in roster_list(commune=commune)] == [
        "Lê Thị Ánh",
        "Trần Văn Bình",
        "Nguyễn Thị Đào",
    ]


@pytest.mark.django_db
def test_typing_without_diacritics_finds_the_volunteer():
    commune = CommuneFactory()
    VolunteerFactory(commune=commune, full_name="Nguyễn Văn An")
    VolunteerFactory(commune=commune, full_name="Nguyễn Văn Anh")
    VolunteerFactory(commune=commune, full_name="Trần Thị Ân")
    found = [v.full_name for v in roster_list(commune=commune, search="nguyen van an")]
    assert found == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    assert [v.full_name for v in roster_list(commune=commune, search="TRAN an")] == ["Trần Thị Ân"]
