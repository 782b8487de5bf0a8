"""All trafficking organisations as arrays: one row per organisation, one column per region or country.

The rules (bids, purchases, shipping and seizures, learning, exit and entry) act on every
organisation at once; each ``TraffickingOrganisation`` agent is a view of its row. The arrays are
small (a few organisations by some twenty regions), so the rules are compiled loops: numpy would
spend its time on the overhead of dozens of calls a month.
"""

from __future__ import annotations

import numpy as np
from mesa import Agent

from model.scenario.behaviour import TraffickerParams
from model.sim.compiled import compiled

# Each month's seizures are the interdiction rate times a lognormal luck factor with mean 1
# (log-mean -sigma**2 / 2): some shipments get through, some are caught in bulk.
SEIZURE_LUCK_SIGMA = 0.3
# Local scarcity counts a harvest at most this many times short of (or above) the usual one: a
# region's buyers can switch to stocks and other regions beyond that.
MAX_SCARCITY = 1.5


@compiled
def _bids(source_price, risk, country_of, processing_cost, route_cost, leaf_per_kg, out):
    """Value of a kg of leaf to each organisation in each region, US$/kg (K x R, before markdown).

    A kg of cocaine fetches the source price less what is seized in the country, less processing
    and the cost of moving it from the region to an export route; a kg of leaf is worth that
    divided by the leaf a kg of cocaine takes there.
    """
    K, R = out.shape
    for k in range(K):
        for r in range(R):
            value = source_price * (1.0 - risk[k, country_of[r]]) - processing_cost - route_cost[r]
            out[k, r] = max(value, 0.0) / leaf_per_kg[r]
    return out


@compiled
def _farmgate_prices(bids, present, markdown, scarcity, out):
    """Per region: the buyers' mean bid less their markdown, times local scarcity (0: no buyer)."""
    K, R = bids.shape
    for r in range(R):
        total, n = 0.0, 0
        for k in range(K):
            if present[k, r]:
                total += bids[k, r]
                n += 1
        mean_bid = total / n if n > 0 else 0.0
        out[r] = mean_bid * (1.0 - markdown / max(n, 1)) * scarcity[r]
    return out


@compiled
def _bid_prices(source_price, risk, country_of, processing_cost, route_cost, leaf_per_kg, present,
                markdown, scarcity, out):  # fmt: skip
    """:func:`_farmgate_prices` of this month's :func:`_bids` into ``out``, in one call.

    Like the other loops called once a month it returns nothing: handing a new array back to
    Python costs about a microsecond.
    """
    bids = _bids(source_price, risk, country_of, processing_cost, route_cost, leaf_per_kg,
                 np.empty(present.shape))  # fmt: skip
    _farmgate_prices(bids, present, markdown, scarcity, out)


@compiled
def _buyer_counts(present, out):
    """Organisations present in each region, as floats (``present.sum(axis=0)``)."""
    K, R = present.shape
    for r in range(R):
        n = 0
        for k in range(K):
            n += 1 if present[k, r] else 0
        out[r] = n


@compiled
def _scarcity_ratios(usual, leaf, local, usual_months, scarcity):
    """Usual over this month's harvest per region into ``scarcity``; the usual follows this one.

    The ratio counts between 1/1.5 and 1.5 (raised to the elasticity by the caller, with numpy's
    power: numba's rounds differently). No harvest where buyers usually get some is
    the sharpest scarcity; a region with neither harvest nor a usual one (no coca yet) feels none.
    While no region has a usual harvest yet (the first month), this month's is the usual.
    """
    first = True
    for r in range(len(usual)):
        first = first and usual[r] <= 0.0
    if first:
        usual[:] = leaf
    for r in range(len(leaf)):
        if local:
            if leaf[r] > 0:
                ratio = usual[r] / leaf[r]
            else:
                ratio = MAX_SCARCITY if usual[r] > 0 else 1.0
            scarcity[r] = min(max(ratio, 1.0 / MAX_SCARCITY), MAX_SCARCITY)
        usual[r] += (leaf[r] - usual[r]) / usual_months


@compiled
def _margins(bids, present, buyers, leaf_per_kg, markdown, out):
    """What each organisation keeps per kg of cocaine in each region, US$ (K x R)."""
    K, R = bids.shape
    for k in range(K):
        for r in range(R):
            others = buyers[r] if present[k, r] else buyers[r] + 1.0
            out[k, r] = bids[k, r] * leaf_per_kg[r] * markdown / others
    return out


