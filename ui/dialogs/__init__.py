"""Self-contained dialogs that gather a form and start a core job (merge, packets, agreement...)."""
