"""The front hall: the only modules that import both `db` and `screens` and wire them together.

`bootstrap` opens the desk and builds the app; `app` is the Textual App; `cli` is the command line
with its one registry of commands; `backup`, `users`, `watch` and `serve` are its commands, and
`output` the way every command prints.
"""
