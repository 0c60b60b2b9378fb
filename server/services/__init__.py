"""Server services: the only code that changes data (students, SAE, print orders, users, reports)."""
