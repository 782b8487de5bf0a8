"""Coca-farming households as numpy columns, with their monthly rules over the columns.

One row (slot) per household, in one block of slots per region (``slots.py``). Areas are simulated
hectares; multiply by ``weight`` for real hectares. The per-household rules are compiled loops
(``rules.py``) that read each column once a month, block by block, and write into work buffers
allocated with the layout and reused every month. Per-region sums of coca are cached between
changes.

Households start in equilibrium with the initial prices: a per-region barrier ``theta`` (the
unobserved costs of growing coca there: distance to markets, soils, social norms) is fitted so that
the households' target areas add up to the region's initial coca. Migration and entry respond to
changes in a region's attractiveness since the start, so the baseline does not drift by
construction; policies and markets move it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.scenario.behaviour import HouseholdParams
from model.sim.households import regional, rules
from model.sim.households.eradication import eradicate_fields
from model.sim.households.migration import Migration
from model.sim.households.slots import FLOAT, SlotBlocks, Uniforms, draws_for, thresholds
from model.sim.world import World

# Land rent grows without bound as a region fills; the share is capped to keep it finite.
MAX_FILL = 0.999


@dataclass
class EradicationOutcome:
    """What one month of eradication did, per region (real hectares).

    ``aerial_ha``, ``manual_ha`` and ``voluntary_ha`` are coca destroyed or removed;
    ``aerial_area_ha`` and ``manual_area_ha`` the area treated, as governments record it.
    """

    aerial_ha: np.ndarray
    manual_ha: np.ndarray
    voluntary_ha: np.ndarray
    lost_income_usd: np.ndarray
    hit: np.ndarray  # per household slot: hit by forced eradication this month
    span: tuple[int, int] = (0, 0)  # slots outside [lo, hi) were not hit
    aerial_area_ha: np.ndarray | None = None
    manual_area_ha: np.ndarray | None = None

    @property
    def forced_ha(self) -> np.ndarray:
        """Coca removed by spraying and manual eradication per region."""
        return self.aerial_ha + self.manual_ha

    @property
    def any_hit(self) -> bool:
        """Whether any household was visited this month."""
        return self.span[1] > self.span[0]


def per_region(value: float | np.ndarray, n_regions: int) -> np.ndarray:
    """One value per region, as a new float array (a scalar repeated): one type for numba."""
    return np.array(np.broadcast_to(np.asarray(value, dtype=FLOAT), (n_regions,)), dtype=FLOAT)


class Households(SlotBlocks, Migration):
    """All coca-farming households of the model, one row each."""

    def __init__(self, world: World, params: HouseholdParams, rng: np.random.Generator):
        """Create households so that each region's coca matches its initial area.

        Args:
            world: the regions.
            params: household behaviour.
            rng: generator for the initial draws.

        """
        self.world = world
        self.params = params
        R = world.n_regions
        self.weight = 1.0 / params.scale
        mean_land = params.mean_land_ha
        # Households per region: enough land for the initial coca plus settlers on the frontier.
        need = world.initial_coca_ha / (0.45 * mean_land) + 0.05 * world.suitable_ha / mean_land
        full = params.full_scale_households * need / max(need.sum(), 1e-12)
        counts = np.floor(full * params.scale + rng.random(R)).astype(np.int64)
        counts = np.where((world.initial_coca_ha > 0) & (counts == 0), 1, counts)
        if params.full_scale_households == 0:
            counts[:] = 0
        self.n_active = self._start_count = int(counts.sum())
        # Newcomers allowed over the whole run, and their farms, drawn up front.
        self._entry_room = int(np.ceil(self.n_active * (1 + params.spare_capacity))) - self.n_active
        sigma = 0.6  # land and licit productivity vary a lot between farms
        n, m = self.n_active, max(self._entry_room, 1)
        land = mean_land * rng.lognormal(-(sigma**2) / 2, sigma, n + m)
        licit = rng.lognormal(-(0.3**2) / 2, 0.3, n + m)
        self._newcomer_land, self._newcomer_licit = land[n:], licit[n:]
        self._newcomers = 0

        super().__init__(counts)
        slots = self.occupied_slots()
        self.occupied[slots] = True
        self.land[slots] = land[:n]
        self.licit_factor[slots] = licit[:n]
        self.inv_licit[slots] = 1.0 / licit[:n]
        self.half_cap[:] = 0.5 * params.max_coca_share * self.land
        self.land_r = self.sum(self.land)
        self._offset = np.zeros(R)  # per region: profit_sensitivity * (1 + theta)
        self._ad_gain = 0.0
        self._migration_cost = None
        self._neighbour_means = world.neighbour_means()
        self.theta = np.zeros(R, FLOAT)
        self.amenity = np.zeros(R, FLOAT)
        self.expected_price = np.zeros(R, FLOAT)  # farm-gate leaf price expected, US$/kg

    # ------------------------------------------------------------------ region totals

    def coca(self) -> np.ndarray:
        """Coca of each household, mature and immature, simulated hectares."""
        return self.mature + self.immature

    def area_by_region(self) -> tuple[np.ndarray, np.ndarray]:
        """Real hectares of mature and of immature coca per region."""
        if self._area_r is None:
            self._area_r = (self.sum(self.mature), self.sum(self.immature))
            self._area_stale[:] = False
        elif self._maybe_stale and self._area_stale.any():  # the blocks a move or an exit changed
            stale, starts, fills = self._area_stale, self._block_starts, self.fill
            rules.filled_block_sums(self.mature, starts, fills, stale, self._area_r[0])
            rules.filled_block_sums(self.immature, starts, fills, stale, self._area_r[1])
            self._area_stale[:] = False
            self._area_real = None
        self._maybe_stale = False
        if self._area_real is None or self._area_real[0] is not self._area_r:
            # Asked for several times a month: worked out once per change (read-only, shared).
            real = np.empty((3, self.n_regions))
            regional.real_areas(*self._area_r, self.weight, real)
            real.setflags(write=False)
            self._area_real = (self._area_r, *real)
        return self._area_real[1], self._area_real[2]

    def region_hectares(self) -> np.ndarray:
        """Real hectares of coca per region."""
        self.area_by_region()
        return self._area_real[3]

    def region_mean_risk(self, regions: np.ndarray | None = None) -> np.ndarray:
        """Mean perceived risk of each region's households, 0 where none live (or off ``regions``)."""
        total = np.zeros(self.n_regions)  # empty slots have no risk: no mask needed
        rules.filled_block_sums(self.risk, self._block_starts, self.fill, regions, total)
        return self.mean(total)

    def growing_and_mean_risk(self) -> tuple[np.ndarray, np.ndarray]:
        """Households (real) with any coca, and their mean perceived risk, per region."""
        R = self.n_regions
        growing, total = np.empty(R, np.int64), np.empty(R)
        rules.growing_and_risk(
            self.mature, self.immature, self.risk, self._block_starts, self.fill, growing, total
        )
        return growing * self.weight, self.mean(total)

    # ------------------------------------------------------------------ the start

    def land_rent(self, coca_ha_r: np.ndarray) -> np.ndarray:
        """Cost of clearing and holding coca land per region, US$/ha/yr: crowding.

        It grows as f / (1 - f) with the share f of a region's suitable land under coca, so a
        region's returns fall as it fills and it approaches its limit smoothly.
        """
        return self.rent_and_free_land(coca_ha_r)[0]

    def rent_and_free_land(self, coca_ha_r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Land rent (see :meth:`land_rent`) and free suitable land (real ha) per region."""
        rent, free = np.empty(self.n_regions), np.empty(self.n_regions)
        regional.rent_and_free_land(np.asarray(coca_ha_r, dtype=FLOAT), self.world.suitable_ha,
                                    self.params.land_rent_usd_ha, MAX_FILL, rent, free)  # fmt: skip
        return rent, free

    def profit_advantage(
        self, net_revenue_ha: np.ndarray, licit_r: np.ndarray, rent_r: np.ndarray
    ) -> np.ndarray:
        """Relative advantage of coca over licit crops for each household (unitless).

        Args:
            net_revenue_ha: expected coca revenue net of tax, US$/ha/yr, per region, before the
                household's own risk.
            licit_r: licit income per region, US$/ha/yr.
            rent_r: land rent per region, US$/ha/yr (see :meth:`land_rent`).

        """
        licit = self.per_slot(licit_r) / self.inv_licit
        revenue = self.per_slot(net_revenue_ha) * (1.0 - self.risk)
        cost = self.params.production_cost_usd_ha + self.per_slot(rent_r)
        return (revenue - cost - licit) / licit

    def start_in_equilibrium(
        self, net_revenue_ha, licit_r, ad_gain: float, yearly_risk_r: np.ndarray
    ) -> None:
        """Fit each region's barrier so that target areas add up to its initial coca.

        Args:
            net_revenue_ha: expected net coca revenue per region at the start, US$/ha/yr.
            licit_r: licit income per region, US$/ha/yr.
            ad_gain: rise of licit income after voluntary substitution, share.
            yearly_risk_r: eradication risk households expect per region, share per year.

        """
        self._ad_gain = ad_gain
        R = self.n_regions
        self.risk[:] = np.where(self.occupied, self.per_slot(yearly_risk_r), 0.0)
        self.inv_licit[:] = 1.0 / (self.licit_factor * np.where(self.substituted, 1 + ad_gain, 1))
        goal = self.world.initial_coca_ha / self.weight
        rent = self.land_rent(self.world.initial_coca_ha)
        advantage = self.profit_advantage(net_revenue_ha, licit_r, rent)
        lo, hi = np.full(R, -30.0), np.full(R, 30.0)
        k = self.params.profit_sensitivity
        # A goal below the area at the usual top barrier (no coca at all, say) needs a far higher
        # barrier, and one above the area at the usual bottom barrier (coca filling the suitable
        # land, where land rent soars) a far lower one; every other region keeps the usual range,
        # and so the same result.
        floor = self._target_areas(advantage, hi, self._work)
        hi[floor > goal] = 1e9
        ceiling = self._target_areas(advantage, lo, self._work)
        lo[ceiling < goal] = -1e9
        rules.fit_barriers(advantage, self.half_cap, k, goal, self._block_starts, lo, hi, 60,
                           self._work)  # fmt: skip
        self.theta = (lo + hi) / 2
        self._offset = k * (1.0 + self.theta)
        # All coca starts mature: in these rules a field planted at equilibrium is never renewed.
        self._target_areas(advantage, self.theta, self.mature)
        self.immature[:] = 0.0
        self._area_r = None
        # Regions' amenities (everything the model does not represent that makes households
        # stay where they are: family, land titles, violence) are recovered so that the start
        # is a spatial equilibrium: nobody gains by moving, entering or leaving.
        self.amenity = -self.region_attractiveness(net_revenue_ha, licit_r, rent)

    def _target_areas(self, advantage, barrier_r, out) -> np.ndarray:
        """Each household's target area at its region's barrier into ``out``; region sums."""
        k = self.params.profit_sensitivity
        sums = np.empty(self.n_regions)
        return rules.target_areas(advantage, self.half_cap, k, barrier_r, self._block_starts, out,
                                  sums)  # fmt: skip

    def region_attractiveness(self, net_revenue_ha, licit_r, rent_r, buyers=None) -> np.ndarray:
        """What living and growing coca in each region is worth to a typical household now.

        The coca advantage of a household with the region's mean risk, at current expected
        prices, tax and land rent, net of the region's barrier, plus its amenity (unitless, a
        share of licit income; 0 is what the region offered at the start, the outside option).
        Where ``buyers`` (organisations buying per region, if given) is 0, coca does not pay:
        the value is -1.
        """
        # Fresh from ``update_beliefs`` unless risk or land changed since (used once).
        at_risk, self._at_risk = self._at_risk, None
        if at_risk is None:
            at_risk = rules.product_block_sums(
                self.risk, self.land, self._block_starts, self._work, np.empty(self.n_regions)
            )
        value = np.empty(self.n_regions)
        net, licit, rent = (np.asarray(x, FLOAT) for x in (net_revenue_ha, licit_r, rent_r))
        regional.attractiveness(net, licit, rent, at_risk, self.land_r,
                                self.params.production_cost_usd_ha, self.theta, self.amenity,
                                buyers, value)  # fmt: skip
        return value

    # ------------------------------------------------------------------ monthly rules

    def lose_crops(self, regions: np.ndarray, share: float) -> None:
        """A share of every household's coca in ``regions`` (a mask) is lost at once."""
        kept = 1.0 - np.where(regions, share, 0.0)
        column = self.per_slot(kept)
        self.mature *= column
        self.immature *= column
        self._area_r = None

    def learn_prices(self, price_r: np.ndarray) -> None:
        """Move the expected farm-gate price toward this month's price."""
        regional.move_toward(self.expected_price, price_r, self.params.price_learning_rate)

    def harvest(self, yield_kg_ha_r: np.ndarray) -> np.ndarray:
        """Leaf harvested this month per region, real kg."""
        return self.area_by_region()[0] * yield_kg_ha_r / 12.0

    def eradicate(
        self,
        planned_ha: np.ndarray,
        kill_aerial: float | np.ndarray,
        kill_manual: float | np.ndarray,
        adaptation: float,
        legal_ha: np.ndarray,
        revenue_ha: np.ndarray,
        u: Uniforms,
        present_ha: np.ndarray | None = None,
    ) -> EradicationOutcome:
        """Spray, eradicate by hand and offer substitution as planned per region (real hectares).

        The plan gives hectares treated, as governments record them. A household is treated with
        a probability set so that the expected area treated equals the plan (at most all of it in
        a month); treatment destroys the kill rate of its treated coca, so a higher kill rate
        always destroys more and eradication never exceeds the coca present. Coca up to the legal
        area is spared. Only the slots of regions with a plan are visited.

        Args:
            planned_ha: 3 x R hectares to treat this month: sprayed, eradicated by hand, and
                offered voluntary substitution.
            kill_aerial: share of the coca on a sprayed hectare that dies, before adaptation
                (one for all regions, or one per region).
            kill_manual: share of the coca on a manually eradicated hectare removed (one for
                all regions, or one per region).
            adaptation: farmers' adaptation to repeated spraying (see
                ``eradication.eradicate_fields``).
            legal_ha: legal coca area per region, real hectares.
            revenue_ha: gross coca revenue per region, US$/yr per hectare (for lost income).
            u: the draws of the slots (see ``slots.Uniforms``).
            present_ha: coca per region now, real hectares, if already known.

        """
        p = self.params
        R = self.n_regions
        if planned_ha.max(initial=0.0) <= 0:
            return self.no_eradication()
        self._clear_hits()
        present = self.region_hectares() if present_ha is None else present_ha
        eligible = np.maximum(present - legal_ha, 0.0)
        eligible_share = np.divide(eligible, present, out=np.zeros(R), where=present > 0)
        base = np.maximum(eligible, 1e-9)
        aerial, manual, voluntary = planned_ha
        pa = np.minimum(aerial / base, 1.0)
        pm = np.minimum(manual / base, 1.0 - pa)
        pv = np.minimum(voluntary / base, 1.0 - pa - pm)
        pa, pm, pv = (x * (eligible > 0) for x in (pa, pm, pv))
        edge_a, edge_m = pa, pa + pm
        edge_v = edge_m + pv
        b0, b1, lo, hi = self.span(edge_v > 0)
        self._hit_span = (lo, hi)
        if lo == hi:
            return self.no_eradication()
        draws = draws_for(u, lo, hi)
        if self._removed_by.shape[1] < hi - lo:
            self._removed_by = np.empty((6, self.capacity))
        sums = np.empty((6, b1 - b0))
        starts = self.start[b0:b1] - lo
        eradicate_fields(
            draws, lo, starts, thresholds(draws, edge_a)[b0:b1],
            thresholds(draws, edge_m)[b0:b1], thresholds(draws, edge_v)[b0:b1],
            eligible_share[b0:b1], *(per_region(k, R)[b0:b1] for k in (kill_aerial, kill_manual)),
            adaptation, p.replant_forced, p.replant_voluntary, 1.0 + self._ad_gain, self.mature,
            self.immature, self.replanting, self.sprayed, self.substituted, self.inv_licit,
            self.licit_factor, self._hit, self._removed_by,
        )  # fmt: skip
        for k in range(6):
            rules.block_sums(self._removed_by[k, : hi - lo], starts, sums[k])
        self._area_stale[b0:b1] = True
        self._maybe_stale = True
        by_region = np.zeros((6, R))
        by_region[:, b0:b1] = sums * self.weight
        return EradicationOutcome(
            aerial_ha=by_region[0],
            manual_ha=by_region[1],
            voluntary_ha=by_region[2],
            lost_income_usd=by_region[3] * revenue_ha,
            hit=self._hit,
            span=(lo, hi),
            aerial_area_ha=by_region[4],
            manual_area_ha=by_region[5],
        )

    def _clear_hits(self) -> None:
        lo, hi = self._hit_span
        self._hit[lo:hi] = False
        self._hit_span = (0, 0)

    def no_eradication(self) -> EradicationOutcome:
        """A month without eradication: last month's hits are cleared and nothing is removed."""
        self._clear_hits()
        zeros = np.zeros(self.n_regions)
        return EradicationOutcome(
            zeros, zeros, zeros, zeros.copy(), self._hit, (0, 0), zeros, zeros
        )

    def update_beliefs(
        self, hit: np.ndarray, eradicated_share_r: np.ndarray, span: tuple[int, int] | None = None
    ) -> None:
        """Move perceived yearly eradication risk toward what households saw.

        Also sums each region's risk-weighted land for the next ``region_attractiveness`` call
        (used once; migration and entry discard it, and a caller that writes ``risk`` or ``land``
        in between must set ``_at_risk`` to None).

        Args:
            hit: households hit by forced eradication this month.
            eradicated_share_r: share of each region's coca eradicated this month (its
                neighbours' count too, by ``neighbour_risk_weight``).
            span: slots outside ``[lo, hi)`` were not hit (all slots are checked if omitted).

        """
        p = self.params
        lr = p.risk_learning_region
        added = None
        if eradicated_share_r.max(initial=0.0) > 0:
            yearly = 1.0 - (1.0 - np.minimum(eradicated_share_r, 1.0)) ** 12
            if p.neighbour_risk_weight > 0:  # campaigns next door may come here next
                yearly = yearly + p.neighbour_risk_weight * (self._neighbour_means @ yearly)
            added = lr * yearly
        lo, hi = (0, self.capacity) if span is None else span
        self._at_risk = np.empty(self.n_regions)
        rules.learn_risk(self.risk, 1.0 - lr, added, self._block_starts, self.fill, hit, lo, hi,
                         p.risk_learning_own, self.occupied, self.land, self._work,
                         self._at_risk)  # fmt: skip

    def adjust_area(
        self,
        net_revenue_ha: np.ndarray,
        licit_r: np.ndarray,
        rent_r: np.ndarray,
        free_ha_r: np.ndarray,
    ) -> np.ndarray:
        """Plant toward or abandon down to the target area, with inertia; then crops mature.

        Coca destroyed by eradication that farmers replant comes back over the following months.
        Planting is cut back pro rata where it would exceed the region's free suitable land.

        Args:
            net_revenue_ha: expected net coca revenue per region, US$/ha/yr.
            licit_r: licit income per region, US$/ha/yr.
            rent_r: land rent per region, US$/ha/yr.
            free_ha_r: free suitable land per region, real hectares.

        Returns:
            Real hectares planted per region this month.

        """
        p = self.params
        k = p.profit_sensitivity
        R = self.n_regions
        net, licit = net_revenue_ha, licit_r
        # The household's advantage z (see ``rules.target_area``), with its per-region parts
        # worked out once: z = (base - per_ha * risk) * inv_licit - offset.
        per_ha, base = np.empty(R), np.empty(R)
        regional.planting_terms(np.asarray(net, dtype=FLOAT), np.asarray(licit, dtype=FLOAT),
                                np.asarray(rent_r, dtype=FLOAT), k, p.production_cost_usd_ha,
                                per_ha, base)  # fmt: skip
        planted = np.empty(R)
        area = (np.empty(R), np.empty(R))
        spray_memory = 1.0 - 1.0 / p.spray_memory_months
        rules.tend_fields(
            self._block_starts, self.fill, per_ha, base, self.risk, self.inv_licit, self._offset,
            self.half_cap, self.mature, self.immature, self.replanting, self.sprayed,
            np.asarray(free_ha_r, dtype=FLOAT), self.weight, p.planting_rate, p.abandon_rate,
            1.0 / p.maturity_months, 1.0 / p.replant_months, spray_memory, self._work,
            self._work2, planted, *area,
        )  # fmt: skip
        self._area_r = area
        if self._maybe_stale:  # otherwise no block is marked stale
            self._area_stale[:] = False
            self._maybe_stale = False
        return planted
