"""Default dated market inputs: consumer demand per market and yields per country, from the data.

Every point is one line with the source id of ``model/data/market/SOURCES.md`` it comes from (and
the arithmetic), or ``ASSUMPTION: why`` where no source gives it. ``tests/scenario/test_market_defaults.py``
recomputes every point from the data files. Between points the model interpolates linearly and
outside them holds the end value (``model/year_series.py``): both are assumptions too.

Consumer demand (``market.consumer_markets``): each market's ``index`` is its demand at constant
prices relative to 1990 (1.0); ``share`` is its share of world consumption in
``market.consumer_share_year`` (2001, the one year with user counts for all three markets).

- North America: US consumption in tonnes / 447 t (1990): ONDCP 1988-2000, then RAND's pure
  tonnes in 2006 and 2010 (another vintage: the step from 2000 to 2006 is partly method). After
  2010, chained to US past-month users (1.6 million in 2012, 2.1 in 2017; 2010's 1.75 million is
  interpolated between 2008 and 2012, an ASSUMPTION) and, for 2021, to past-year users (4.8
  million against 5.9 in 2017). Consumption is observed at the prices of the day, which fell in
  the 1990s, so demand at constant prices fell if anything faster than this index.
- Europe: past-year users, Western Europe in 2001 (3.7 million), then EU aged 15-64 (2005-2023),
  relative to 2001. No count before 2001: ASSUMPTION held at the 2001 level back to 1990 (use
  probably grew in the 1990s, so this overstates Europe's early demand).
- Rest of world: global past-year users minus North America minus Europe, relative to 2001 (14
  - 6.35 - 3.7 = 3.95 million). Later years subtract US past-year users (interpolated: ASSUMPTION;
  Canada's few hundred thousand users thus count in the rest of the world) and EU users
  (interpolated where needed: ASSUMPTION); where two World Drug Report vintages give the same
  year, the later one is used (WDR 2025's 17 million in 2013, not WDR 2016's 18.8 in 2014);
  ranges without a central value (2007, 2010) are not used. Before 2001: ASSUMPTION held flat.
- Shares in 2001: users per market / 14 million world users (one source, GIDT 2003): North
  America 0.454, Europe 0.264, rest 0.282. Users are not kilograms: US users consume more each, so
  North America's share of consumption is probably higher. Scaled back by the indices, the
  implied 1990 shares are North America 0.58, Europe 0.20, rest 0.22.
- Known weakness: North America is in tonnes, the others in users, and US consumption per user
  fell, so later years give North America too little: 0.31 of world demand in 2009, where the
  files give about 0.43 (US about 187 t, interpolated between RAND's 2006 and 2010 figures, of
  440 t consumed worldwide).

Yields (``world.yields``): per country, ``leaf_yield_index`` multiplies the regions' dry-leaf
yield (``yield_kg_ha``, which describes the start; 1990 = 1.0 here) and
``cocaine_per_tonne_leaf_kg`` is kg of cocaine per tonne of dry leaf.

- 1990-2003: the yields UNODC's 1990-2003 table implies (potential dry leaf / net cultivation;
  cocaine / leaf), relative to 1990 for the index. They carry the mix of regions (Bolivia's
  average falls as the Chapare is eradicated and the low-yield legal Yungas remain: a model whose
  regions already differ in yield may count that composition twice) and the method breaks where
  UNODC's own surveys replaced US government estimates (Peru 2000, Bolivia 2003; Colombia's
  1999 break moves neither yield). A break is not a change of yield: the table's step at the
  break year is taken out and the later years are chained to the year before (ASSUMPTION, as at
  the 2003 vintage break below), for the leaf yield and the conversion alike. Unchained, Peru's
  cocaine per hectare fell 28% in 2000 (leaf -40%, conversion +21%), while its own survey of 2004
  found 2,200 kg of leaf per hectare, above every 1990s estimate; the model calibrated on the
  unchained yields made half to two thirds of its 1990 cocaine in 2006-2009 against demand about
  0.8 of 1990's, and its traders' inventory ran dry for years. The price of chaining: the
  cultivation series the model is fitted to has the same break, and UNODC's hectares times the
  unchained yields give UNODC's 1990-2003 production exactly; chained, Peru's 2003 output is
  about 216 t against the table's 155 t (Bolivia's changes by -3%), nearer UNODC's later,
  survey-based estimates. Chaining the conversion too may count twice a refinement gain that
  began in 2000 and is applied again below. Colombia's +34% in 2002 (1,630 -> 2,177 kg of leaf
  per hectare) is not at a survey start and is kept; if it is a method step, Colombia's later
  yields are a quarter too high.
- After 2003: survey yields on another basis, so they are chained to the 2003 level (ASSUMPTION:
  no jump at the vintage break) and only their changes are used: Colombia's fresh-leaf yields
  relative to 2005 (mean of the two SIMCI documents for 2005 and 2011), Peru's sun-dried-leaf
  yields relative to 2004 (the first survey year); Bolivia's regional yields did not change
  between 2004 and 2005.
- Cocaine per tonne of leaf after 2003: the refinement changes the data report are undated, so
  their dates are ASSUMPTIONS: Peru from about 370 to 240-260 kg of leaf per kg (x 370 / 250),
  reached by 2012 linearly from 2003; Bolivia "twice as much" cocaine from the same leaf,
  reported in 2011-2012 as about three years of change, so x 2 from 2008 to 2011 (165 kg of
  leaf per kg at the end, more efficient than Peru's new method: read it as an upper end). Colombia's
  later figures are per fresh leaf and harvested hectare (2016-2019) and are not used: held at
  2003 (ASSUMPTION).
"""

