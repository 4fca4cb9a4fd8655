"""Persistence: settings, the store, migrations, accounts and demo data."""
