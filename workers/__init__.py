"""Celery tasks, one module per queue (imports, dialer, postcall), and long-running worker commands."""
