"""Translation QA: each output checked against its source with the format engine's own reading of both."""
