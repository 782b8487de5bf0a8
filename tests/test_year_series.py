from datetime import date

import numpy as np
import pytest

from model.year_series import month_position, series_by_month, value_at

SERIES = {2000: 1.0, 2004: 3.0, 2006: 2.0}


def test_points_sit_mid_year_and_months_mid_month():
    assert month_position(date(1990, 7, 1)) == pytest.approx(1990 + 0.5 / 12)
    assert month_position(date(1990, 6, 15)) == pytest.approx(1990 - 0.5 / 12)
    assert month_position(date(1991, 1, 1)) == pytest.approx(1991 - 5.5 / 12)
    assert month_position(date(1990, 12, 1)) + 1 / 12 == pytest.approx(
        month_position(date(1991, 1, 1))
    )


def test_values_at_points_linear_between_flat_outside():
    assert value_at(SERIES, 2000) == 1.0
    assert value_at(SERIES, 2004) == 3.0
    assert value_at(SERIES, 2002) == pytest.approx(2.0)
    assert value_at(SERIES, 2001) == pytest.approx(1.5)
    assert value_at(SERIES, 2005) == pytest.approx(2.5)
    assert value_at(SERIES, 1950) == 1.0
    assert value_at(SERIES, 2100) == 2.0
    assert value_at({2010: 4.2}, 1990) == value_at({2010: 4.2}, 2030) == 4.2
    # Key order does not matter.
    assert value_at(dict(reversed(SERIES.items())), 2003) == pytest.approx(2.5)
    with pytest.raises(ValueError, match="at least one point"):
        value_at({}, 2000)


def test_series_by_month_matches_value_at_every_month():
    start, months = date(1998, 3, 1), 12 * 12
    path = series_by_month(SERIES, start, months)
    assert path.shape == (months,) and path.dtype == float
    for t in range(months):
        when = date(start.year + (start.month - 1 + t) // 12, (start.month - 1 + t) % 12 + 1, 1)
        assert path[t] == pytest.approx(value_at(SERIES, month_position(when)))
    assert path[0] == 1.0 and path[-1] == 2.0  # flat before 2000 and after 2006
    rising = path[(2001 - 1998) * 12 : (2003 - 1998) * 12]
    assert np.all(np.diff(rising) > 0)
    # Linear stretch: equal monthly steps of 2/4/12 between the 2000 and 2004 points.
    assert np.allclose(np.diff(rising), 0.5 / 12)
    # Months of 2002 centre on the 2002 value (the series runs straight through it).
    year_2002 = path[(2002 - 1998) * 12 - 2 : (2002 - 1998) * 12 + 10]
    assert year_2002.mean() == pytest.approx(value_at(SERIES, 2002))
    assert series_by_month(SERIES, start, 0).shape == (0,)
