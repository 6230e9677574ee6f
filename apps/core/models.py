"""No tables: apps.core holds cross-cutting code; this module lets post_migrate reach it."""
