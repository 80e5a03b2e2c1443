"""Keras picks its backend once per process, from KERAS_BACKEND: this test
process uses JAX (also needed by tests/jax); the torch and numpy backends are
tested in child processes (test_backends.py)."""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
