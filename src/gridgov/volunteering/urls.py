from django.urls import path

from .views import pages

urlpatterns = [
    path("", pages.services, name="volunteering-services"),
    path("order/", pages.place, name="volunteering-service-order"),
    path("for/", pages.order_for, name="volunteering-order-for"),
    path("orders/<int:pk>/", pages.order, name="volunteering-order"),
    path("orders/<int:pk>/<str:step>/", pages.order_action, name="volunteering-order-action"),
    path("tasks/", pages.tasks, name="volunteering-tasks"),
    path("tasks/ask/", pages.ask, name="volunteering-task-ask"),
    path("activities/<int:pk>/", pages.activity, name="volunteering-activity"),
    path("activities/<int:pk>/<str:step>/", pages.activity_action, name="volunteering-activity-action"),
    path("queue/", pages.queue, name="volunteering-queue"),
    path("queue/activity/", pages.publish_activity, name="volunteering-queue-activity"),
    path("staff/volunteers/", pages.volunteers_page, name="volunteering-staff-volunteers"),
    path("staff/volunteers/<str:step>/", pages.volunteers_action, name="volunteering-staff-volunteers-action"),
    path("staff/menu/", pages.menu, name="volunteering-staff-menu"),
    path("staff/menu/save/", pages.menu_save, name="volunteering-staff-menu-save"),
    path("staff/rates/", pages.rates, name="volunteering-staff-rates"),
]
