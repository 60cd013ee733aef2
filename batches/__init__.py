"""Camunda's batches: bulk operations over frozen targets, worked through in chunks by a runner.

Neither the engine's REST layer nor the cockpit owns them: both create batches here, and the
handlers call the engine's service API with the batch creator as the acting user.
"""