from __future__ import annotations

CONSUMER_SHARE_YEAR = 2001  # OWJE_GIDT2003: the one year with users for all three markets

CONSUMER_SHARES = {
    "north_america": 0.453571,  # OWJE_GIDT2003: 6.35 / 14 million users
    "europe": 0.264286,  # OWJE_GIDT2003: 3.7 (Western Europe) / 14 million users
    "rest_of_world": 0.282143,  # OWJE_GIDT2003: (14 - 6.35 - 3.7) / 14 million users
}

NORTH_AMERICA_DEMAND_INDEX = {
    1988: 1.4765,  # BENNETT_ONDCP_CONSUMPTION: 660 t / 447 t (1990)
    1989: 1.2886,  # BENNETT_ONDCP_CONSUMPTION: 576 t / 447 t
    1990: 1.0,  # BENNETT_ONDCP_CONSUMPTION: 447 t / 447 t
    1991: 0.7942,  # BENNETT_ONDCP_CONSUMPTION: 355 t / 447 t
    1992: 0.7740,  # BENNETT_ONDCP_CONSUMPTION: 346 t / 447 t
    1993: 0.7405,  # BENNETT_ONDCP_CONSUMPTION: 331 t / 447 t
    1994: 0.7226,  # BENNETT_ONDCP_CONSUMPTION: 323 t / 447 t
    1995: 0.7181,  # BENNETT_ONDCP_CONSUMPTION: 321 t / 447 t
    1996: 0.6734,  # BENNETT_ONDCP_CONSUMPTION: 301 t / 447 t
    1997: 0.6152,  # BENNETT_ONDCP_CONSUMPTION: 275 t / 447 t
    1998: 0.5973,  # BENNETT_ONDCP_CONSUMPTION: 267 t / 447 t
    1999: 0.6063,  # BENNETT_ONDCP_CONSUMPTION: 271 t / 447 t
    2000: 0.5794,  # BENNETT_ONDCP_CONSUMPTION: 259 t / 447 t
    2006: 0.6711,  # BROOKINGS_KILMER_MIDGETTE_2017, BENNETT_ONDCP_CONSUMPTION: 300 t (RAND) / 447 t
    2010: 0.3356,  # BROOKINGS_KILMER_MIDGETTE_2017, BENNETT_ONDCP_CONSUMPTION: 150 t (RAND) / 447 t
    2012: 0.3068,  # SAMHSA_NSDUH2012_ALTTEXT, NIDA_RR_COCAINE_2010: 2010 x 1.6 / 1.75 M past-month users; ASSUMPTION: 2010 users interpolated
    2017: 0.4027,  # NDD_NSDUH2017, NIDA_RR_COCAINE_2010, SAMHSA_NSDUH2012_ALTTEXT: 2010 x 2.1 / 1.75 M past-month users; ASSUMPTION: 2010 users interpolated
    2021: 0.3276,  # REHAB4ADDICTION_NSDUH2021, NDD_NSDUH2017: 2017 x 4.8 / 5.9 M past-year users
}

