"""The survivor's own plan: goals they set, releases of information, referrals to partner organizations.

Everything here is tied to a pseudonymous client code, goes through the store's write transaction and audit
log (actions only, no content), and is deleted with the client by ``clients purge`` and retention.
"""
