from django.urls import path

from . import views

urlpatterns = [
    path("", views.shop, name="shop"),
    path("items/<int:pk>/order/", views.order_item, name="shop-order-item"),
    path("items/<int:pk>/edit/", views.edit_item, name="shop-keeper-edit-item"),
    path("orders/", views.my_orders, name="shop-my-orders"),
    path("orders/<int:pk>/", views.order_page, name="shop-order"),
    path("orders/<int:pk>/cancel/", views.cancel_order, name="shop-order-cancel"),
    path("orders/<int:pk>/pick-up/", views.pick_up_order, name="shop-keeper-pick-up"),
    path("keeper/", views.keeper, name="shop-keeper"),
    path("keeper/pick-up/", views.pick_up_code, name="shop-keeper-pick-up-code"),
    path("keeper/items/", views.new_item, name="shop-keeper-new-item"),
]