EUROPE_DEMAND_INDEX = {
    1990: 1.0,  # ASSUMPTION: no European count before 2001; held at the 2001 level
    2001: 1.0,  # OWJE_GIDT2003: 3.7 / 3.7 M past-year users (Western Europe)
    2005: 0.9459,  # ABLE2KNOW_EMCDDA_AR2006, OWJE_GIDT2003: 3.5 (EU 15-64) / 3.7 M users
    2013: 0.9189,  # COCAINEROUTE_EDR2015, OWJE_GIDT2003: 3.4 (EU 15-64) / 3.7 M users
    2014: 0.9730,  # EMCDDA_EUDMR2016_CONSUMER, OWJE_GIDT2003: 3.6 (EU 15-64) / 3.7 M users
    2023: 1.0811,  # PORTUGALNEWS_EDR2024, OWJE_GIDT2003: 4.0 (EU 15-64) / 3.7 M users
}

REST_OF_WORLD_DEMAND_INDEX = {
    1990: 1.0,  # ASSUMPTION: no count for the rest of the world before 2001; held at 2001
    2001: 1.0,  # OWJE_GIDT2003: (14 - 6.35 - 3.7) / 3.95 M past-year users
    2013: 2.0169,  # VANGUARD_WDR2025, COCAINEROUTE_EDR2015, TOP5_NSDUH2008, NDD_NSDUH2017, OWJE_GIDT2003: (17 - US 5.63 - EU 3.4) / 3.95; ASSUMPTION: US users interpolated
    2019: 2.7412,  # BBMARKET_WDR2021, NDD_NSDUH2017, REHAB4ADDICTION_NSDUH2021, EMCDDA_EUDMR2016_CONSUMER, PORTUGALNEWS_EDR2024, OWJE_GIDT2003: (20 - US 5.35 - EU 3.82) / 3.95; ASSUMPTION: US and EU users interpolated
    2020: 3.1793,  # DPF_3679_WDR2022, NDD_NSDUH2017, REHAB4ADDICTION_NSDUH2021, EMCDDA_EUDMR2016_CONSUMER, PORTUGALNEWS_EDR2024, OWJE_GIDT2003: (21.5 - US 5.08 - EU 3.87) / 3.95; ASSUMPTION: US and EU users interpolated
    2023: 4.1013,  # VANGUARD_WDR2025, REHAB4ADDICTION_NSDUH2021, PORTUGALNEWS_EDR2024, OWJE_GIDT2003: (25 - US 4.8 - EU 4.0) / 3.95; ASSUMPTION: US users of 2021 held to 2023
}

