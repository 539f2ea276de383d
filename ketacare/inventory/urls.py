from django.urls import path

from ketacare.inventory import views

app_name = "inventory"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("locations/add/", views.location_add, name="location_add"),
    path("receive/", views.receive, name="receive"),
    path("stock/<uuid:stock_id>/", views.stock_page, name="stock"),
    path("stock/<uuid:stock_id>/transfer/", views.transfer, name="transfer"),
    path("stock/<uuid:stock_id>/remove/", views.remove, name="remove"),
    path("stock/<uuid:stock_id>/reverse/", views.reverse_entry, name="reverse"),
    path("locations/<uuid:location_id>/count/", views.count, name="count"),
    path("counts/<uuid:count_id>/resolve/", views.resolve, name="resolve"),
]
