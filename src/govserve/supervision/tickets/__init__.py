"""Consultations, suggestions, complaints and reports: the 12345 closed loop."""
