"""Blob storage as the pipeline uses it: the account and its SAS tokens, every blob name, the REST
protocol both storage clients speak, bulk transfers, and local files written atomically."""