COLOMBIA_LEAF_YIELD_INDEX = {
    1990: 1.0,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1130 / 1130 kg dry leaf per ha (1990)
    1991: 1.0619,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1200 / 1130
    1992: 1.0708,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1210 / 1130
    1993: 1.0097,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1141 / 1130
    1994: 1.3363,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1510 / 1130
    1995: 1.4062,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1589 / 1130
    1996: 1.4345,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1621 / 1130
    1997: 1.4434,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1631 / 1130
    1998: 1.4425,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1630 / 1130
    1999: 1.4425,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1630 / 1130
    2000: 1.4425,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1630 / 1130
    2001: 1.4425,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1630 / 1130
    2002: 1.9265,  # FDOKUMEN_WDR_TABLE5_1990_2003: 2177 / 1130
    2003: 1.7283,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1953 / 1130
    2005: 1.7283,  # INFOREGION_SIMCI2011, VDOCUMENTS_SIMCI_FRONTERA: 2003 x 6550 / 6550 kg fresh leaf; ASSUMPTION: chained at the 2003 level
    2011: 1.1478,  # INFOREGION_SIMCI2011, VDOCUMENTS_SIMCI_FRONTERA: 2003 x 4350 / 6550 kg fresh leaf; ASSUMPTION: chained at the 2003 level
    2013: 1.0821,  # APRO_2015_07_02, INFOREGION_SIMCI2011, VDOCUMENTS_SIMCI_FRONTERA: 2003 x 4101 / 6550; ASSUMPTION: chained at the 2003 level
    2014: 1.2402,  # APRO_2015_07_02, INFOREGION_SIMCI2011, VDOCUMENTS_SIMCI_FRONTERA: 2003 x 4700 / 6550; ASSUMPTION: chained at the 2003 level
    2016: 1.4776,  # SCRIBD_COL_FACTSHEET_2017, INFOREGION_SIMCI2011, VDOCUMENTS_SIMCI_FRONTERA: 2003 x 5600 / 6550; ASSUMPTION: chained at the 2003 level
    2017: 1.4776,  # SCRIBD_COL_FACTSHEET_2017, INFOREGION_SIMCI2011, VDOCUMENTS_SIMCI_FRONTERA: 2003 x 5600 / 6550; ASSUMPTION: chained at the 2003 level
    2018: 1.5040,  # AGRONEGOCIOS_2020_07_28, INFOREGION_SIMCI2011, VDOCUMENTS_SIMCI_FRONTERA: 2003 x 5700 / 6550; ASSUMPTION: chained at the 2003 level
    2019: 1.5304,  # AGRONEGOCIOS_2020_07_28, INFOREGION_SIMCI2011, VDOCUMENTS_SIMCI_FRONTERA: 2003 x 5800 / 6550; ASSUMPTION: chained at the 2003 level
    2020: 1.6887,  # UN_COLOMBIA_2021_07_29, INFOREGION_SIMCI2011, VDOCUMENTS_SIMCI_FRONTERA: 2003 x 6400 / 6550; ASSUMPTION: chained at the 2003 level
}

PERU_LEAF_YIELD_INDEX = {
    1990: 1.0,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1623 / 1623 kg dry leaf per ha (1990)
    1991: 1.1362,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1844 / 1623
    1992: 1.0684,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1734 / 1623
    1993: 0.8805,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1429 / 1623
    1994: 0.9378,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1522 / 1623
    1995: 0.9809,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1592 / 1623
    1996: 1.1405,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1851 / 1623
    1997: 1.1694,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1898 / 1623
    1998: 1.1553,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1875 / 1623
    1999: 1.1017,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1788 / 1623
    2000: 1.1017,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1065 / 1623 x 1788 / 1065 (1999 / 2000); ASSUMPTION: chained across the 2000 method break
    2001: 1.1037,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1067 / 1623 x 1788 / 1065 (1999 / 2000); ASSUMPTION: chained across the 2000 method break
    2002: 1.1627,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1124 / 1623 x 1788 / 1065 (1999 / 2000); ASSUMPTION: chained across the 2000 method break
    2003: 1.1886,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1149 / 1623 x 1788 / 1065 (1999 / 2000); ASSUMPTION: chained across the 2000 method break
    2004: 1.1886,  # DOCSLIB_PERU_FACTSHEET_2005: 2003 x 2200 / 2200 kg sun-dried leaf; ASSUMPTION: chained at the 2003 level and across the 2000 break
    2005: 1.1886,  # DOCSLIB_PERU_FACTSHEET_2005: 2003 x 2200 / 2200; ASSUMPTION: chained at the 2003 level and across the 2000 break
    2006: 1.1886,  # NOTICIALOCAL_2007_06, DOCSLIB_PERU_FACTSHEET_2005: 2003 x 2200 / 2200; ASSUMPTION: chained at the 2003 level and across the 2000 break
    2014: 1.2691,  # DERECHOS_PERU_MONITOREO_2015, DOCSLIB_PERU_FACTSHEET_2005: 2003 x 2349 / 2200; ASSUMPTION: chained at the 2003 level and across the 2000 break
    2015: 1.2917,  # DERECHOS_PERU_MONITOREO_2015, DOCSLIB_PERU_FACTSHEET_2005: 2003 x 2391 / 2200; ASSUMPTION: chained at the 2003 level and across the 2000 break
}

