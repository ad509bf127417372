"""The model layer: pure data with no I/O (cells and A1, values, schemas, problems, layouts, tabs, change sets)."""
