"""Version numbers, in one small module that anything may import.

``STREAM_VERSION`` names the bits: for a given seed, every public method's
output is frozen per stream version (docs/STREAM.md, "Stream versions").
"""
__version__ = "0.1.0"

#: Version of the stream contract (docs/STREAM.md): the bits of every method for a
#: given seed are frozen per version.
STREAM_VERSION = 3
