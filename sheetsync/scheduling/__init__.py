"""Running jobs on their cadences: the schedule loop and the last-runs state (cadences: model.cadence)."""