@compiled
def _bid_margins(source_price, risk, country_of, processing_cost, route_cost, leaf_per_kg, present,
                 buyers, markdown, out):  # fmt: skip
    """:func:`_margins` of this month's :func:`_bids` into ``out``, in one call."""
    bids = _bids(source_price, risk, country_of, processing_cost, route_cost, leaf_per_kg,
                 np.empty(present.shape))  # fmt: skip
    _margins(bids, present, buyers, leaf_per_kg, markdown, out)


@compiled
def _entry_value(margin, potential_t, competitors, operating_cost, payback_months):
    """What entering a region is worth over the payback horizon, US$."""
    share = potential_t / (competitors + 1.0)
    return (share * 1000.0 * margin - operating_cost) * payback_months


@compiled
def _buy_and_ship(cocaine_t, buyers, present, country_of, seizure_rate, noise, learning_rate,
                  bought, volume, seized, risk):  # fmt: skip
    """Split each region's cocaine among its buyers; ship, seize and learn per source country."""
    K, R = present.shape
    C = volume.shape[1]
    for k in range(K):
        for c in range(C):
            volume[k, c] = 0.0
        for r in range(R):
            bought[k, r] = cocaine_t[r] / max(buyers[r], 1.0) if present[k, r] else 0.0
            volume[k, country_of[r]] += bought[k, r]
        for c in range(C):
            share = min(seizure_rate[c] * noise[k, c], 1.0)  # both factors are >= 0
            seized[k, c] = volume[k, c] * share
            if volume[k, c] > 0:
                risk[k, c] = risk[k, c] + learning_rate * (share - risk[k, c])


@compiled
def _relocate(margin, buyers, present, allowed, losing_months, barrier, bought, potential_t, u,
              operating_cost, exit_after, entry_probability, payback_months):  # fmt: skip
    """Leave regions that lost money ``exit_after`` months in a row; maybe enter the best other."""
    K, R = present.shape
    competitors = np.empty(R)
    for k in range(K):
        for r in range(R):
            competitors[r] = buyers[r] - 1.0 if present[k, r] else buyers[r]
            profit = bought[k, r] * 1000.0 * margin[k, r] - operating_cost
            if profit < 0 and present[k, r]:
                losing_months[k, r] += 1
            else:
                losing_months[k, r] = 0
            if losing_months[k, r] >= exit_after:
                present[k, r] = False
                losing_months[k, r] = 0
        if not u[k] < entry_probability:
            continue
        best, best_value = 0, -np.inf
        for r in range(R):
            if allowed[k, r] and not present[k, r]:
                value = _entry_value(margin[k, r], potential_t[r], competitors[r],
                                     operating_cost, payback_months) - barrier[k, r]  # fmt: skip
                if value > best_value:
                    best, best_value = r, value
        if best_value > 0:
            present[k, best] = True


