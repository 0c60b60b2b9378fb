"""Root test configuration: offscreen Qt, a file keyring, an isolated home.

The file keyring (``keyrings.alt``) is for tests and CI only; the product
never selects it on a desk.
"""
import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
_home = tempfile.mkdtemp(prefix="credencializacion-test-home-")
os.environ["CREDENCIALIZACION_HOME"] = _home
# test mode: the virtual pad and file cameras may open (drivers.doubles.MODE_ENV; subprocesses inherit it)
os.environ["CREDENCIALIZACION_MODO"] = "prueba"
os.environ.setdefault("XDG_DATA_HOME", os.path.join(_home, "xdg-data"))
os.environ.setdefault("XDG_CONFIG_HOME", os.path.join(_home, "xdg-config"))
