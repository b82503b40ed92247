"""`rasp` and its sub-commands; `main` parses and dispatches, importing each command's module
only when it runs."""
