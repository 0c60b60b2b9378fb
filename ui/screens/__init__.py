"""The station's screens (manual §5–§13), one module each."""
