"""The balloon-effect model: a Mesa model whose month is one short, readable function."""

from __future__ import annotations

import numpy as np
import pandas as pd
from mesa import Model

from model.scenario.schema import Scenario
from model.sim import flows
from model.sim.armed_groups import ArmedGroups
from model.sim.events import Events
from model.sim.governments import Government
from model.sim.households import Households
from model.sim.households.draws import SlotStream
from model.sim.inputs import DatedInputs
from model.sim.market import CocaineMarket
from model.sim.month import Month
from model.sim.policies import PolicyPlan, kill_rates
from model.sim.recorder import Recorder
from model.sim.sponsor import ForeignSponsor
from model.sim.traffickers import TraffickerArrays, TraffickingOrganisation
from model.sim.world import World


class BalloonModel(Model):
    """Coca farmers, governments, a sponsor, traffickers and armed groups around one market.

    Attributes:
        params: the validated scenario being run (Mesa's own ``scenario`` holds only the rng).
        world: regions, countries and the migration network.
        households: every coca-farming household, as numpy columns.
        governments: one per country, in the world's country order.
        sponsor: the foreign sponsor.
        trafficking: the trafficking organisations' state and rules; ``traffickers`` their agents.
        armed_groups: the armed groups and where they are.
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
        (setup_rng, eradication_rng, migration_rng, entry_rng, seizure_rng, relocation_rng,
         exit_rng) = self.rng.spawn(7)  # fmt: skip
        # Per-household draws come from fixed places in these streams (see ``SlotStream``); so
        # do the regions' counts of entrants.
        self._eradication_draws, self._migration_draws, self._entry_draws, self._exit_draws = (
            SlotStream(rng) for rng in (eradication_rng, migration_rng, entry_rng, exit_rng)
        )
        self.t = 0
        self.plan = PolicyPlan.from_scenario(scenario, self.world)
        self.kill_rates = kill_rates(scenario, self.world)  # aerial, manual; per region
        self.events = Events(scenario)
        self.households = Households(self.world, scenario.households, setup_rng)
        self.inputs = DatedInputs.from_scenario(scenario, self.world)
        self.market = CocaineMarket(
            scenario.market, self.inputs.demand_index, scenario.channels.price_response
        )
        self.governments = [Government(self, c, self.plan) for c in range(self.world.n_countries)]
        self.sponsor = ForeignSponsor(self, self.plan.aid_budget_usd_yr)
        self.trafficking = TraffickerArrays.for_world(
            scenario.traffickers, self.world, (seizure_rng, relocation_rng)
        )
        self.traffickers = [
            TraffickingOrganisation(self, spec.name, self.trafficking, k)
            for k, spec in enumerate(scenario.traffickers.organisations)
        ]
        self.armed_groups = ArmedGroups(self, scenario.armed_groups)
        self.recorder = Recorder(scenario, self.world, self.households, self.governments,
                                 self.market, self.trafficking, self.traffickers)  # fmt: skip
        self._start_in_equilibrium()

    # ------------------------------------------------------------------ the month

    def step(self) -> None:
        """Advance one month: one call per mechanism, in the order they happen."""
        month = Month(self.t)
        self.events.apply(self, month.t)
        self.fund_and_equip_governments(month)
        month.protection, month.strength, month.tax = self.armed_groups.protection()
        self.sell_harvest(month)
        self.eradicate(month)
        self.tend_fields(month)
        self.move_households(month)
        self.traffic(month)
        self.armed_groups.tax_and_grow(month.revenue_usd, self._counterinsurgency())
        self.market.clear(month.t, float(month.cocaine_t.sum()), float(month.seized_t.sum()))
        self.recorder.record(month)
        self.t += 1
        self.running = self.t < self.params.months

    def fund_and_equip_governments(self, month: Month) -> None:
        """The sponsor splits its aid; each government sets its capacity for the month."""
        aid = self.sponsor.allocate(month.t, self.recorder.country_cocaine_history()).tolist()
        for government in self.governments:
            government.aid_usd_yr = aid[government.country]
            government.set_capacity(month.t)

    def sell_harvest(self, month: Month) -> None:
        """Farmers harvest; traffickers post farm-gate prices; farmers sell where someone buys."""
        t, trafficking, R = month.t, self.trafficking, self.world.n_regions
        mature_ha = self.households.area_by_region()[0]
        month.coca_ha = self.households.region_hectares()  # mature + immature
        trafficking.leaf_per_kg = self.inputs.leaf_per_kg[t]
        month.leaf_kg, harvest_t = np.empty(R), np.empty(R)
        flows.harvest(mature_ha, self.inputs.yield_kg_ha[t], trafficking.leaf_per_kg,
                      month.leaf_kg, harvest_t)  # fmt: skip
        trafficking.feel_scarcity(harvest_t, self.params.channels.local_scarcity)
        month.price = self.farmgate_prices()
        month.buyers = self.buyers()
        month.sold_kg, month.revenue_usd = np.empty(R), np.empty(R)
        flows.sale(month.leaf_kg, month.buyers, month.price, month.sold_kg, month.revenue_usd)

    def eradicate(self, month: Month) -> None:
        """Governments plan eradication across regions; fields are hit; backlash follows."""
        world = self.world
        month.planned = np.zeros((3, world.n_regions))
        eradicating = False
        for government in self.governments:
            if government.eradicates(month.t):
                month.planned += government.plan_eradication(
                    month.t, month.coca_ha, month.protection, month.strength
                )
                eradicating = True
        coca_income = lost = [0.0] * world.n_countries
        if not eradicating:
            month.outcome = self.households.no_eradication()
        else:
            revenue_ha = month.price * self.inputs.yield_kg_ha[month.t]
            draws = self._eradication_draws.month(month.t)
            adaptation = self.params.households.spray_adaptation
            month.outcome = outcome = self.households.eradicate(
                month.planned, *self.kill_rates, adaptation, world.legal_ha,
                revenue_ha, draws, present_ha=month.coca_ha,
            )  # fmt: skip
            if (outcome.forced_ha + outcome.voluntary_ha).any():
                coca_income = world.by_country(month.coca_ha * revenue_ha).tolist()
                lost = world.by_country(outcome.lost_income_usd).tolist()
        for government in self.governments:
            c = government.country
            government.update_backlash(lost[c], coca_income[c], month.t)

    def tend_fields(self, month: Month) -> None:
        """Farmers learn risk and prices, then plant toward or abandon down to their targets."""
        world, hh = self.world, self.households
        outcome, coca_ha = month.outcome, month.coca_ha
        forced_ha = outcome.forced_ha
        eradicated_share = np.zeros(world.n_regions)
        if outcome.any_hit:
            np.divide(forced_ha, coca_ha, out=eradicated_share, where=coca_ha > 0)
        hh.update_beliefs(outcome.hit, eradicated_share, outcome.span)
        hh.learn_prices(month.price)
        month.net_revenue_ha = self._net_revenue_ha(hh.expected_price, month.tax)
        rent, free_ha = hh.rent_and_free_land(hh.region_hectares())
        month.planted = hh.adjust_area(
            month.net_revenue_ha, world.licit_income_usd_ha, rent, free_ha
        )

    def move_households(self, month: Month) -> None:
        """Households migrate where coca pays more now, enter where it pays, leave where not."""
        world, hh, channels = self.world, self.households, self.params.channels
        rent, month.free_ha = hh.rent_and_free_land(hh.region_hectares())
        value = hh.region_attractiveness(
            month.net_revenue_ha, world.licit_income_usd_ha, rent, month.buyers
        )  # where nobody buys, coca does not pay
        zeros = np.zeros(world.n_regions)
        month.leaving = month.arriving = month.entering = month.exiting = zeros
        if channels.household_migration:
            draws = self._migration_draws.month(month.t)
            month.leaving, month.arriving = hh.migrate(
                value, month.free_ha, month.outcome.hit, draws
            )
            if month.leaving.any():
                month.free_ha = hh.rent_and_free_land(hh.region_hectares())[1]
        if channels.household_entry:
            draws = self._entry_draws.month(month.t)  # the regions' draws are slots 0..R-1
            month.entering = hh.enter(value, month.free_ha, month.buyers > 0, draws)
            month.exiting = hh.leave(value, self._exit_draws.month(month.t))

    def traffic(self, month: Month) -> None:
        """Traffickers buy, ship and lose part to seizures; they learn and relocate."""
        month.cocaine_t = np.empty(self.world.n_regions)
        flows.cocaine_tonnes(month.sold_kg, self.trafficking.leaf_per_kg, month.cocaine_t)
        month.interdiction = np.array([gov.interdiction for gov in self.governments])
        relocate = self.params.channels.trafficker_relocation
        potential = self._potential_supply_t(month.coca_ha, month.free_ha) if relocate else None
        self.trafficking.trade(month.cocaine_t, month.buyers, month.interdiction,
                               self.market.source_price, potential, relocate)  # fmt: skip
        month.seized_t = self.trafficking.seized_t.sum(axis=0)

    # ------------------------------------------------------------------ region-level quantities

    def farmgate_prices(self) -> np.ndarray:
        """Farm-gate leaf price per region, US$/kg: the buyers' mean bid less their markdown."""
        price = self.trafficking.farmgate_prices(self.market.source_price)
        return self.events.shock_prices(price, self.t)

    def buyers(self) -> np.ndarray:
        """Trafficking organisations buying in each region."""
        return self.trafficking.buyers()

    def protection(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per region: reach removed by armed groups, their strength, and their tax rate."""
        return self.armed_groups.protection()

    def _counterinsurgency(self) -> np.ndarray:
        return np.array([gov.counterinsurgency for gov in self.governments])

    def _potential_supply_t(self, coca_ha, free_ha) -> np.ndarray:
        """Cocaine a buyer could source per region and month: current leaf plus frontier, tonnes."""
        potential = np.empty(self.world.n_regions)
        flows.potential_supply(
            coca_ha, free_ha, self.params.traffickers.frontier_uptake,
            self.inputs.yield_kg_ha[self.t], self.trafficking.leaf_per_kg, potential,
        )  # fmt: skip
        return potential

    def _net_revenue_ha(self, price: np.ndarray, tax: np.ndarray) -> np.ndarray:
        """Expected coca revenue net of armed-group tax, US$/ha/yr."""
        revenue = np.empty(self.world.n_regions)
        flows.net_revenue(price, self.inputs.yield_kg_ha[self.t], tax, revenue)
        return revenue

    # ------------------------------------------------------------------ the start

    def _start_in_equilibrium(self) -> None:
        """Set farmers, traffickers and the market so that nothing moves without a policy."""
        self.trafficking.leaf_per_kg = self.inputs.leaf_per_kg[0]
        for government in self.governments:
            government.set_capacity(0)
            self.trafficking.risk[:, government.country] = government.interdiction
        price = self.farmgate_prices()
        hh = self.households
        hh.expected_price = price.copy()
        # Farmers start expecting the eradication the first month's plans imply.
        coca = self.world.initial_coca_ha
        protection, strength, tax = self.protection()
        planned = sum(
            g.plan_eradication(0, coca, protection, strength)[:2].sum(axis=0)
            for g in self.governments
        )
        monthly = np.divide(planned, coca, out=np.zeros_like(coca), where=coca > 0)
        hh.start_in_equilibrium(
            self._net_revenue_ha(hh.expected_price, tax),
            self.world.licit_income_usd_ha,
            self.params.government.alternative_development_income_gain,
            yearly_risk_r=1.0 - (1.0 - np.clip(monthly, 0, 1)) ** 12,
        )
        leaf_kg = hh.harvest(self.inputs.yield_kg_ha[0])
        production = (leaf_kg * (price > 0) / self.trafficking.leaf_per_kg).sum() / 1000
        seizure = np.array([g.interdiction for g in self.governments])
        by_country = self.world.by_country(leaf_kg)
        share = by_country / by_country.sum() if by_country.sum() > 0 else by_country
        self.market.start_in_equilibrium(production, float(share @ seizure))
        coca_now = hh.region_hectares()
        potential = self._potential_supply_t(
            coca_now, np.maximum(self.world.suitable_ha - coca_now, 0.0)
        )
        self.trafficking.set_barriers(self.market.source_price, potential, self.world.accessibility)

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