class TraffickerArrays:
    """State and monthly rules of the trafficking organisations (``K`` of them).

    Attributes:
        present: K x R, whether each organisation buys in each region.
        allowed: K x R, regions each organisation may enter.
        risk: K x C, perceived share of shipments seized per source country.
        losing_months: K x R, consecutive months a region lost money.
        volume_t: K x C, cocaine shipped this month per source country, tonnes.
        seized_t: K x C, cocaine seized this month per source country, tonnes.
        barrier_usd: K x R, cost of entering each region.

    """

    def __init__(
        self,
        params: TraffickerParams,
        country_of: np.ndarray,
        n_countries: int,
        present: np.ndarray,
        allowed: np.ndarray,
        rngs: tuple[np.random.Generator, np.random.Generator] | None = None,
    ):
        """Create the organisations' state from their starting regions (K x R masks).

        ``rngs`` are the generators of seizure luck and of entry decisions (one each).
        """
        self.params = params
        self.country_of = country_of
        K, R = present.shape
        C = n_countries
        self.present = present.astype(bool).copy()
        self.allowed = allowed.astype(bool).copy()
        self.risk = np.zeros((K, C))
        self.losing_months = np.zeros((K, R), dtype=np.int64)
        self.volume_t = np.zeros((K, C))
        self.seized_t = np.zeros((K, C))
        self.barrier_usd = np.zeros((K, R))
        self._seizure_rng, self._entry_rng = rngs or (None, None)
        self.route_cost_usd_kg = np.zeros(R)
        self.leaf_per_kg = np.full(R, 320.0)  # kg leaf per kg cocaine; set monthly by the model
        # Local scarcity: buyers' labs are sized to what they usually buy in a region; when this
        # month's leaf falls short of it, they compete for what is left.
        self.usual_t = np.zeros(R)  # cocaine equivalent usually bought per region, t/month
        self.scarcity = np.ones(R)

    @classmethod
    def for_world(cls, params: TraffickerParams, world, rngs) -> TraffickerArrays:
        """The organisations a scenario lists, in the regions and countries it names."""
        specs = params.organisations
        present = np.zeros((len(specs), world.n_regions), bool)
        allowed = np.ones((len(specs), world.n_regions), bool)
        for k, spec in enumerate(specs):
            present[k] = [name in spec.regions for name in world.names]
            if spec.countries is not None:
                allowed[k] = [world.countries[c] in spec.countries for c in world.country_of]
        arrays = cls(params, world.country_of, world.n_countries, present, allowed, rngs)
        arrays.route_cost_usd_kg = world.route_cost_usd_kg.copy()
        return arrays

    def feel_scarcity(self, leaf_t_r: np.ndarray, local: bool) -> None:
        """Set each region's local scarcity from this month's leaf against what buyers usually get.

        The price factor is (usual / now) to the ``local_price_elasticity``, the ratio counted
        between 1/1.5 and 1.5 (1 in a region with neither a harvest nor a usual one); the usual
        quantity follows the harvest over ``usual_supply_months``. Without ``local`` (the channel
        switched off) prices feel no local scarcity.

        Args:
            leaf_t_r: cocaine equivalent of this month's harvest per region, tonnes.
            local: whether local scarcity moves prices.

        """
        p = self.params
        _scarcity_ratios(self.usual_t, leaf_t_r, local, p.usual_supply_months, self.scarcity)
        if local:
            np.power(self.scarcity, p.local_price_elasticity, out=self.scarcity)

    @property
    def n(self) -> int:
        """Number of organisations."""
        return len(self.present)

    def buyers(self) -> np.ndarray:
        """Organisations buying in each region (float, length R)."""
        counts = np.empty(self.present.shape[1])
        _buyer_counts(self.present, counts)
        return counts

    def bids(self, source_price: float) -> np.ndarray:
        """Value of a kg of leaf to each organisation in each region, US$/kg (before markdown)."""
        p = self.params
        return _bids(source_price, self.risk, self.country_of, p.processing_cost_usd_kg,
                     self.route_cost_usd_kg, self.leaf_per_kg,
                     np.empty(self.present.shape))  # fmt: skip

    def farmgate_prices(self, source_price: float) -> np.ndarray:
        """Farm-gate leaf price per region, US$/kg: the buyers' mean bid less their markdown.

        The markdown shrinks as more organisations compete in a region; local scarcity raises
        the price where the harvest falls short of what buyers usually get (``feel_scarcity``).
        """
        p = self.params
        prices = np.empty(self.present.shape[1])
        _bid_prices(
            source_price, self.risk, self.country_of, p.processing_cost_usd_kg,
            self.route_cost_usd_kg, self.leaf_per_kg, self.present, p.markdown, self.scarcity,
            prices,
        )  # fmt: skip
        return prices

    def margin_per_kg(self, source_price: float, buyers: np.ndarray) -> np.ndarray:
        """What each organisation keeps per kg of cocaine in each region, US$ (K x R)."""
        p = self.params
        margin = np.empty(self.present.shape)
        _bid_margins(source_price, self.risk, self.country_of, p.processing_cost_usd_kg,
                     self.route_cost_usd_kg, self.leaf_per_kg, self.present,
                     np.asarray(buyers, dtype=float), p.markdown, margin)  # fmt: skip
        return margin

    def entry_value(self, margin_per_kg, potential_t_r, competitors) -> np.ndarray:
        """What entering each region is worth over the payback horizon, US$ (K x R)."""
        p = self.params
        return _entry_value(
            margin_per_kg, potential_t_r, competitors, p.operating_cost_usd_month, p.payback_months
        )

    def set_barriers(self, source_price: float, potential_t_r: np.ndarray, accessibility) -> None:
        """Fix the cost of entering each region so that the starting market is an equilibrium.

        Entering costs the scenario's entry cost (more in remote regions), or, where an
        organisation stayed out although entering looked profitable at the start, what entering
        was worth then (territory, alliances and violence kept it out). Entry therefore responds
        to margins rising above their starting level.
        """
        p = self.params
        buyers = self.buyers()
        margin = self.margin_per_kg(source_price, buyers)
        value = self.entry_value(margin, potential_t_r, buyers - self.present)
        access_cost = p.entry_cost_usd * (1.5 - accessibility)
        self.barrier_usd[:] = np.maximum(access_cost, 1.05 * value)

    def buy_and_ship(
        self, cocaine_t_r: np.ndarray, buyers: np.ndarray, seizure_rate_c: np.ndarray, noise
    ) -> np.ndarray:
        """Split each region's cocaine among its buyers, ship it, lose seizures, learn risk.

        Args:
            cocaine_t_r: cocaine made from leaf sold per region this month, tonnes.
            buyers: organisations buying in each region.
            seizure_rate_c: each country's interdiction (share seized).
            noise: K x C lognormal multipliers for this month's seizure luck.

        Returns:
            Each organisation's purchases per region, tonnes (K x R).

        """
        bought = np.empty(self.present.shape)
        _buy_and_ship(
            np.asarray(cocaine_t_r, dtype=float), np.asarray(buyers, dtype=float), self.present,
            self.country_of, np.asarray(seizure_rate_c, dtype=float), noise,
            self.params.learning_rate, bought, self.volume_t, self.seized_t, self.risk,
        )  # fmt: skip
        return bought

    def relocate(
        self,
        source_price: float,
        buyers: np.ndarray,
        bought_t: np.ndarray,
        potential_t_r: np.ndarray,
        u: np.ndarray,
    ) -> None:
        """Leave regions that lose money for long; enter the best region whose margin pays entry.

        Args:
            source_price: the cocaine price at source, US$/kg.
            buyers: organisations buying in each region before anyone moves.
            bought_t: each organisation's purchases per region this month, tonnes (K x R).
            potential_t_r: leaf supply a newcomer could expect per region, tonnes of cocaine.
            u: one uniform draw per organisation: entry happens only with the entry probability.

        """
        p = self.params
        _relocate(
            self.margin_per_kg(source_price, buyers), np.asarray(buyers, dtype=float),
            self.present, self.allowed, self.losing_months, self.barrier_usd, bought_t,
            np.asarray(potential_t_r, dtype=float), u, p.operating_cost_usd_month,
            p.exit_after_months, p.entry_probability, p.payback_months,
        )  # fmt: skip

    def trade(
        self,
        cocaine_t_r: np.ndarray,
        buyers: np.ndarray,
        seizure_rate_c: np.ndarray,
        source_price: float,
        potential_t_r: np.ndarray,
        relocate: bool,
    ) -> None:
        """One month: buy, ship and lose seizures with this month's luck; then maybe relocate.

        Both draws are made every month, so switching relocation off never shifts later draws.

        Args:
            cocaine_t_r: cocaine made from leaf sold per region this month, tonnes.
            buyers: organisations buying in each region.
            seizure_rate_c: each country's interdiction (share seized).
            source_price: the cocaine price at source, US$/kg.
            potential_t_r: leaf supply a newcomer could expect per region, tonnes of cocaine.
            relocate: whether organisations leave losing regions and enter new ones.

        """
        sigma = SEIZURE_LUCK_SIGMA
        luck = self._seizure_rng.lognormal(-(sigma**2) / 2, sigma, (self.n, len(seizure_rate_c)))
        entry_draws = self._entry_rng.random(self.n)
        bought_t = self.buy_and_ship(cocaine_t_r, buyers, seizure_rate_c, luck)
        if relocate:
            self.relocate(source_price, buyers, bought_t, potential_t_r, entry_draws)


