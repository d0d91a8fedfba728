"""Helper scripts (gazetteer build) run from the repository root."""
