"""The thin command-line layer: parse flags, call the core, render. No SQL and no business rules here."""
