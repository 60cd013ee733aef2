"""The demo of the embedded default: processes in this folder, and traffic that runs them."""
