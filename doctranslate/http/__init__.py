"""HTTP plumbing shared by the translator client, storage transfers, Prefect events and the local service:
requests as values (`Call`), one retry decision (`RetryPolicy`), one sending loop, bounded request bodies."""
