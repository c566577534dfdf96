"""A bench-only Django site for ``bench/page_speed.py``: the project's settings and URLs plus
the framework's floor (``/bench/ok``) and WhiteNoise serving a saved copy of a page."""