BOLIVIA_LEAF_YIELD_INDEX = {
    1990: 1.0,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1531 / 1531 kg dry leaf per ha (1990)
    1991: 1.0634,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1628 / 1531
    1992: 1.1581,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1773 / 1531
    1993: 1.1679,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1788 / 1531
    1994: 1.2195,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1867 / 1531
    1995: 1.1424,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1749 / 1531
    1996: 1.0196,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1561 / 1531
    1997: 1.0,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1531 / 1531
    1998: 0.9092,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1392 / 1531
    1999: 0.6832,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1046 / 1531
    2000: 0.5996,  # FDOKUMEN_WDR_TABLE5_1990_2003: 918 / 1531
    2001: 0.6630,  # FDOKUMEN_WDR_TABLE5_1990_2003: 1015 / 1531
    2002: 0.5297,  # FDOKUMEN_WDR_TABLE5_1990_2003: 811 / 1531
    2003: 0.5297,  # FDOKUMEN_WDR_TABLE5_1990_2003: 725 / 1531 x 811 / 725 (2002 / 2003); ASSUMPTION: chained across the 2003 method break
    2004: 0.5297,  # DOCSLIB_BOLIVIA_FACTSHEET_2005: 2003 level; ASSUMPTION: chained at the 2003 level and across the 2003 break
    2005: 0.5297,  # DOCSLIB_BOLIVIA_FACTSHEET_2005: 2003 x 2764 / 2764 (Chapare; Yungas also unchanged); ASSUMPTION: chained at the 2003 level and across the 2003 break
}

# Held at the 2003 value after 2003 (ASSUMPTION: see the module docstring).
COLOMBIA_COCAINE_PER_TONNE_LEAF_KG = {
    1990: 2.03,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1991: 1.96,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1992: 2.03,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1993: 2.63,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1994: 2.98,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1995: 2.84,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1996: 2.75,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1997: 2.7,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1998: 2.62,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1999: 2.61,  # FDOKUMEN_WDR_TABLE5_1990_2003
    2000: 2.61,  # FDOKUMEN_WDR_TABLE5_1990_2003
    2001: 2.61,  # FDOKUMEN_WDR_TABLE5_1990_2003
    2002: 2.61,  # FDOKUMEN_WDR_TABLE5_1990_2003
    2003: 2.62,  # FDOKUMEN_WDR_TABLE5_1990_2003
}

