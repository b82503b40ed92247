"""The RASP interpreter: `batched` runs every input of one length at once in NumPy,
`per_input` runs one input at a time (the reference and the fallback), and `outcome` is the
data both return."""
