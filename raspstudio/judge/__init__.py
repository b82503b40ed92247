"""The judge: verdicts computed from plain data, in a process that never ran user code.

A program file is user code, and the worker that runs it can be made to report anything. So
the worker only hands over evidence (`raspstudio.evidence`): the interpreter's outputs, the
reference's outputs and the compiled model's weights. The judge chooses the input space itself
(`inputs`), runs the compiled transformer itself (`forward`), and compares (`verdict`). It
imports NumPy and the package's root leaves only: never tracr, never the pipeline, never a
user's module, so nothing a file does can reach it.
"""