# Chained across the 2000 break, then the dated refinement change (see the module docstring).
PERU_COCAINE_PER_TONNE_LEAF_KG = {
    1990: 2.5,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1991: 2.36,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1992: 2.46,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1993: 2.64,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1994: 2.63,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1995: 2.51,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1996: 2.49,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1997: 2.49,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1998: 2.51,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1999: 2.53,  # FDOKUMEN_WDR_TABLE5_1990_2003
    2000: 2.53,  # FDOKUMEN_WDR_TABLE5_1990_2003: 3.05 x 2.53 / 3.05 (1999 / 2000); ASSUMPTION: chained across the 2000 method break
    2001: 2.52,  # FDOKUMEN_WDR_TABLE5_1990_2003: 3.04 x 2.53 / 3.05 (1999 / 2000); ASSUMPTION: chained across the 2000 method break
    2002: 2.53,  # FDOKUMEN_WDR_TABLE5_1990_2003: 3.05 x 2.53 / 3.05 (1999 / 2000); ASSUMPTION: chained across the 2000 method break
    2003: 2.53,  # FDOKUMEN_WDR_TABLE5_1990_2003: 3.05 x 2.53 / 3.05 (1999 / 2000); ASSUMPTION: chained across the 2000 method break
    2012: 3.74,  # ILLICITFLOWS_REFINEMENT, FDOKUMEN_WDR_TABLE5_1990_2003: 2003 x 370 / 250 kg of leaf per kg; ASSUMPTION: undated, reached by 2012
}

# Chained across the 2003 break, then the dated refinement change (see the module docstring).
BOLIVIA_COCAINE_PER_TONNE_LEAF_KG = {
    1990: 2.45,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1991: 2.82,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1992: 2.8,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1993: 2.84,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1994: 2.84,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1995: 2.82,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1996: 2.86,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1997: 2.85,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1998: 2.84,  # FDOKUMEN_WDR_TABLE5_1990_2003
    1999: 3.07,  # FDOKUMEN_WDR_TABLE5_1990_2003
    2000: 3.21,  # FDOKUMEN_WDR_TABLE5_1990_2003
    2001: 2.97,  # FDOKUMEN_WDR_TABLE5_1990_2003
    2002: 3.03,  # FDOKUMEN_WDR_TABLE5_1990_2003
    2003: 3.03,  # FDOKUMEN_WDR_TABLE5_1990_2003: 3.51 x 3.03 / 3.51 (2002 / 2003); ASSUMPTION: chained across the 2003 method break
    2008: 3.03,  # FDOKUMEN_WDR_TABLE5_1990_2003: the 2003 level; ASSUMPTION: held until the change began
    2011: 6.06,  # INSIGHTCRIME_BOLIVIA_DOUBLE_OUTPUT, FDOKUMEN_WDR_TABLE5_1990_2003: 2003 x 2; ASSUMPTION: over the three years to 2011
}

# For a country without an entry in world.yields: no trend, and the model's earlier constant.
GENERIC_LEAF_YIELD_INDEX = {
    1990: 1.0,  # ASSUMPTION: no yield trend where no data are given
}
GENERIC_COCAINE_PER_TONNE_LEAF_KG = {
    1990: 3.125,  # ASSUMPTION: 1000 / 320 (320 kg of leaf per kg, the model's earlier constant)
}

DEFAULT_CONSUMER_MARKETS = [
    {"name": "north_america", "share": CONSUMER_SHARES["north_america"], "index": NORTH_AMERICA_DEMAND_INDEX},
    {"name": "europe", "share": CONSUMER_SHARES["europe"], "index": EUROPE_DEMAND_INDEX},
    {"name": "rest_of_world", "share": CONSUMER_SHARES["rest_of_world"], "index": REST_OF_WORLD_DEMAND_INDEX},
]  # fmt: skip

DEFAULT_YIELDS = {
    "colombia": {"leaf_yield_index": COLOMBIA_LEAF_YIELD_INDEX, "cocaine_per_tonne_leaf_kg": COLOMBIA_COCAINE_PER_TONNE_LEAF_KG},
    "peru": {"leaf_yield_index": PERU_LEAF_YIELD_INDEX, "cocaine_per_tonne_leaf_kg": PERU_COCAINE_PER_TONNE_LEAF_KG},
    "bolivia": {"leaf_yield_index": BOLIVIA_LEAF_YIELD_INDEX, "cocaine_per_tonne_leaf_kg": BOLIVIA_COCAINE_PER_TONNE_LEAF_KG},
}  # fmt: skip
