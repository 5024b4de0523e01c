"""Work orders: the orders to build a quantity of one product on one line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    from .client import Client

STATES = ("DRAFT", "RELEASED", "IN_PROGRESS", "ON_HOLD", "COMPLETED", "CANCELED")
"""The states of a work order, in the order an order normally passes through them."""


@dataclass(frozen=True)
class WorkOrder:
    """A work order as the API returns it.

    Attributes:
        id: The order's number, e.g. ``WO-2026-0412``.
        product: The product (part number) to build, e.g. ``GBX-220``.
        line: The line the order is released to, e.g. ``L2``.
        quantity: How many good parts the order asks for.
        good_count: Good parts counted so far (after the end-of-line test).
        state: One of ``STATES``.
    """

    id: str
    product: str
    line: str
    quantity: int
    good_count: int
    state: str

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> "WorkOrder":
        """Build from the API's JSON object."""
        return cls(data["id"], data["product"], data.get("line", ""), data["quantity"], data.get("good_count", 0), data["state"])


class WorkOrders:
    """The ``/work-orders`` endpoints, as ``client.work_orders``."""

    def __init__(self, client: "Client"):
        self._client = client

    def list(self, line: str | None = None, state: str | None = None) -> Iterator[WorkOrder]:
        """Every work order, optionally of one line and in one state, across all pages."""
        for item in self._client.pages("/work-orders", line=line, state=state):
            yield WorkOrder.from_api(item)

    def get(self, order_id: str) -> WorkOrder:
        """One work order by its number.

        Raises:
            NotFound: When there is no such order.
        """
        return WorkOrder.from_api(self._client.request("GET", f"/work-orders/{order_id}"))

    def release(self, order_id: str, line: str) -> WorkOrder:
        """Release a DRAFT order to a line, which downloads its recipe to the stations.

        Raises:
            Conflict: ``E-WO-409`` when the line already runs another order, ``E-WO-422`` when the
                order's bill of materials or routing is incomplete.
        """
        return WorkOrder.from_api(self._client.request("POST", f"/work-orders/{order_id}/release", {"line": line}))

    def hold(self, order_id: str, reason: str) -> WorkOrder:
        """Put a RELEASED or IN_PROGRESS order ON_HOLD, with the reason shown to the line."""
        return WorkOrder.from_api(self._client.request("POST", f"/work-orders/{order_id}/hold", {"reason": reason}))

    def resume(self, order_id: str) -> WorkOrder:
        """Take an order off hold, back to the state it was in."""
        return WorkOrder.from_api(self._client.request("POST", f"/work-orders/{order_id}/resume"))

    def complete(self, order_id: str, short_reason: str | None = None) -> WorkOrder:
        """Complete an order; ``short_reason`` is required when it has not reached its quantity."""
        body = {"short_reason": short_reason} if short_reason else {}
        return WorkOrder.from_api(self._client.request("POST", f"/work-orders/{order_id}/complete", body))
