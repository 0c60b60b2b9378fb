"""Entry script of the packaged station (PyInstaller): ``app.cli.main()``.

Kept tiny on purpose: everything the executable does lives in the product's
packages, so the frozen and the installed command behave the same.
"""
import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless unless a child process is spawned (Windows)
    sys.exit(main())
