"""The engine layer: one run from read to write (evaluate the jobs, plan, guard, write, audit)."""
