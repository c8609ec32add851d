"""Kandinsky 2.2 (kind ``kandinsky22``): random-weight checkpoints of the real architecture, the bundle exporter,
the diffusers reference recorder (parity cases) and ``verify`` against the Java engine."""
