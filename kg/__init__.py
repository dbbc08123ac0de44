"""zhengwu-kg: knowledge graphs from Chinese party and government news (records, resolution, CLI)."""

__version__ = "0.1.0"  # the one place the version is written (pyproject reads it; `kg --version` prints it)
