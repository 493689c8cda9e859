"""csa-companion: an offline learning companion for the Compassionate Systems framework."""

__version__ = "0.1.0"
