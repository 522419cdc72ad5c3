"""Categories and helpers for case tests, on top of the small district of ``factories.py``.

Categories (codes 99xx so they never clash with the standard catalogue):
- ``small``: on the grid matter list, verification needed, 1 working day, 2 response hours;
- ``quick``: on the grid matter list, no verification;
- ``big``: a department matter (lead 城管, assisting 公安), 5 working days, not on the grid list;
- ``community``: handled by the community, not on the grid list.
"""
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gridgov.catalogue.models import Category
from gridgov.structure.models import Department

# Points inside the factory's squares: grid A1-1 is lng 104.0–104.125, lat 30.0–30.125.
IN_A1_1 = (30.05, 104.05)
IN_A1_2 = (30.05, 104.18)
IN_B1_1 = (30.05, 104.55)


def categories():
    top = Category.objects.create(code="99", name="测试大类", plain_name="测试", handling_level="grid",
                                  lead_department="chengguan", response_limit_hours=2, resolution_limit_days=1)

    def leaf(code, name, **fields):
        values = dict(plain_name=name, handling_level="grid", lead_department="chengguan", response_limit_hours=2,
                      resolution_limit_days=Decimal(1), on_grid_list=True, needs_verification=True)
        values.update(fields)
        return Category.objects.create(code=code, name=name, parent=top, **values)

    return {
        "small": leaf("9901", "暴露垃圾"),
        "quick": leaf("9902", "小广告", needs_verification=False),
        "big": leaf("9903", "违法建设", handling_level="department", on_grid_list=False, needs_verification=False,
                    assisting_departments=["gongan"], resolution_limit_days=Decimal(5)),
        "community": leaf("9904", "邻里纠纷", handling_level="community", on_grid_list=False,
                          needs_verification=False, resolution_limit_days=Decimal(3)),
    }


def gongan(district):
    return Department.objects.create(district=district.units["district"], code="gongan", name="公安分局",
                                     short_name="公安")


def photo(name="evidence.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
