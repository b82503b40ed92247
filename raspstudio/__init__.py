"""rasp-studio engine: load, evaluate, validate, compile and verify tracr RASP programs."""

from raspstudio.lazy_tracr import install as _install_lazy_tracr

_install_lazy_tracr()