def _row(name: str, doc: str) -> property:
    """An attribute that is this organisation's row of the shared ``TraffickerArrays``."""

    def get(self):
        return getattr(self.arrays, name)[self.index]

    def set(self, value):
        getattr(self.arrays, name)[self.index] = value

    return property(get, set, doc=doc)


class TraffickingOrganisation(Agent):
    """A trafficking organisation: buys leaf where it operates, ships, learns risk, relocates.

    Its state is row ``index`` of the model's ``TraffickerArrays`` (above),
    whose rules act on every organisation at once; the attributes below are views of that row.
    """

    present = _row("present", "Regions where it buys.")
    allowed = _row("allowed", "Regions it may enter.")
    risk = _row("risk", "Perceived share of shipments seized, per source country.")
    losing_months = _row("losing_months", "Consecutive months each region lost money.")
    volume_t = _row("volume_t", "Cocaine shipped this month per source country, tonnes.")
    seized_t = _row("seized_t", "Cocaine seized this month per source country, tonnes.")
    barrier_usd = _row("barrier_usd", "Cost of entering each region, US$.")

    def __init__(self, model, name: str, arrays, index: int):
        """Create the organisation that owns row ``index`` of ``arrays``."""
        super().__init__(model)
        self.name = name
        self.arrays = arrays
        self.index = index
