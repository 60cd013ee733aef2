"""Execution metrics as Camunda 7 reports them (ACT_RU_METER_LOG, ACT_RU_TASK_METER_LOG).

Counting adds no statement to a command: each process counts in memory (`meters`) from what
a command hands over after it committed (its effects, docs/runtime.md) and from the job
executor, and a reporter thread writes the counts as meter-log rows every
`LEGATO_METRICS_FLUSH_SECONDS` (`reporter`). Reading is `queries`.
"""
