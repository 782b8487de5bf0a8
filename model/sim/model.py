"""The balloon-effect model: a Mesa model whose month is one readable function."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
from mesa import Model

from model.scenario.schema import Scenario
from model.sim.agents import (
    ArmedGroup,
    ForeignSponsor,
    Government,
    TraffickingOrganisation,
    armed_groups_month,
)
from model.sim.households import Households
from model.sim.kernels import armed_group_rule, revenue_in_group_regions, strongest_pressure
from model.sim.market import CocaineMarket
from model.sim.policies import PolicyPlan
from model.sim.recorder import Recorder
from model.sim.traffickers import TraffickerArrays
from model.sim.world import World


class BalloonModel(Model):
    """Coca farmers, governments, a sponsor, traffickers and armed groups around one market.

    Attributes:
        params: the validated scenario being run (Mesa's own ``scenario`` holds only the rng).
        world: regions, countries and the migration network.
        households: every coca-farming household, as numpy columns.
        market: cocaine demand and prices.
        recorder: monthly outputs; see ``regions``, ``countries``, ``system`` and ``traffickers``.

    """

    def __init__(
        self, scenario: Scenario | None = None, rng: int | np.random.Generator | None = None
    ):
        """Build the world, households and agents of a scenario.

        Args:
            scenario: the scenario; the default Andean baseline if omitted.
            rng: seed or generator; defaults to the scenario's seed.

        """
        scenario = scenario if scenario is not None else Scenario()
        super().__init__(rng=scenario.seed if rng is None else rng)
        self.params = scenario
        self.world = World.from_scenario(scenario, random=self.random)
        streams = self.rng.spawn(6)
        (setup_rng, self._eradication_rng, self._migration_rng, self._entry_rng,
         self._seizure_rng, self._relocation_rng) = streams  # fmt: skip
        # Per-household draws come from fixed places in these streams (see ``_slot_draws``).
        self._eradication_draws = (
            self._eradication_rng.bit_generator,
            self._eradication_rng.bit_generator.state,
        )
        self._migration_draws = (self._migration_rng.bit_generator,
                                 self._migration_rng.bit_generator.state)  # fmt: skip
        self.t = 0
        self.plan = PolicyPlan.from_scenario(scenario, self.world)
        self.households = Households(self.world, scenario.households, setup_rng)
        self.market = CocaineMarket(scenario.market, scenario.channels.price_response)
        self.governments = [Government(self, c, self.plan) for c in range(self.world.n_countries)]
        self.sponsor = ForeignSponsor(self, self.plan.aid_budget_usd_yr)
        self.traffickers = self._create_traffickers()
        self.armed_groups = self._create_armed_groups()
        masks = [g.regions for g in self.armed_groups]
        self._group_regions = np.array(masks, dtype=bool).reshape(len(masks), self.world.n_regions)
        self._group_countries = np.zeros((len(masks), self.world.n_countries), bool)
        for k, group in enumerate(self.armed_groups):
            self._group_countries[k, group.countries] = True
        self._licit_r1 = np.append(self.world.licit_income_usd_ha, 1.0)
        self._yield_r1 = np.zeros(self.world.n_regions + 1)  # yield net of tax, then 0
        self._events = self._index_events()
        self._price_shocks: list[tuple[np.ndarray, float, int]] = []
        self.recorder = Recorder(self)
        self._start_in_equilibrium()

    # ------------------------------------------------------------------ set-up

    def _create_traffickers(self) -> list[TraffickingOrganisation]:
        world = self.world
        specs = self.params.traffickers.organisations
        present = np.zeros((len(specs), world.n_regions), bool)
        allowed = np.ones((len(specs), world.n_regions), bool)
        for k, spec in enumerate(specs):
            present[k] = [name in spec.regions for name in world.names]
            if spec.countries is not None:
                allowed[k] = [world.countries[c] in spec.countries for c in world.country_of]
        self.trafficking = TraffickerArrays(
            self.params.traffickers, world.country_of, world.n_countries, present, allowed
        )
        return [
            TraffickingOrganisation(self, spec.name, self.trafficking, k)
            for k, spec in enumerate(specs)
        ]

    def _create_armed_groups(self) -> list[ArmedGroup]:
        groups = []
        for spec in self.params.armed_groups.groups:
            mask = np.array([name in spec.regions for name in self.world.names])
            if mask.any():
                groups.append(ArmedGroup(self, spec.name, mask, spec.strength, spec.tax_rate))
        return groups

    def _index_events(self) -> dict[int, list]:
        events = defaultdict(list)
        for event in self.params.events:
            t = self.params.month_index(event.date)
            if 0 <= t < self.params.months:
                events[t].append(event)
        return events

    def _start_in_equilibrium(self) -> None:
        for government in self.governments:
            government.set_capacity(0)
            self.trafficking.risk[:, government.country] = government.interdiction
        price = self.farmgate_prices()
        self.expected_price = np.append(price, 0.0)
        hh = self.households
        # Farmers start expecting the eradication the first month's plans imply.
        coca = self.world.initial_coca_ha
        protection, strength, _ = self.protection()
        planned = sum(
            g.plan_eradication(0, coca, protection, strength)[:2].sum(axis=0)
            for g in self.governments
        )
        monthly = np.divide(planned, coca, out=np.zeros_like(coca), where=coca > 0)
        hh.risk[:] = np.append(1.0 - (1.0 - np.clip(monthly, 0, 1)) ** 12, 0.0)[hh.region]
        hh.start_in_equilibrium(
            self._net_revenue_ha(self.expected_price),
            self._licit(),
            self.params.government.alternative_development_income_gain,
        )
        leaf_kg = hh.harvest(self.world.yield_kg_ha)
        production = (
            (leaf_kg * (price > 0)).sum() / self.params.traffickers.leaf_per_kg_cocaine / 1000
        )
        seizure = np.array([g.interdiction for g in self.governments])
        by_country = np.bincount(self.world.country_of, weights=leaf_kg, minlength=len(seizure))
        share = by_country / by_country.sum() if by_country.sum() > 0 else by_country
        self.market.start_in_equilibrium(production, float(share @ seizure))
        free = np.maximum(self.world.suitable_ha - hh.region_hectares(), 0.0)
        potential = self._potential_supply_t(hh.region_hectares(), free)
        self.trafficking.set_barriers(self.market.source_price, potential, self.world.accessibility)

    # ------------------------------------------------------------------ region-level quantities

    def _potential_supply_t(self, coca_ha, free_ha) -> np.ndarray:
        """Cocaine a buyer could source per region and month: current leaf plus frontier, tonnes."""
        tp = self.params.traffickers
        leaf_kg = (coca_ha + tp.frontier_uptake * free_ha) * self.world.yield_kg_ha / 12.0
        return leaf_kg / tp.leaf_per_kg_cocaine / 1000.0

    def _licit(self) -> np.ndarray:
        return self._licit_r1

    def protection(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per region: reach removed by armed groups, their strength, and their tax rate.

        The strongest group present rules a region (the first listed on a tie).
        """
        R = self.world.n_regions
        if not self.armed_groups:
            return np.zeros(R), np.zeros(R), np.zeros(R)
        groups = self.armed_groups
        strength_g = np.array([g.strength for g in groups])
        levy_g = np.array([g.tax_rate * g.strength_gate() for g in groups])
        strength, tax = armed_group_rule(self._group_regions, strength_g, levy_g)
        return self.params.armed_groups.protection * strength, strength, tax

    def buyers(self) -> np.ndarray:
        """Trafficking organisations buying in each region."""
        return self.trafficking.buyers()

    def farmgate_prices(self) -> np.ndarray:
        """Farm-gate leaf price per region, US$/kg: the buyers' mean bid less their markdown."""
        price = self.trafficking.farmgate_prices(self.market.source_price)
        for factor, region_mask, until in self._price_shocks:
            if self.t <= until:
                price = np.where(region_mask, price * factor, price)
        return price

    def _net_revenue_ha(self, price_r1: np.ndarray, tax: np.ndarray | None = None) -> np.ndarray:
        """Expected coca revenue net of armed-group tax, US$/ha/yr (length R + 1)."""
        if tax is None:
            _, _, tax = self.protection()
        net_yield = self._yield_r1
        np.multiply(self.world.yield_kg_ha, 1.0 - tax, out=net_yield[:-1])
        return price_r1 * net_yield

    # ------------------------------------------------------------------ the month

    def step(self) -> None:
        """Advance one month: every mechanism, in order."""
        t = self.t
        world, hh, p = self.world, self.households, self.params
        R = world.n_regions
        self._apply_events(t)

        # 1. Aid and policy capacity for the month.
        production_history = self.recorder.country_cocaine_history()
        aid = self.sponsor.allocate(t, production_history)
        for government in self.governments:
            government.aid_usd_yr = aid[government.country]
            government.set_capacity(t)
        protection, strength, tax = self.protection()

        # 2. Traffickers post prices; farmers harvest and sell where someone buys.
        price = self.farmgate_prices()
        buyers = self.buyers()
        mature_ha, immature_ha = hh.area_by_region()
        leaf_kg = mature_ha * world.yield_kg_ha / 12.0
        sold_kg = leaf_kg * (buyers > 0)
        revenue_usd = sold_kg * price

        # 3. Eradication and voluntary substitution hit households' fields.
        coca_ha = mature_ha + immature_ha
        planned = np.zeros((3, R))
        eradicating = False
        for government in self.governments:
            if government.eradicates(t):
                planned += government.plan_eradication(t, coca_ha, protection, strength)
                eradicating = True
        gross_revenue_ha = price * world.yield_kg_ha
        g = p.government
        outcome = hh.eradicate(
            planned[0], planned[1], planned[2], g.aerial_kill_rate, g.manual_kill_rate,
            world.legal_ha, gross_revenue_ha, self._slot_draws(self._eradication_draws, t),
            present_ha=coca_ha,
        ) if eradicating else hh.no_eradication()  # fmt: skip
        forced_ha = outcome.aerial_ha + outcome.manual_ha
        removed_ha = forced_ha + outcome.voluntary_ha
        if removed_ha.any():
            C = world.n_countries
            coca_income = np.bincount(
                world.country_of, weights=coca_ha * gross_revenue_ha, minlength=C
            )
            lost = np.bincount(world.country_of, weights=outcome.lost_income_usd, minlength=C)
        else:
            coca_income = lost = np.zeros(world.n_countries)
        for government in self.governments:
            c = government.country
            government.update_backlash(lost[c], coca_income[c], t)

        # 4. Farmers learn risk and prices, then plant toward or abandon down to their targets.
        eradicated_share = (
            np.divide(forced_ha, coca_ha, out=np.zeros(R), where=coca_ha > 0)
            if outcome.span[1] > outcome.span[0]
            else forced_ha  # all zero
        )
        hh.update_beliefs(outcome.hit, eradicated_share, outcome.span)
        lr = p.households.price_learning_rate
        self.expected_price[:R] += lr * (price - self.expected_price[:R])
        net_revenue = self._net_revenue_ha(self.expected_price, tax)
        licit = self._licit()
        # Coca after eradication and replanting, from the month's region totals.
        replanted = (
            forced_ha * p.households.replant_forced
            + outcome.voluntary_ha * p.households.replant_voluntary
        )
        free_ha = np.maximum(world.suitable_ha - (coca_ha - removed_ha + replanted), 0.0)
        planted = hh.adjust_area(net_revenue, licit, free_ha)
        coca_now = hh.region_hectares()

        # 5. Households migrate and new ones enter where coca now pays better.
        excess = hh.region_attractiveness(net_revenue, licit) - hh.reference_attractiveness
        excess[:R] = np.where(buyers > 0, excess[:R], -1.0)
        leaving = arriving = entering = np.zeros(R)
        free_ha = np.maximum(world.suitable_ha - coca_now, 0.0)
        if p.channels.household_migration:
            leaving, arriving = hh.migrate(
                excess, free_ha, outcome.hit, self._slot_draws(self._migration_draws, t)
            )
            if leaving.any():
                free_ha = np.maximum(world.suitable_ha - hh.region_hectares(), 0.0)
        if p.channels.household_entry:
            entering = hh.enter(excess, free_ha, buyers > 0, self._entry_rng)

        # 6. Traffickers buy, ship and lose part to seizures; they learn and relocate.
        leaf_per_kg = p.traffickers.leaf_per_kg_cocaine
        cocaine_t = sold_kg / leaf_per_kg / 1000.0
        interdiction = np.array([gov.interdiction for gov in self.governments])
        trafficking = self.trafficking
        noise = self._seizure_rng.lognormal(-0.045, 0.3, (trafficking.n, world.n_countries))
        relocation_draws = self._relocation_rng.random(trafficking.n)
        bought_t = trafficking.buy_and_ship(cocaine_t, buyers, interdiction, noise)
        if p.channels.trafficker_relocation:
            potential_t = self._potential_supply_t(coca_ha, free_ha)
            trafficking.relocate(
                self.market.source_price, buyers, bought_t, potential_t, relocation_draws
            )
        seized = trafficking.seized_t.sum(axis=0)

        # 7. Armed groups tax and grow or shrink.
        if self.armed_groups:
            in_regions = revenue_in_group_regions(self._group_regions, revenue_usd)
            pressure = np.array([gov.counterinsurgency for gov in self.governments])
            strongest = strongest_pressure(self._group_countries, pressure)
            armed_groups_month(self.armed_groups, in_regions, strongest, p.armed_groups)

        # 8. The market clears: wholesale price, demand and the source price.
        self.market.clear(t, float(cocaine_t.sum()), float(seized.sum()))

        self.recorder.record(
            t, hh=hh, price=price, leaf_kg=leaf_kg, cocaine_t=cocaine_t, outcome=outcome,
            planned=planned, planted=planted, leaving=leaving, arriving=arriving,
            entering=entering, buyers=buyers, strength=strength, seized=seized,
            interdiction=interdiction,
        )  # fmt: skip
        self.t += 1
        if self.t >= p.months:
            self.running = False

    @staticmethod
    def _slot_draws(stream: tuple[np.random.BitGenerator, dict], t: int):
        """Uniform uint32 draws for household slots ``lo..hi-1`` in month ``t``.

        Each month and slot has a fixed place in the stream, so a run draws only for the slots a
        mechanism visits, and skipping a mechanism never shifts later draws: a policy run and
        its counterfactual see the same numbers (common random numbers).
        """
        bits, state = stream

        def draw(lo: int, hi: int) -> np.ndarray:
            bits.state = state
            bits.advance((t << 40) + lo // 2)
            raw = bits.random_raw((hi + 1) // 2 - lo // 2)
            return raw.view(np.uint32)[lo % 2 : lo % 2 + hi - lo]

        return draw

    def _apply_events(self, t: int) -> None:
        world = self.world
        for event in self._events.get(t, []):
            if event.kind == "leader_capture":
                for group in self.armed_groups:
                    if group.name == event.group:
                        group.capture_leader(event.factor)
            elif event.kind in ("trafficker_entry", "trafficker_exit"):
                r = world.region_index(event.region)
                for org in self.traffickers:
                    if org.name == event.trafficker:
                        org.present[r] = event.kind == "trafficker_entry"
            elif event.kind == "price_shock":
                mask = self._event_mask(event)
                self._price_shocks.append((event.factor, mask, t + event.months - 1))
            elif event.kind == "policy_cut":
                c = world.country_index(event.country)
                self.governments[c].cuts[event.instrument] = (event.factor, t + event.months - 1)
            elif event.kind == "legal_area":
                world.legal_ha[world.region_index(event.region)] = event.value

    def _event_mask(self, event) -> np.ndarray:
        world = self.world
        if event.region is not None:
            return np.arange(world.n_regions) == world.region_index(event.region)
        return world.country_of == world.country_index(event.country)

    # ------------------------------------------------------------------ running and outputs

    def run(self) -> BalloonModel:
        """Run every remaining month of the scenario."""
        self.run_for(self.params.months - self.t)
        return self

    @property
    def regions(self) -> pd.DataFrame:
        """Monthly outputs per region (tidy)."""
        return self.recorder.regions()

    @property
    def countries(self) -> pd.DataFrame:
        """Monthly outputs per country (tidy)."""
        return self.recorder.countries()

    @property
    def system(self) -> pd.DataFrame:
        """Monthly system-wide outputs."""
        return self.recorder.system()

    @property
    def trafficker_table(self) -> pd.DataFrame:
        """Monthly volumes and seizures per trafficking organisation and source country."""
        return self.recorder.traffickers()


def run_scenario(scenario: Scenario | None = None, seed: int | None = None) -> BalloonModel:
    """Build and run a scenario once; return the finished model (tables on its properties)."""
    return BalloonModel(scenario, rng=seed).run()
