"""Detect: fingerprints of a leaked data set that find re-posts (and, next, ``spillguard watch``)."""
