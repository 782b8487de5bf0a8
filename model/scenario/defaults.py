"""The default Andean world: regions named after real coca-growing zones, routes, groups, traders.

Areas for 1990 split each country's UNODC total (Peru 121,300 ha, Colombia 40,100 ha, Bolivia
50,300 ha including 12,000 legal ha in the Yungas) across its zones. The split, the suitable areas,
accessibility, yields and incomes are coarse assumptions for a stylised model, not survey data:
suitable areas leave room for the growth seen later (Colombia to about 163,000 ha in 2000).
Regions with little coca in 1990 but much suitable land (Narino, Catatumbo, Sur de Bolivar,
Antioquia-Cordoba, Inambari-Tambopata, the Peruvian Putumayo) are the frontier.
"""

from __future__ import annotations

# name, country, label, lon, lat, suitable_ha, initial_coca_ha, accessibility, state_presence,
# yield (kg dry leaf/ha/yr), licit income (US$/ha/yr), legal_ha
_REGIONS = [
    (
        "upper_huallaga",
        "peru",
        "Upper Huallaga",
        -76.3,
        -8.4,
        100_000,
        64_000,
        0.40,
        0.30,
        1500,
        800,
        0,
    ),
    ("vraem", "peru", "VRAEM", -73.9, -12.4, 70_000, 23_000, 0.20, 0.15, 1500, 700, 0),
    (
        "la_convencion_lares",
        "peru",
        "La Convencion-Lares",
        -72.7,
        -12.8,
        30_000,
        13_000,
        0.50,
        0.45,
        1300,
        800,
        0,
    ),
    ("aguaytia", "peru", "Aguaytia", -75.5, -9.0, 30_000, 9_000, 0.50, 0.35, 1400, 850, 0),
    (
        "pichis_palcazu",
        "peru",
        "Pichis-Palcazu",
        -74.9,
        -10.3,
        25_000,
        6_000,
        0.35,
        0.25,
        1400,
        750,
        0,
    ),
    (
        "inambari_tambopata",
        "peru",
        "Inambari-Tambopata",
        -69.9,
        -13.4,
        25_000,
        3_500,
        0.40,
        0.30,
        1300,
        800,
        0,
    ),
    (
        "putumayo_bajo_amazonas",
        "peru",
        "Lower Amazon-Putumayo (Peru)",
        -71.5,
        -3.5,
        25_000,
        2_800,
        0.15,
        0.10,
        1300,
        700,
        0,
    ),
    (
        "putumayo_caqueta",
        "colombia",
        "Putumayo-Caqueta",
        -75.5,
        0.8,
        110_000,
        17_000,
        0.35,
        0.25,
        1100,
        1000,
        0,
    ),
    (
        "guaviare_meta",
        "colombia",
        "Guaviare-Meta",
        -72.6,
        2.3,
        90_000,
        15_000,
        0.30,
        0.25,
        1100,
        1000,
        0,
    ),
    ("narino", "colombia", "Narino", -78.6, 1.8, 70_000, 1_200, 0.25, 0.20, 1200, 1000, 0),
    ("cauca", "colombia", "Cauca", -77.0, 2.5, 35_000, 2_500, 0.30, 0.30, 1100, 1100, 0),
    ("catatumbo", "colombia", "Catatumbo", -73.0, 8.6, 40_000, 1_800, 0.25, 0.20, 1200, 1000, 0),
    (
        "antioquia_cordoba",
        "colombia",
        "Antioquia-Cordoba",
        -75.5,
        7.5,
        40_000,
        1_300,
        0.40,
        0.35,
        1100,
        1100,
        0,
    ),
    (
        "sur_de_bolivar",
        "colombia",
        "Sur de Bolivar",
        -74.2,
        7.9,
        30_000,
        1_300,
        0.30,
        0.20,
        1100,
        1000,
        0,
    ),
    ("chapare", "bolivia", "Chapare", -65.4, -16.9, 60_000, 38_300, 0.65, 0.50, 1400, 850, 0),
    ("yungas", "bolivia", "Yungas", -67.7, -16.2, 35_000, 12_000, 0.60, 0.50, 1100, 800, 12_000),
]

REGION_FIELDS = (
    "name", "country", "label", "lon", "lat", "suitable_ha", "initial_coca_ha", "accessibility",
    "state_presence", "yield_kg_ha", "licit_income_usd_ha", "legal_ha",
)  # fmt: skip

DEFAULT_REGIONS = [dict(zip(REGION_FIELDS, row, strict=True)) for row in _REGIONS]

# Routes farmers actually use: river valleys within each country, and three border crossings
# (the Putumayo river between Colombia and Peru; the Peru-Bolivia border south of Puno).
DEFAULT_EDGES = [
    ("upper_huallaga", "aguaytia"),
    ("upper_huallaga", "pichis_palcazu"),
    ("aguaytia", "pichis_palcazu"),
    ("pichis_palcazu", "vraem"),
    ("vraem", "la_convencion_lares"),
    ("la_convencion_lares", "inambari_tambopata"),
    ("upper_huallaga", "putumayo_bajo_amazonas"),
    ("aguaytia", "putumayo_bajo_amazonas"),
    ("putumayo_caqueta", "guaviare_meta"),
    ("putumayo_caqueta", "cauca"),
    ("putumayo_caqueta", "narino"),
    ("cauca", "narino"),
    ("cauca", "antioquia_cordoba"),
    ("guaviare_meta", "sur_de_bolivar"),
    ("antioquia_cordoba", "sur_de_bolivar"),
    ("sur_de_bolivar", "catatumbo"),
    ("chapare", "yungas"),
    ("putumayo_caqueta", "putumayo_bajo_amazonas"),
    ("inambari_tambopata", "yungas"),
]

# Buyers in 1990: Colombian cartels bought paste in Peru and Bolivia and flew it north (the "air
# bridge"); local firms bought leaf at home. The Sinaloa Cartel starts with no regions and may
# move toward the source when margins there are high (it was found in the VRAE in 2011).
DEFAULT_TRAFFICKERS = [
    {
        "name": "colombian_cartels",
        "regions": [
            "putumayo_caqueta", "guaviare_meta", "narino", "cauca", "catatumbo",
            "antioquia_cordoba", "sur_de_bolivar", "upper_huallaga", "vraem", "chapare",
            "putumayo_bajo_amazonas",
        ],
    },
    {
        "name": "peruvian_firms",
        "regions": [
            "upper_huallaga", "vraem", "la_convencion_lares", "aguaytia", "pichis_palcazu",
            "inambari_tambopata",
        ],
        "countries": ["peru"],
    },
    {"name": "bolivian_firms", "regions": ["chapare", "yungas"], "countries": ["bolivia"]},
    {"name": "sinaloa_cartel", "regions": []},
]  # fmt: skip

DEFAULT_ARMED_GROUPS = [
    {"name": "shining_path_huallaga", "regions": ["upper_huallaga"], "strength": 0.7, "tax_rate": 0.1},
    {"name": "shining_path_vraem", "regions": ["vraem"], "strength": 0.6, "tax_rate": 0.1},
    {
        "name": "farc",
        "regions": ["putumayo_caqueta", "guaviare_meta", "cauca", "narino"],
        "strength": 0.6,
        "tax_rate": 0.1,
    },
    {"name": "eln", "regions": ["catatumbo", "sur_de_bolivar"], "strength": 0.4, "tax_rate": 0.08},
    {"name": "paramilitaries", "regions": ["antioquia_cordoba"], "strength": 0.3, "tax_rate": 0.08},
]  # fmt: skip
