"""`python -m doctranslate.local local-service ...`: how the stack starts the service in a process of its own,
without the pipeline's commands (and Prefect) loaded."""

from doctranslate.local.commands import commands

commands(prog_name="doctranslate")
