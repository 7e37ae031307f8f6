"""Bilingual checklists: structure from data/checklists, words from gettext catalogs (Babel)."""
