"""spaCy components of misconduct-nlp, each registered with ``@Language.factory``."""
