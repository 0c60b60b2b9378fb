"""Server side of station sync (issue 4): content-addressed blobs, idempotent
commands through :func:`server.services.students.apply_student_command`,
and the ordered changes feed. Routes in :mod:`server.sync.routes`."""
