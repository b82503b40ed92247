"""rasp-studio engine: load, evaluate, validate, compile and verify tracr RASP programs."""
