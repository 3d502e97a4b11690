"""`pip install -e adapters/python` works where no package index is reachable (the README's
install line), and the installed package runs from any folder."""

import os
import subprocess
import sys
import tempfile
import unittest

PACKAGE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "adapters", "python"))


class EditableInstallTest(unittest.TestCase):
    def test_pip_install_editable_without_an_index(self):
        venv = tempfile.mkdtemp(prefix="rollcall-venv-")
        # --without-pip and the system's pip and setuptools: nothing is downloaded.
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", venv], check=True)
        python = os.path.join(venv, "bin", "python")
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        install = subprocess.run([python, "-m", "pip", "install", "-q", "--no-build-isolation", "--no-index", "-e", PACKAGE],
                                 env=env, capture_output=True, text=True)
        self.assertEqual(install.returncode, 0, install.stderr)
        found = subprocess.run([python, "-c", "import rollcall; print(rollcall.__file__)"], cwd=venv, env=env,
                               capture_output=True, text=True, check=True)
        self.assertEqual(found.stdout.strip(), os.path.join(PACKAGE, "rollcall", "__init__.py"))


if __name__ == "__main__":
    unittest.main()
