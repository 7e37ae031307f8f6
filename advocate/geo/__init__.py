"""Locations: parse a string, resolve it offline (gazetteer) or, when enabled, online; distances."""
