"""r2pcoder's desktop workbench (PySide6). Imports the core; the core never imports this."""
