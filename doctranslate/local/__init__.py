"""The local stand-in for Azure AI Document Translation.

An ASGI service that speaks the real wire protocol (both route families), reaches storage only
through the SAS URLs in each request (so Azurite's SAS enforcement is exercised for real), keeps its
state in SQLite so a restart loses no accepted batch, and really rewrites documents.
"""
