from django.urls import path

from .views import pages

urlpatterns = [
    path("", pages.proposals_page, name="deliberation-proposals"),
    path("propose/", pages.propose_page, name="deliberation-propose"),
    path("proposals/from-cases/", pages.from_cases, name="deliberation-from-cases"),
    path("proposals/<int:pk>/", pages.proposal_page, name="deliberation-proposal"),
    path("proposals/<int:pk>/<str:step>/", pages.proposal_step, name="deliberation-proposal-step"),
    path("my-meetings/", pages.my_meetings, name="deliberation-my-meetings"),
    path("queue/", pages.queue, name="deliberation-queue"),
    path("meetings/", pages.calendar_page, name="deliberation-meetings"),
    path("meetings/schedule/", pages.schedule_page, name="deliberation-schedule"),
    path("meetings/<int:pk>/", pages.meeting_page, name="deliberation-meeting"),
    path("meetings/<int:pk>/<str:step>/", pages.meeting_step, name="deliberation-meeting-step"),
    path("matters/", pages.matters_page, name="deliberation-matters"),
    path("matters/open/", pages.open_matter_page, name="deliberation-open-matter"),
    path("matters/<int:pk>/", pages.matter_page, name="deliberation-matter"),
    path("matters/<int:pk>/advance/", pages.matter_advance, name="deliberation-matter-advance"),
]
