"""The per-region quantities of the households' rules, as compiled loops over the regions.

A month asks for land rent, free land and what a region is worth several times, each a handful of
arithmetic steps on arrays of a few regions; numpy would spend its time on the overhead of each
step's call. These loops do the same arithmetic in the same order as the numpy expressions they
replace (documented on each), so every value is the same to the bit. They write into arrays the
caller passes and return nothing: handing a new array back to Python costs about a microsecond.
"""

from __future__ import annotations

from model.sim.compiled import compiled


@compiled
def rent_and_free_land(coca_r, suitable_r, rent_usd_ha, max_fill, rent_out, free_out):
    """Land rent (US$/ha/yr) and free suitable land (ha) per region, into the two outs.

    Rent is ``rent_usd_ha * f / (1 - f)`` with ``f = min(coca / max(suitable, 1e-9), max_fill)``;
    free land is ``max(suitable - coca, 0)``.
    """
    for r in range(len(coca_r)):
        fill = min(coca_r[r] / max(suitable_r[r], 1e-9), max_fill)
        rent_out[r] = rent_usd_ha * fill / (1.0 - fill)
        free_out[r] = max(suitable_r[r] - coca_r[r], 0.0)


@compiled
def attractiveness(net_r, licit_r, rent_r, at_risk_r, land_r, production_cost, theta_r,
                   amenity_r, buyers_r, out):  # fmt: skip
    """What each region is worth to a typical household (see ``region_attractiveness``).

    With ``risk = at_risk / max(land, 1e-12)``, the value is
    ``(net * (1 - risk) - (production_cost + rent) - licit) / licit - theta + amenity``, and -1
    where ``buyers_r`` (if given) holds no buyer.
    """
    for r in range(len(net_r)):
        risk = at_risk_r[r] / max(land_r[r], 1e-12)
        revenue = net_r[r] * (1.0 - risk)
        cost = production_cost + rent_r[r]
        out[r] = (revenue - cost - licit_r[r]) / licit_r[r] - theta_r[r] + amenity_r[r]
        if buyers_r is not None and not buyers_r[r] > 0:
            out[r] = -1.0


@compiled
def planting_terms(net_r, licit_r, rent_r, sensitivity, production_cost, per_ha_out, base_out):
    """The per-region parts of a household's coca advantage (see ``Households.adjust_area``).

    ``per_ha = sensitivity * net / licit`` and
    ``base = sensitivity * (net - production_cost - rent) / licit``.
    """
    for r in range(len(net_r)):
        per_ha_out[r] = sensitivity * net_r[r] / licit_r[r]
        base_out[r] = sensitivity * (net_r[r] - production_cost - rent_r[r]) / licit_r[r]


@compiled
def real_areas(mature_r, immature_r, weight, out):
    """Mature, immature and all coca per region in real hectares (rows of ``out``)."""
    for r in range(len(mature_r)):
        mature, immature = mature_r[r] * weight, immature_r[r] * weight
        out[0, r], out[1, r], out[2, r] = mature, immature, mature + immature


@compiled
def move_toward(belief_r, observed_r, rate):
    """Move ``belief_r`` toward ``observed_r`` in place: ``belief += rate * (observed - belief)``."""
    for r in range(len(belief_r)):
        belief_r[r] += rate * (observed_r[r] - belief_r[r])


@compiled
def per_household(total_r, count_r, out):
    """``total_r`` divided among each region's households (0 where none live), into ``out``."""
    for r in range(len(total_r)):
        out[r] = total_r[r] / count_r[r] if count_r[r] > 0 else 0.0
