from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gridgov.accounts.scope import visible

from .models import Person


@login_required
def people_list(request):
    people = visible(request.user, Person.objects.select_related("unit"))[:200]
    return render(request, "people/list.html", {"people": people})
