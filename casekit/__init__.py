"""casekit: screenshots and bill exports → a verified evidence case and printable complaint packets."""

__version__ = "0.1.0"
