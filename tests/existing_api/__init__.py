"""A project shaped like an API that already has clients, adopting the library one view at a
time: its own exception handler, a function view, an APIView, two viewsets (one migrated)."""
