"""HART inference modules; attribute paths equal the official state-dict keys."""
