"""Blob arrivals as Prefect events: parsing Event Grid deliveries, the relay that posts them, the container
watcher for when there is no Event Grid, and the sink that talks to Prefect's events API."""
