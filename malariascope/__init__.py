"""MalariaScope: malaria screening of thin blood smear cell images.

A screening aid, not a diagnosis: every call is meant to be reviewed by a trained technician.
"""

__version__ = "0.1.0"
