"""Dated one-off events: leader captures, traffickers entering or leaving, price shocks, policy cuts.

A scenario's events are indexed by month once; each month the model hands its events to the actors
they concern. Price shocks last some months and scale farm-gate prices while they last.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from model.scenario.schema import Scenario


class Events:
    """The events of a scenario, by month, and the price shocks in force."""

    def __init__(self, scenario: Scenario):
        """Index the scenario's events by month (events outside the run are dropped)."""
        self._by_month: dict[int, list] = defaultdict(list)
        for event in scenario.events:
            t = scenario.month_index(event.date)
            if 0 <= t < scenario.months:
                self._by_month[t].append(event)
        self._price_shocks: list[tuple[float, np.ndarray, int]] = []

    def apply(self, model, t: int) -> None:
        """Let the events of month ``t`` happen to the model's actors."""
        world = model.world
        for event in self._by_month.get(t, []):
            if event.kind == "leader_capture":
                model.armed_groups.capture_leader(event.group, event.factor)
            elif event.kind in ("trafficker_entry", "trafficker_exit"):
                r = world.region_index(event.region)
                for org in model.traffickers:
                    if org.name == event.trafficker:
                        org.present[r] = event.kind == "trafficker_entry"
            elif event.kind == "price_shock":
                self._price_shocks.append(
                    (event.factor, _where(event, world), t + event.months - 1)
                )
            elif event.kind == "policy_cut":
                government = model.governments[world.country_index(event.country)]
                government.cuts[event.instrument] = (event.factor, t + event.months - 1)
            elif event.kind == "legal_area":
                world.legal_ha[world.region_index(event.region)] = event.value
            elif event.kind == "crop_loss":
                model.households.lose_crops(_where(event, world), event.factor)

    def shock_prices(self, price: np.ndarray, t: int) -> np.ndarray:
        """Farm-gate prices after the price shocks in force in month ``t``."""
        for factor, region_mask, until in self._price_shocks:
            if t <= until:
                price = np.where(region_mask, price * factor, price)
        return price


def _where(event, world) -> np.ndarray:
    """The regions an event concerns: its region, or every region of its country."""
    if event.region is not None:
        return np.arange(world.n_regions) == world.region_index(event.region)
    return world.country_of == world.country_index(event.country)
