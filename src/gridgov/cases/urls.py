from django.urls import path, register_converter

from .views import case, lists


class CaseCodeConverter:
    """A case code: district code, date and sequence, all digits."""

    regex = r"\d{6,24}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CaseCodeConverter, "casecode")

urlpatterns = [
    path("mine/", lists.my_cases, name="my-cases"),
    path("tasks/", lists.tasks, name="my-tasks"),
    path("queues/", lists.queues, name="case-queues"),
    path("department/", lists.department, name="department-inbox"),
    path("<casecode:code>/", case.case_page, name="case"),
    path("<casecode:code>/timeline/", case.case_timeline, name="case-timeline"),
    path("<casecode:code>/photos/<int:pk>/", case.case_photo, name="case-photo"),
    path("<casecode:code>/<slug:action>/", case.case_action, name="case-action"),
]
