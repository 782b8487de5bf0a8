"""All trafficking organisations as arrays: one row per organisation, one column per region or country.

The rules (bids, purchases, shipping and seizures, learning, exit and entry) act on every
organisation at once; each ``TraffickingOrganisation`` agent is a view of its row.
"""

from __future__ import annotations

import numpy as np

from model.scenario import TraffickerParams


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
    ):
        """Create the organisations' state from their starting regions (K x R masks)."""
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
        # Flat (organisation, country) bin of every (organisation, region) cell, for bincount.
        self._bins = (np.arange(K)[:, None] * C + country_of[None, :]).ravel()

    @property
    def n(self) -> int:
        """Number of organisations."""
        return len(self.present)

    def buyers(self) -> np.ndarray:
        """Organisations buying in each region (float, length R)."""
        return self.present.sum(axis=0).astype(float)

    def bids(self, source_price: float) -> np.ndarray:
        """Value of a kg of leaf to each organisation in each region, US$/kg (before markdown)."""
        p = self.params
        value = source_price * (1.0 - self.risk[:, self.country_of]) - p.processing_cost_usd_kg
        return np.maximum(value, 0.0) / p.leaf_per_kg_cocaine

    def farmgate_prices(self, source_price: float) -> np.ndarray:
        """Farm-gate leaf price per region: the buyers' mean bid less their markdown, US$/kg."""
        bids = self.bids(source_price)
        n = self.present.sum(axis=0)
        R = self.present.shape[1]
        mean_bid = np.divide((bids * self.present).sum(axis=0), n, out=np.zeros(R), where=n > 0)
        return mean_bid * (1.0 - self.params.markdown / np.maximum(n, 1))

    def margin_per_kg(self, source_price: float, buyers: np.ndarray) -> np.ndarray:
        """What each organisation keeps per kg of cocaine in each region, US$ (K x R)."""
        p = self.params
        value = self.bids(source_price) * p.leaf_per_kg_cocaine
        return value * p.markdown / (buyers + (~self.present))

    def entry_value(self, margin_per_kg, potential_t_r, competitors) -> np.ndarray:
        """What entering each region is worth over the payback horizon, US$ (K x R)."""
        p = self.params
        share = potential_t_r / (competitors + 1.0)
        expected = share * 1000.0 * margin_per_kg - p.operating_cost_usd_month
        return expected * p.payback_months

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
        K, C = self.risk.shape
        bought = cocaine_t_r * self.present / np.maximum(buyers, 1.0)
        self.volume_t[:] = np.bincount(self._bins, weights=bought.ravel(), minlength=K * C).reshape(
            K, C
        )
        seized_share = np.minimum(seizure_rate_c * noise, 1.0)  # both factors are >= 0
        np.multiply(self.volume_t, seized_share, out=self.seized_t)
        learned = self.risk + self.params.learning_rate * (seized_share - self.risk)
        np.copyto(self.risk, learned, where=self.volume_t > 0)
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
        margin = self.margin_per_kg(source_price, buyers)
        competitors = buyers - self.present
        profit = bought_t * 1000.0 * margin - p.operating_cost_usd_month
        losing = profit < 0
        losing &= self.present
        self.losing_months += 1
        self.losing_months *= losing  # months in a row, 0 once a month pays
        leave = self.losing_months >= p.exit_after_months
        if leave.any():
            self.present &= ~leave
            self.losing_months[leave] = 0
        if not (u < p.entry_probability).any():
            return
        entering = np.flatnonzero(u < p.entry_probability)
        value = self.entry_value(margin[entering], potential_t_r, competitors[entering])
        free = self.allowed[entering] & ~self.present[entering]
        value = np.where(free, value - self.barrier_usd[entering], -np.inf)
        best = np.argmax(value, axis=1)
        enters = value[np.arange(len(entering)), best] > 0
        self.present[entering[enters], best[enters]] = True
