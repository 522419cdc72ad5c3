from django.urls import path

from .views import pages

urlpatterns = [
    path("", pages.mine, name="timebank-mine"),
    path("donate/", pages.donate, name="timebank-donate"),
    path("accounts/<int:pk>/", pages.account, name="timebank-account"),
    path("communities/", pages.communities, name="timebank-communities"),
    path("communities/<str:code>/", pages.community, name="timebank-community"),
    path("communities/<str:code>/transfer/", pages.transfer, name="timebank-transfer"),
    path("communities/<str:code>/fund/", pages.fund, name="timebank-fund"),
    path("expiry/", pages.expiry_rule, name="timebank-expiry"),
]
