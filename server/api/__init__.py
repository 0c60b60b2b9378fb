"""HTTP routers of the central server (mounted by :func:`server.app.create_app`)."""
