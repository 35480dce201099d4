"""Textual screens, widgets and styles. Screens talk to the desk service, never to SQL."""
