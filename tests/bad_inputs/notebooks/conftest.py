"""The notebooks here are broken on purpose: pytest (nbval) must not try to run them."""

collect_ignore_glob = ["*.ipynb"]
