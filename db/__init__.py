"""Persistence: tables, engine, migrations, repositories and the desk service."""
