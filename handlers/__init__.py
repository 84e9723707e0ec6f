"""Chat channels. Each parses its updates, calls the core and renders the replies."""
