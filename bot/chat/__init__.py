"""Chat: understanding a message, the features that act on it, and the replies."""
