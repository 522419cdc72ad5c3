from gridgov.accounts.scope import visible
from gridgov.people.models import Person
from gridgov.structure.models import Unit


def test_grid_worker_sees_only_own_grid(district):
    worker = district.users["grid_worker"]
    codes = set(visible(worker, Unit.objects.all()).values_list("code", flat=True))
    grid = district.units["A1-1"]
    assert codes == {grid.code, grid.code + "001", grid.code + "002"}
    assert visible(worker, Person.objects.all()).count() == 2
