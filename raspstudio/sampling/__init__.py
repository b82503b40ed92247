"""Random RASP programs for testbed corpora (`rasp sample`): a client of engine/, like drafting.

`grammar` draws expression DAGs from a seeded `random.Random`, `render` writes them as program
files, `sampler` keeps the distinct ones the engine verified. docs/sampling.md.
"""
