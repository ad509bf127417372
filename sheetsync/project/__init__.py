"""A business's project: its config file and what its jobs folder holds (jobs, exporters, filters, demo)."""
