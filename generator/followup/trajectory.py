"""Where an indicator stands: from its baseline toward its 2027 and 2030 targets.

An indicator is « en bonne voie » when its observed value has covered at least the share of the
way to the 2027 target that the elapsed time calls for (a straight line from the baseline year
to 2027; after 2027, toward 2030), « en retard » otherwise, « cible atteinte » when it has
reached the target of the period. Without a baseline or a target, nothing is judged.
"""

from __future__ import annotations

ON_TRACK, BEHIND, REACHED, UNKNOWN, NO_VALUE = (
    "en bonne voie",
    "en retard",
    "cible atteinte",
    "non évaluable",
    "sans valeur",
)


def expected(indicator, year: int) -> float | None:
    """The value the straight path from the baseline would give in `year`."""
    base, base_year = indicator.baseline, indicator.baseline_year
    if base is None or base_year is None:
        return None
    if year <= 2027 and indicator.target_2027 is not None:
        start, end, start_value, end_value = base_year, 2027, base, indicator.target_2027
    elif indicator.target_2030 is not None:
        if indicator.target_2027 is not None and base_year < 2027:
            start, start_value = 2027, indicator.target_2027
        else:
            start, start_value = base_year, base
        end, end_value = 2030, indicator.target_2030
    else:
        return None
    if end <= start:
        return end_value
    share = min(max((year - start) / (end - start), 0.0), 1.0)
    return start_value + (end_value - start_value) * share


def status(indicator, value, year: int) -> str:
    if value is None:
        return NO_VALUE
    target = indicator.target_2027 if year <= 2027 else indicator.target_2030
    target = target if target is not None else indicator.target_2030
    wanted = expected(indicator, year)
    if target is None or wanted is None or indicator.baseline is None:
        return UNKNOWN
    rising = target >= indicator.baseline
    if (value >= target) if rising else (value <= target):
        return REACHED
    return ON_TRACK if ((value >= wanted) if rising else (value <= wanted)) else BEHIND
