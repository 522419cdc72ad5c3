"""The public notice boards, mounted at ``/notices/`` (no login)."""
from django.urls import path

from .views import public

urlpatterns = [
    path("<str:code>/", public.notices, name="deliberation-notices"),
    path("<str:code>/<int:pk>/print/", public.notice_print, name="deliberation-notice-print"),
]
