"""The language server (`rasp serve`): `app` registers thin handlers, `analysis` schedules checks
as you type, and one module per feature turns engine results into LSP types."""
