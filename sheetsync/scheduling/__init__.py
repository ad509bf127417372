"""Running jobs on their cadences: the schedule loop, cadence maths and the last-runs state."""
