"""好差评 (GB/T 39734): ratings after a case, rectification of bad ratings, appeals."""
