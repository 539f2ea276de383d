from decimal import Decimal

from django import template

from ketacare.inventory.models import Lot
from ketacare.inventory.models import amount as _amount

register = template.Library()


@register.filter
def amount(quantity: Decimal | None) -> str:
    """A ledger quantity as people write it (0.2, 10), never 0.200."""
    return "" if quantity is None else _amount(Decimal(quantity))


@register.filter
def mg(quantity: Decimal | None, lot: Lot) -> str:
    """A quantity of `lot` in milligrams."""
    return "" if quantity is None else _amount(Decimal(quantity) * lot.mg_per_unit)
