"""Accompaniment log: clients by code, appointments, calendar export, funder reports."""
