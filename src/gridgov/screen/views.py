from django.http import HttpResponse


def screen(request):  # replaced by the command screen
    return HttpResponse("")
